"""Reads of repair orders, already narrowed to what the user may see."""

import datetime as dt
from typing import Any

from django.core.exceptions import ValidationError
from django.db.models import Prefetch, QuerySet
from django.http import Http404
from django.utils.translation import gettext as _

from servicelane.core.choices import WorkshopRole
from servicelane.core.errors import filter_errors
from servicelane.core.models import Membership, User, Workshop
from servicelane.core.permissions import Perm
from servicelane.core.tenancy import access_for, get_for_user
from servicelane.servicebook.registry import Reading
from servicelane.store.availability import lines_waiting_for_goods
from servicelane.workorders.choices import (
    AGREED_JOB_STATUSES,
    OPEN_STATUSES,
    JobStatus,
    ROStatus,
)
from servicelane.workorders.filters import RepairOrderFilter
from servicelane.workorders.models import (
    CbsItem,
    ClockEntry,
    Estimate,
    Job,
    JobLine,
    Photo,
    QualityCheck,
    RepairOrder,
    RepairOrderEvent,
)
from servicelane.workorders.services import qc_next_level


def repair_order_list_for_user(*, user: Any, filters: dict[str, Any] | None = None) -> QuerySet:
    queryset = (
        RepairOrder.objects.visible_to(user, Perm.RO_VIEW)
        .select_related("workshop", "customer", "vehicle", "vehicle__vehicle_type", "advisor")
        .order_by("-checked_in_at", "-id")
    )
    filterset = RepairOrderFilter(filters or {}, queryset=queryset)
    if not filterset.is_valid():
        raise ValidationError(filter_errors(filterset))
    return filterset.qs


def jobs_prefetch() -> Prefetch:
    return Prefetch(
        "jobs",
        queryset=Job.objects.select_related("technician", "estimate").prefetch_related(
            Prefetch("lines", queryset=JobLine.objects.select_related("operation", "part")),
            Prefetch("clock_entries", queryset=ClockEntry.objects.select_related("technician")),
        ),
    )


def repair_order_get_for_user(*, user: Any, pk: Any, perm: Perm = Perm.RO_VIEW) -> RepairOrder:
    """One order with everything its detail page and the API show, in a fixed number of queries."""
    return get_for_user(
        RepairOrder.objects.select_related(
            "workshop", "customer", "vehicle", "vehicle__vehicle_type", "advisor", "appointment"
        ).prefetch_related(
            jobs_prefetch(),
            Prefetch("events", queryset=RepairOrderEvent.objects.select_related("actor")),
            Prefetch("photos", queryset=Photo.objects.select_related("taken_by")),
            Prefetch("estimates", queryset=Estimate.objects.select_related("sent_by")),
            Prefetch(
                "quality_checks",
                queryset=QualityCheck.objects.select_related("checked_by").prefetch_related(
                    "rework_jobs"
                ),
            ),
            "cbs_items",
            "inspections__results__point",
            "inspections__template",
            "inspections__performed_by",
        ),
        user,
        perm,
        pk=pk,
    )


def _workshops_with(user: Any, perm: Perm) -> list[int]:
    return access_for(user).workshops_with(perm)


def job_get_for_user(*, user: Any, pk: Any, perm: Perm) -> Job:
    """A job of an order in a workshop where the user holds ``perm``; 404 otherwise."""
    try:
        return (
            Job.objects.select_related(
                "repair_order__workshop", "repair_order__vehicle", "technician"
            )
            .prefetch_related("lines", "clock_entries")
            .get(pk=pk, repair_order__workshop_id__in=_workshops_with(user, perm))
        )
    except (Job.DoesNotExist, ValueError, TypeError) as exc:
        raise Http404(_("Not found.")) from exc


def jobs_for_technician(*, user: User, workshop: Workshop | None = None) -> QuerySet:
    """The technician's tablet: their jobs still to do, then approved jobs nobody has taken
    that their level allows, on orders still in the workshop."""
    workshop_ids = _workshops_with(user, Perm.JOB_CLOCK)
    if workshop is not None:
        workshop_ids = [w for w in workshop_ids if w == workshop.pk]
    levels = dict(
        Membership.objects.filter(
            user=user, workshop_id__in=workshop_ids, role=WorkshopRole.TECHNICIAN
        ).values_list("workshop_id", "level")
    )
    from django.db.models import Q

    open_to_me = Q()
    for workshop_id, level in levels.items():
        open_to_me |= Q(repair_order__workshop_id=workshop_id, level__lte=level or 0)
    return (
        Job.objects.filter(
            repair_order__workshop_id__in=workshop_ids,
            repair_order__status__in=OPEN_STATUSES,
            status__in=(JobStatus.APPROVED, JobStatus.IN_PROGRESS, JobStatus.PAUSED),
        )
        .filter(Q(technician=user) | (Q(technician__isnull=True) & open_to_me))
        .select_related(
            "repair_order__vehicle__vehicle_type", "repair_order__workshop", "technician"
        )
        .prefetch_related("lines", "clock_entries")
        .order_by("repair_order__promised_at", "repair_order__checked_in_at", "position")
    )


