"""The planned visits of the demo's history written as the rows the services would have
written for them: order, estimate, jobs and lines, clocks, checks, invoice and payment,
handover, mileage, service book and timeline, in bulk.

Numbers: the past orders and their invoices take numbers from the workshop's counters
(``ro-<year>``, ``invoice-<year>``, the year local to the check-in or the issue). Being
older than today's demo orders, which were numbered first, they must come before them:
within a year the counter's numbers are handed out again in check-in (issue) order, so
lists sorted by date read in number order and invoice numbers run with their dates.
This happens while the demo is built, in its transaction, before anyone has seen them.
"""

import datetime as dt
import random
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.db.models import Q, prefetch_related_objects
from django.utils import timezone, translation

from servicelane.appointments.models import ServiceType
from servicelane.billing.choices import PaymentMethod
from servicelane.billing.models import Invoice, InvoiceLine, Payment
from servicelane.billing.services import invoice_draft, invoice_number
from servicelane.core.choices import WorkshopRole
from servicelane.core.models import AuditEntry, User, Workshop
from servicelane.core.sequences import next_number
from servicelane.demo.people import first_staff
from servicelane.servicebook.models import ServiceEntry
from servicelane.servicebook.services import entries_for_handover
from servicelane.vehicles.choices import MileageSource
from servicelane.vehicles.models import MileageReading, Ownership
from servicelane.workorders.choices import (
    QC_CHECKLIST,
    ChecklistKind,
    EstimateStatus,
    EventKind,
    JobSource,
    JobStatus,
    LineKind,
    QCLevel,
    ROStatus,
)
from servicelane.workorders.handover.selectors import handover_service_items, handover_work_done
from servicelane.workorders.models import (
    ClockEntry,
    Estimate,
    Handover,
    Job,
    JobLine,
    LabourOperation,
    QualityCheck,
    RepairOrder,
    RepairOrderEvent,
)
from servicelane.workorders.pricing import labour_price, totals
from servicelane.workorders.reception.selectors import repair_order_number
from servicelane.workorders.selectors import checklist_points


@dataclass
class PlannedJob:
    codes: list[str]
    units: int
    # Stretches on the clock: start, end, reason for the pause that ended it.
    clocks: list[tuple[dt.datetime, dt.datetime, str]] = field(default_factory=list)

    @property
    def done_at(self) -> dt.datetime:
        return self.clocks[-1][1]


@dataclass
class PlannedVisit:
    technician_id: int
    ownership: Ownership
    jobs: list[PlannedJob]
    checked_in_at: dt.datetime
    waited: bool
    mileage: int = 0
    mileage_out: int = 0
    times: dict[str, dt.datetime] = field(default_factory=dict)
    paused_for_lunch: bool = False
    number: str = ""
    invoice_year: int = 0
    invoice_sequence: int = 0


# ---------------------------------------------------------------- writing


def _titles(workshop: Workshop, operations: dict[str, LabourOperation]) -> Callable:
    by_codes = {
        tuple(s.operation_codes.split()): s
        for s in ServiceType.objects.filter(workshop=workshop).exclude(operation_codes="")
    }

    def title(codes: list[str], language: str) -> str:
        service = by_codes.get(tuple(codes))
        if service is not None:
            return service.name_in(language)[:200]
        with translation.override(language):
            return ", ".join(operations[c].name for c in codes)[:200]

    return title


