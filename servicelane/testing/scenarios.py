"""Repair orders several apps' tests start from, built through the services (never by hand):
a walk-in, its estimate approved or declined as a whole, an order of approved jobs, the work
done and checked, a car ready for pick-up and one ready to be handed over (invoiced)."""

import itertools
import random

from servicelane.billing.services import invoice_issue
from servicelane.core.models import User, Workshop
from servicelane.customers.tests.factories import CustomerFactory
from servicelane.demo.customers import make_vin
from servicelane.vehicles.services import vehicle_register
from servicelane.workorders.catalogue import ensure_catalogue
from servicelane.workorders.choices import QC_CHECKLIST, ChecklistKind, QCLevel
from servicelane.workorders.estimate.services import estimate_answer, estimate_send, job_add
from servicelane.workorders.models import Estimate, Job, JobLine, RepairOrder
from servicelane.workorders.quality.services import quality_check_record
from servicelane.workorders.reception.services import repair_order_check_in
from servicelane.workorders.selectors import checklist_points
from servicelane.workorders.work.services import job_clock_on, job_finish

_serials = itertools.count(300_000)


def walk_in(
    workshop: Workshop, advisor: User, *, mileage: int = 42_000, concerns: str = "", **kw
) -> RepairOrder:
    """A customer without a booking, their car, and an order for it."""
    ensure_catalogue(workshop.network)
    customer = CustomerFactory(workshop=workshop, email="walkin@example.de", language="de")
    vehicle, _ = vehicle_register(
        actor=advisor,
        workshop=workshop,
        vin=make_vin(random.Random(5), "WBA", next(_serials)),
        plate="FR-SL 42",
        owner=customer,
    )
    return repair_order_check_in(
        actor=advisor,
        workshop=workshop,
        customer=customer,
        vehicle=vehicle,
        mileage=mileage,
        concerns=concerns,
        **kw,
    )


def priced_job(ro: RepairOrder, advisor: User, *codes: str, title: str = "Brakes") -> Job:
    """A draft job of the network's operations (front brakes if none are named)."""
    return job_add(
        actor=advisor, repair_order=ro, title=title, operation_codes=codes or ("BRAKES-FRONT",)
    )


def approve_all(estimate: Estimate, name: str = "Eva Kundin", ip: str = "192.0.2.7") -> Estimate:
    """The customer approves every job of the estimate and signs."""
    decisions = {job.pk: True for job in estimate.jobs.all()}
    return estimate_answer(estimate=estimate, decisions=decisions, signed_name=name, ip=ip)


def decline_all(estimate: Estimate, name: str = "Eva Kundin", ip: str | None = None) -> Estimate:
    """The customer declines every job of the estimate and signs."""
    decisions = {job.pk: False for job in estimate.jobs.all()}
    return estimate_answer(estimate=estimate, decisions=decisions, signed_name=name, ip=ip)


def agreed(advisor: User, *lines: JobLine) -> None:
    """The customer approves the draft jobs of the lines' orders (estimate sent and
    signed): only then are their parts issued."""
    for repair_order in {line.job.repair_order for line in lines}:
        if repair_order.jobs.filter(status="draft").exists():
            estimate = estimate_send(actor=advisor, repair_order=repair_order)
            approve_all(estimate)
    for line in lines:
        line.job.refresh_from_db()


def approved_order(
    workshop: Workshop, advisor: User, *titles: str, codes: tuple[str, ...] = ()
) -> RepairOrder:
    """A walk-in with one job per title (front brakes unless ``codes`` name other
    operations), every one approved by the customer and not started."""
    ro = walk_in(workshop, advisor)
    for title in titles or ("Brakes",):
        priced_job(ro, advisor, *codes, title=title)
    approve_all(estimate_send(actor=advisor, repair_order=ro))
    ro.refresh_from_db()
    return ro


def work_all(ro: RepairOrder, technician: User) -> None:
    """The technician clocks on and finishes every agreed job still open."""
    for job in ro.jobs.filter(status__in=["approved", "paused"]).order_by("position"):
        job_clock_on(actor=technician, job=job)
        job_finish(actor=technician, job=job)


def tick_all(workshop: Workshop, kind: str) -> dict[str, bool]:
    """Every point of the workshop's checklist of ``kind``, ticked."""
    return {str(p.pk): True for p in checklist_points(workshop, kind)}


def pass_qc(ro: RepairOrder, technician: User, foreman: User, advisor: User) -> None:
    """The three quality checks, in turn, all passed."""
    for level, who in (
        (QCLevel.TECHNICIAN, technician),
        (QCLevel.FOREMAN, foreman),
        (QCLevel.ADVISOR, advisor),
    ):
        quality_check_record(
            actor=who,
            repair_order=ro,
            level=level,
            passed=True,
            answers=tick_all(ro.workshop, QC_CHECKLIST[level]),
        )


def handover_answers(workshop: Workshop) -> dict[str, bool]:
    """Every point of the workshop's handover checklist, ticked."""
    return tick_all(workshop, ChecklistKind.HANDOVER)


def ready_order(workshop: Workshop, advisor: User, technician: User, foreman: User) -> RepairOrder:
    """A walk-in with one approved, done brake job that passed all three checks."""
    ro = walk_in(workshop, advisor)
    priced_job(ro, advisor)
    approve_all(estimate_send(actor=advisor, repair_order=ro))
    work_all(ro, technician)
    pass_qc(ro, technician, foreman, advisor)
    ro.refresh_from_db()
    return ro


def declined_order(workshop: Workshop, advisor: User, **kw) -> RepairOrder:
    """Ready for pick-up with nothing to invoice: the customer declined the only job."""
    ro = walk_in(workshop, advisor, **kw)
    priced_job(ro, advisor)
    decline_all(estimate_send(actor=advisor, repair_order=ro))
    ro.refresh_from_db()
    return ro


def ready_for_handover(
    workshop: Workshop, advisor: User, technician: User, foreman: User
) -> RepairOrder:
    """Brakes done, all three checks passed, invoiced: ready to hand over."""
    ro = ready_order(workshop, advisor, technician, foreman)
    invoice_issue(actor=advisor, repair_order=ro)
    ro.refresh_from_db()
    return ro