def qc_queue_for_user(*, user: Any) -> list[RepairOrder]:
    """Cars waiting for a quality check, each with the level it waits for."""
    orders = list(
        RepairOrder.objects.filter(
            workshop_id__in=set(_workshops_with(user, Perm.QC_FOREMAN))
            | set(_workshops_with(user, Perm.QC_ADVISOR))
            | set(_workshops_with(user, Perm.QC_TECHNICIAN)),
            status=ROStatus.QUALITY_CHECK,
        )
        .select_related("vehicle", "workshop", "advisor")
        .prefetch_related("quality_checks", "jobs__technician")
        .order_by("promised_at", "checked_in_at")
    )
    for order in orders:
        order.next_qc_level = qc_next_level(order)
    return orders


def workshop_technicians(workshop: Workshop) -> list[Membership]:
    """The workshop's technicians with their level, for assigning jobs."""
    return list(
        Membership.objects.filter(workshop=workshop, role=WorkshopRole.TECHNICIAN)
        .select_related("user")
        .order_by("-level", "user__full_name")
    )


def clocked_seconds(job: Job) -> int:
    return sum(entry.seconds for entry in job.clock_entries.all())


def job_time_summary(job: Job) -> dict[str, Any]:
    """Flat-rate time against the time actually clocked, in minutes."""
    from servicelane.workorders.models import TIME_UNITS_PER_HOUR

    flat = job.flat_rate_units() * 60 // TIME_UNITS_PER_HOUR
    clocked = clocked_seconds(job) // 60
    return {
        "flat_rate_minutes": flat,
        "clocked_minutes": clocked,
        "difference_minutes": clocked - flat,
        "efficiency_percent": round(flat * 100 / clocked) if clocked else None,
    }


def agreed_jobs(repair_order: RepairOrder) -> list[Job]:
    return [j for j in repair_order.jobs.all() if j.status in AGREED_JOB_STATUSES]


def repair_order_for_qc(*, user: Any, pk: Any, level: Any) -> RepairOrder:
    """An order for the quality check of ``level``, in a workshop where the user may do that
    level; 404 otherwise. The car and its jobs, never the customer."""
    from servicelane.workorders.choices import QCLevel
    from servicelane.workorders.services import QC_PERMS

    try:
        perm = QC_PERMS[QCLevel(int(level))]
    except (TypeError, ValueError) as exc:
        raise Http404(_("Not found.")) from exc
    return get_for_user(
        RepairOrder.objects.select_related(
            "workshop", "vehicle", "vehicle__vehicle_type"
        ).prefetch_related(
            Prefetch("jobs", queryset=Job.objects.select_related("technician")),
            Prefetch(
                "quality_checks",
                queryset=QualityCheck.objects.select_related("checked_by").prefetch_related(
                    "rework_jobs"
                ),
            ),
        ),
        user,
        perm,
        pk=pk,
    )


def catalogue_part_lines(repair_order: RepairOrder) -> list[JobLine]:
    """The order's catalogue part lines of jobs still wanted, from the prefetched jobs
    (``repair_order_get_for_user``)."""
    return [
        line
        for job in repair_order.jobs.all()
        if job.status != JobStatus.DECLINED
        for line in job.lines.all()
        if line.part_id is not None
    ]


def jobs_waiting_for_parts(job_ids: list[int]) -> dict[int, dt.datetime | None]:
    """Jobs with a part reservation still waiting for goods, and the latest promised
    arrival of what they wait for (None while something is on back-order or not
    ordered)."""
    job_of = dict(
        JobLine.objects.filter(job_id__in=job_ids, part__isnull=False).values_list("pk", "job_id")
    )
    waiting: dict[int, dt.datetime | None] = {}
    unknown: set[int] = set()
    for line_ref, promised in lines_waiting_for_goods(list(job_of)):
        job_id = job_of[line_ref]
        latest = waiting.get(job_id)
        if promised is None:
            unknown.add(job_id)
        elif latest is None or promised > latest:
            waiting[job_id] = promised
    for job_id in unknown:
        waiting[job_id] = None
    return waiting


def jobs_with_parts_state(jobs: list[Job]) -> list[Job]:
    """The jobs, each with ``waiting_for_parts`` (a reservation of its parts waits for
    goods) and ``parts_expected_at`` (the latest promised arrival of what it waits for;
    None while something is not ordered or on back-order), as the repair order's page
    and the technician's tablet show them. One query for all of them."""
    waiting = jobs_waiting_for_parts([job.pk for job in jobs])
    for job in jobs:
        job.waiting_for_parts = job.pk in waiting
        job.parts_expected_at = waiting.get(job.pk)
    return jobs


def cbs_readings(vehicle_ids: list[int]) -> list[Reading]:
    """The cars' Condition Based Service data read at reception, oldest first: (vehicle,
    item code, read at, due date, due km), for the service book's prediction."""
    return list(
        CbsItem.objects.filter(repair_order__vehicle_id__in=vehicle_ids)
        .order_by("read_at")
        .values_list("repair_order__vehicle_id", "code", "read_at", "due_date", "due_km")
    )


def open_repair_orders(user: Any, workshop: Workshop) -> list[RepairOrder]:
    """The workshop's open repair orders the user reads, newest first (a part order's
    form offers them)."""
    return list(
        repair_order_list_for_user(user=user, filters={"open": "true"}).filter(workshop=workshop)[
            :200
        ]
    )


def repair_order_by_number(user: Any, workshop: Workshop, number: str) -> RepairOrder | None:
    """A repair order of the workshop the user reads, by its number typed any case."""
    return (
        repair_order_list_for_user(user=user)
        .filter(workshop=workshop, number=number.strip().upper())
        .first()
    )