def write_visits(
    workshop: Workshop,
    visits: list[PlannedVisit],
    operations: dict[str, LabourOperation],
    advisor: User,
    rng: random.Random,
) -> list[RepairOrder]:
    """Every visit as a delivered order with everything its steps leave behind. The
    values come from the apps' own helpers: labour prices (``labour_price``), the
    estimate's sums (``totals``), the invoice with its lines (``invoice_draft``) and the
    service book's entries of the handover (``entries_for_handover``)."""
    zone = workshop.zone
    foreman = first_staff(workshop, WorkshopRole.FOREMAN) or advisor
    cashier = first_staff(workshop, WorkshopRole.CASHIER) or advisor
    visits.sort(key=lambda v: v.checked_in_at)
    _number(workshop, visits)
    title = _titles(workshop, operations)
    prices = {code: labour_price(op, workshop) for code, op in operations.items()}
    points = {
        level: {str(p.pk): True for p in checklist_points(workshop, QC_CHECKLIST[level])}
        for level in QCLevel
    }
    handover_points = {str(p.pk): True for p in checklist_points(workshop, ChecklistKind.HANDOVER)}

    orders = RepairOrder.objects.bulk_create(
        RepairOrder(
            workshop=workshop,
            number=v.number,
            status=ROStatus.DELIVERED,
            customer=v.ownership.customer,
            vehicle=v.ownership.vehicle,
            advisor=advisor,
            mileage=v.mileage,
            fuel_level=rng.randint(1, 4),
            documents_seen=["registration"],
            parking_spot=f"{'W' if v.waited else 'P'}{rng.randint(1, 12)}",
            language=v.ownership.customer.language or workshop.default_language,
            contact_email=v.ownership.customer.email,
            contact_phone=v.ownership.customer.phone,
            checked_in_at=v.checked_in_at,
            ready_at=v.times["ready"],
            delivered_at=v.times["delivered"],
            created_by=advisor,
        )
        for v in visits
    )
    titles = [
        [title(job.codes, ro.language) for job in v.jobs]
        for ro, v in zip(orders, visits, strict=True)
    ]
    jobs = Job.objects.bulk_create(
        Job(
            repair_order=ro,
            position=n,
            title=titles[i][n - 1],
            source=JobSource.ADVISOR,
            status=JobStatus.DONE,
            level=max(operations[c].level for c in job.codes),
            technician_id=v.technician_id,
            decided_at=v.times["answered"],
            done_at=job.done_at,
        )
        for i, (ro, v) in enumerate(zip(orders, visits, strict=True))
        for n, job in enumerate(v.jobs, start=1)
    )
    job_rows = iter(jobs)
    placed = [[next(job_rows) for _job in v.jobs] for v in visits]
    JobLine.objects.bulk_create(
        JobLine(
            job=row,
            kind=LineKind.LABOUR,
            operation=operations[code],
            code=code,
            description=operations[code].name_en,
            quantity=prices[code][0],
            unit_price=prices[code][1],
            time_units=operations[code].time_units,
            menu_price=prices[code][2],
        )
        for v, rows in zip(visits, placed, strict=True)
        for job, row in zip(v.jobs, rows, strict=True)
        for code in job.codes
    )
    # The jobs as the services read them: their lines with the lines' operations.
    prefetch_related_objects(jobs, "lines__operation")
    sums = [totals(rows, workshop) for rows in placed]
    estimates = Estimate.objects.bulk_create(
        Estimate(
            repair_order=ro,
            sequence=1,
            status=EstimateStatus.ANSWERED,
            sent_by=advisor,
            sent_at=v.times["sent"],
            expires_at=v.times["sent"] + dt.timedelta(hours=settings.ESTIMATE_LINK_HOURS),
            net_total=amounts["net"],
            gross_total=amounts["gross"],
            answered_at=v.times["answered"],
            signed_name=ro.customer.display_name[:200],
            signed_ip="192.0.2.10",
        )
        for ro, v, amounts in zip(orders, visits, sums, strict=True)
    )
    for estimate, rows in zip(estimates, placed, strict=True):
        for row in rows:
            row.estimate = estimate
    Job.objects.bulk_update(jobs, ["estimate"], batch_size=500)
    ClockEntry.objects.bulk_create(
        ClockEntry(
            job=row,
            technician_id=v.technician_id,
            started_at=start,
            ended_at=end,
            pause_reason=reason,
        )
        for v, rows in zip(visits, placed, strict=True)
        for job, row in zip(v.jobs, rows, strict=True)
        for start, end, reason in job.clocks
    )
    checkers = {QCLevel.FOREMAN: foreman.pk, QCLevel.ADVISOR: advisor.pk}
    QualityCheck.objects.bulk_create(
        QualityCheck(
            repair_order=ro,
            level=level,
            passed=True,
            answers=points[level],
            checked_by_id=checkers.get(level, v.technician_id),
            checked_at=v.times[key],
        )
        for ro, v in zip(orders, visits, strict=True)
        for level, key in (
            (QCLevel.TECHNICIAN, "qc1"),
            (QCLevel.FOREMAN, "qc2"),
            (QCLevel.ADVISOR, "ready"),
        )
    )
    drafts = [
        invoice_draft(
            repair_order=ro,
            jobs=rows,
            year=v.invoice_year,
            sequence=v.invoice_sequence,
            issued_at=v.times["issued"],
            issued_by=advisor,
        )
        for ro, v, rows in zip(orders, visits, placed, strict=True)
    ]
    invoices = Invoice.objects.bulk_create(invoice for invoice, _lines in drafts)
    InvoiceLine.objects.bulk_create(line for _invoice, lines in drafts for line in lines)
    methods = [PaymentMethod.CARD] * 6 + [PaymentMethod.CASH] * 3 + [PaymentMethod.TRANSFER]
    Payment.objects.bulk_create(
        Payment(
            invoice=invoice,
            method=rng.choice(methods),
            amount=invoice.gross_total,
            received_at=v.times["paid"],
            received_by=cashier,
        )
        for invoice, v in zip(invoices, visits, strict=True)
    )
    handovers = []
    readings = []
    entries = []
    for ro, v, rows in zip(orders, visits, placed, strict=True):
        items = handover_service_items(operations[c] for job in v.jobs for c in job.codes)
        work_done = handover_work_done(rows)
        delivered = v.times["delivered"]
        handover = Handover(
            repair_order=ro,
            answers=handover_points,
            signed_name=ro.customer.display_name[:200],
            mileage_out=v.mileage_out,
            delivered_at=delivered,
            handed_over_by=advisor,
            contact_email=ro.contact_email,
            contact_phone=ro.contact_phone,
            language=ro.language,
            service_items=items,
            work_done=work_done,
        )
        handovers.append(handover)
        checked_in_on = timezone.localtime(v.checked_in_at, zone).date()
        delivered_on = timezone.localtime(delivered, zone).date()
        for km, day, source in ((v.mileage, checked_in_on, MileageSource.RECEPTION),) + (
            ((v.mileage_out, delivered_on, MileageSource.SERVICE),)
            if v.mileage_out != v.mileage
            else ()
        ):
            readings.append(
                MileageReading(
                    vehicle_id=ro.vehicle_id,
                    read_on=day,
                    km=km,
                    source=source,
                    workshop=workshop,
                    recorded_by=advisor,
                )
            )
        for entry in entries_for_handover(repair_order=ro, handover=handover, actor=advisor):
            entry.created_at = delivered
            entries.append(entry)
    Handover.objects.bulk_create(handovers)
    MileageReading.objects.bulk_create(readings)
    ServiceEntry.objects.bulk_create(entries)
    RepairOrderEvent.objects.bulk_create(
        event
        for ro, v, rows, invoice in zip(orders, visits, placed, invoices, strict=True)
        for event in _events(ro, v, rows, invoice, advisor.pk, foreman.pk)
    )
    return orders


