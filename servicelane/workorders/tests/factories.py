"""Repair orders for tests, built through the services (never by hand)."""

import datetime as dt
import itertools
import random
from zoneinfo import ZoneInfo

from servicelane.core.choices import WorkshopRole
from servicelane.core.models import Membership, User, Workshop
from servicelane.core.tests.factories import member
from servicelane.customers.tests.factories import CustomerFactory
from servicelane.demo.customers import make_vin
from servicelane.vehicles.services import vehicle_register
from servicelane.workorders import services
from servicelane.workorders.catalogue import SERVICE_OPERATIONS, ensure_catalogue
from servicelane.workorders.choices import QC_CHECKLIST, ChecklistKind, QCLevel
from servicelane.workorders.models import Estimate, Job, RepairOrder

BERLIN = ZoneInfo("Europe/Berlin")
_serials = itertools.count(300_000)


def technician_of(workshop: Workshop, level: int = 3, **fields: object) -> User:
    user = member(workshop, WorkshopRole.TECHNICIAN, **fields)
    Membership.objects.filter(user=user, workshop=workshop).update(level=level)
    return user


def with_operations(cap) -> None:
    """Give the test service types the network's operations (see catalogue.py)."""
    for code, service_type in cap.services.items():
        service_type.operation_codes = SERVICE_OPERATIONS.get(code, "")
        service_type.save(update_fields=["operation_codes"])


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
    return services.repair_order_check_in(
        actor=advisor,
        workshop=workshop,
        customer=customer,
        vehicle=vehicle,
        mileage=mileage,
        concerns=concerns,
        **kw,
    )


def priced_job(ro: RepairOrder, advisor: User, *codes: str, title: str = "Brakes") -> Job:
    return services.job_add(
        actor=advisor, repair_order=ro, title=title, operation_codes=codes or ("BRAKES-FRONT",)
    )


def approve_all(estimate: Estimate, name: str = "Eva Kundin") -> Estimate:
    decisions = {job.pk: True for job in estimate.jobs.all()}
    return services.estimate_answer(
        estimate=estimate, decisions=decisions, signed_name=name, ip="192.0.2.7"
    )


def work_all(ro: RepairOrder, technician: User) -> None:
    """The technician clocks on and finishes every agreed job still open."""
    for job in ro.jobs.filter(status__in=["approved", "paused"]).order_by("position"):
        services.job_clock_on(actor=technician, job=job)
        services.job_finish(actor=technician, job=job)


def tick_all(workshop: Workshop, kind: str) -> dict[str, bool]:
    return {str(p.pk): True for p in services.checklist_points(workshop, kind)}


def pass_qc(ro: RepairOrder, technician: User, foreman: User, advisor: User) -> None:
    for level, who in (
        (QCLevel.TECHNICIAN, technician),
        (QCLevel.FOREMAN, foreman),
        (QCLevel.ADVISOR, advisor),
    ):
        services.quality_check_record(
            actor=who,
            repair_order=ro,
            level=level,
            passed=True,
            answers=tick_all(ro.workshop, QC_CHECKLIST[level]),
        )


def ready_order(workshop: Workshop, advisor: User, technician: User, foreman: User) -> RepairOrder:
    """A walk-in with one approved, done brake job that passed all three checks."""
    ro = walk_in(workshop, advisor)
    priced_job(ro, advisor)
    approve_all(services.estimate_send(actor=advisor, repair_order=ro))
    work_all(ro, technician)
    pass_qc(ro, technician, foreman, advisor)
    ro.refresh_from_db()
    return ro


def handover_answers(workshop: Workshop) -> dict[str, bool]:
    return tick_all(workshop, ChecklistKind.HANDOVER)


def local(y: int, m: int, d: int, h: int, mi: int = 0) -> dt.datetime:
    return dt.datetime(y, m, d, h, mi, tzinfo=BERLIN)