def _events(
    ro: RepairOrder,
    visit: PlannedVisit,
    jobs: list[Job],
    invoice: Invoice,
    advisor: int,
    foreman: int,
) -> list[RepairOrderEvent]:
    """The timeline the services would have written, step by step."""
    times = visit.times
    events: list[tuple[dt.datetime, str, int | None, dict[str, Any]]] = []

    def add(at: dt.datetime, kind: str, actor: int | None, **data: Any) -> None:
        events.append((at, kind, actor, data))

    def move(at: dt.datetime, before: str, to: str, actor: int | None, **data: Any) -> None:
        add(at, EventKind.STATUS, actor, **{"from": before, "to": to}, **data)

    add(visit.checked_in_at, EventKind.CHECKED_IN, advisor, appointment=None,
        promised_at=None, promise_void=False)  # fmt: skip
    for job in jobs:
        add(visit.checked_in_at, EventKind.JOB_ADDED, advisor, job=job.position, title=job.title)
    move(times["sent"], ROStatus.CHECKED_IN, ROStatus.ESTIMATE_SENT, advisor)
    add(times["sent"], EventKind.ESTIMATE_SENT, advisor, estimate=1, supplementary=False,
        gross=str(invoice.gross_total))  # fmt: skip
    add(times["answered"], EventKind.ESTIMATE_ANSWERED, None, estimate=1,
        approved=[j.position for j in jobs], declined=[], signed_name=ro.customer.display_name,
        ip="192.0.2.10")  # fmt: skip
    move(times["answered"], ROStatus.ESTIMATE_SENT, ROStatus.APPROVED, None)
    tech = visit.technician_id
    for n, (planned, job) in enumerate(zip(visit.jobs, jobs, strict=True)):
        for start, end, reason in planned.clocks:
            if n == 0 and start == planned.clocks[0][0]:
                move(start, ROStatus.APPROVED, ROStatus.IN_PROGRESS, tech)
            add(start, EventKind.CLOCK_ON, tech, job=job.position)
            if reason:
                add(end, EventKind.PAUSED, tech, job=job.position, reason=reason)
        add(planned.done_at, EventKind.JOB_DONE, tech, job=job.position, title=job.title)
    move(visit.jobs[-1].done_at, ROStatus.IN_PROGRESS, ROStatus.QUALITY_CHECK, tech)
    add(times["qc1"], EventKind.QC_PASSED, tech, level=int(QCLevel.TECHNICIAN))
    add(times["qc2"], EventKind.QC_PASSED, foreman, level=int(QCLevel.FOREMAN))
    add(times["ready"], EventKind.QC_PASSED, advisor, level=int(QCLevel.ADVISOR))
    move(times["ready"], ROStatus.QUALITY_CHECK, ROStatus.READY, advisor)
    move(times["issued"], ROStatus.READY, ROStatus.INVOICED, advisor, invoice=invoice.number)
    add(times["issued"], EventKind.INVOICED, advisor, invoice=invoice.number)
    move(times["delivered"], ROStatus.INVOICED, ROStatus.DELIVERED, advisor)
    add(times["delivered"], EventKind.DELIVERED, advisor,
        signed_name=ro.customer.display_name[:200], mileage_out=visit.mileage_out)  # fmt: skip
    return [
        RepairOrderEvent(repair_order=ro, kind=kind, actor_id=actor, at=at, data=data)
        for at, kind, actor, data in events
    ]


# ---------------------------------------------------------------- numbers


def _year(moment: dt.datetime, workshop: Workshop) -> int:
    return timezone.localtime(moment, workshop.zone).year


def _number(workshop: Workshop, visits: list[PlannedVisit]) -> None:
    """Numbers for the new orders and invoices from the workshop's counters, then the
    counter's numbers of each year handed out in date order, today's orders included."""
    code = workshop.code
    # Repair orders, by check-in.
    existing = list(
        RepairOrder.objects.filter(workshop=workshop).values_list("pk", "checked_in_at", "number")
    )
    by_year: dict[int, list[tuple[dt.datetime, int, Any]]] = defaultdict(list)
    numbers: dict[int, list[int]] = defaultdict(list)
    for pk, checked_in_at, number in existing:
        year = _year(checked_in_at, workshop)
        by_year[year].append((checked_in_at, 0, pk))
        numbers[year].append(int(number.rsplit("-", 1)[-1]))
    for index, visit in enumerate(visits):
        year = _year(visit.checked_in_at, workshop)
        by_year[year].append((visit.checked_in_at, 1, index))
        numbers[year].append(next_number(workshop=workshop, key=f"ro-{year}"))
    moved: dict[int, str] = {}
    for year, rows in by_year.items():
        for (_at, new, ref), n in zip(sorted(rows), sorted(numbers[year]), strict=True):
            number = repair_order_number(code, year, n)
            if new:
                visits[ref].number = number
            else:
                moved[ref] = number
    orders_renamed = _renumber_orders(moved)

    # Invoices and credit notes, by issue.
    invoices = list(
        Invoice.objects.filter(workshop=workshop).values_list("pk", "issued_at", "year", "sequence")
    )
    by_year = defaultdict(list)
    numbers = defaultdict(list)
    for pk, issued_at, year, sequence in invoices:
        by_year[year].append((issued_at, 0, pk))
        numbers[year].append(sequence)
    for index, visit in enumerate(visits):
        year = _year(visit.times["issued"], workshop)
        by_year[year].append((visit.times["issued"], 1, index))
        numbers[year].append(next_number(workshop=workshop, key=f"invoice-{year}"))
    renumbered: dict[int, tuple[int, int]] = {}
    for year, rows in by_year.items():
        for (_at, new, ref), n in zip(sorted(rows), sorted(numbers[year]), strict=True):
            if new:
                visits[ref].invoice_year, visits[ref].invoice_sequence = year, n
            else:
                renumbered[ref] = (year, n)
    _rename_in_records(workshop, orders_renamed, _renumber_invoices(workshop, renumbered))


def _renumber_orders(numbers: dict[int, str]) -> dict[str, str]:
    """Today's orders to their place after the history, through a number nobody holds
    (two orders may swap). Returns the new number of each old one."""
    current = dict(RepairOrder.objects.filter(pk__in=numbers).values_list("pk", "number"))
    changed = {pk: n for pk, n in numbers.items() if current[pk] != n}
    for pk in changed:
        RepairOrder.objects.filter(pk=pk).update(number=f"~{pk}")
    for pk, number in changed.items():
        RepairOrder.objects.filter(pk=pk).update(number=number)
    return {current[pk]: n for pk, n in changed.items()}


def _renumber_invoices(workshop: Workshop, numbers: dict[int, tuple[int, int]]) -> dict[str, str]:
    """Today's invoices after the history's. An issued invoice is never changed; these
    were issued moments ago in the transaction that builds the demo, unseen."""
    current = {
        pk: number
        for pk, number, year, sequence in Invoice.objects.filter(pk__in=numbers).values_list(
            "pk", "number", "year", "sequence"
        )
        if (year, sequence) != numbers[pk]
    }
    for pk in current:
        Invoice.objects.filter(pk=pk).update(number=f"~{pk}", sequence=10**6 + pk)
    renamed = {}
    for pk, old in current.items():
        year, sequence = numbers[pk]
        new = invoice_number(workshop, year, sequence)
        Invoice.objects.filter(pk=pk).update(number=new, year=year, sequence=sequence)
        renamed[old] = new
    return renamed


def _rename_in_records(
    workshop: Workshop, orders: dict[str, str], invoices: dict[str, str]
) -> None:
    """The timelines and the audit name the new numbers too."""
    if invoices:
        for event in RepairOrderEvent.objects.filter(repair_order__workshop=workshop).filter(
            Q(data__invoice__in=list(invoices)) | Q(data__credit_note__in=list(invoices))
        ):
            for key in ("invoice", "credit_note"):
                if event.data.get(key) in invoices:
                    event.data[key] = invoices[event.data[key]]
            event.save(update_fields=["data"])
    if orders or invoices:
        renamed = {"repair_order": orders, "number": invoices, "corrects": invoices}
        for entry in AuditEntry.objects.filter(
            workshop_id=workshop.pk, action__in=("invoice_issued", "credit_note_issued")
        ):
            for key, names in renamed.items():
                value = entry.changes.get(key)
                if isinstance(value, list) and len(value) == 2 and value[1] in names:
                    entry.changes[key] = [value[0], names[value[1]]]
            entry.save(update_fields=["changes"])
