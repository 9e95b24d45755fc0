"""Reads of repair orders, already narrowed to what the user may see, and the network's
checklists every step reads."""

import datetime as dt
from collections.abc import Iterable
from typing import Any

from django.core.exceptions import ValidationError
from django.db.models import Prefetch, QuerySet
from django.http import Http404
from django.utils.translation import gettext as _

from servicelane.core.errors import filter_errors
from servicelane.core.models import Workshop
from servicelane.core.permissions import Perm
from servicelane.core.tenancy import access_for, get_for_user
from servicelane.servicebook.registry import Reading
from servicelane.workorders.choices import JobStatus, LineKind
from servicelane.workorders.filters import RepairOrderFilter
from servicelane.workorders.models import (
    CbsItem,
    ChecklistTemplate,
    ClockEntry,
    Estimate,
    Job,
    JobLine,
    Photo,
    QualityCheck,
    RepairOrder,
    RepairOrderEvent,
)


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


def workshops_with(user: Any, perm: Perm) -> list[int]:
    return access_for(user).workshops_with(perm)


def job_get_for_user(*, user: Any, pk: Any, perm: Perm) -> Job:
    """A job of an order in a workshop where the user holds ``perm``; 404 otherwise."""
    try:
        return (
            Job.objects.select_related(
                "repair_order__workshop", "repair_order__vehicle", "technician"
            )
            .prefetch_related("lines", "clock_entries")
            .get(pk=pk, repair_order__workshop_id__in=workshops_with(user, perm))
        )
    except (Job.DoesNotExist, ValueError, TypeError) as exc:
        raise Http404(_("Not found.")) from exc


def checklist_points(workshop: Workshop, kind: str) -> list:
    template = (
        ChecklistTemplate.objects.filter(network_id=workshop.network_id, kind=kind, active=True)
        .prefetch_related("points")
        .first()
    )
    return list(template.points.all()) if template else []


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


# ---------------------------------------------------------------- jobs and clocks by workshop


def jobs_of(workshop: Workshop) -> QuerySet[Job]:
    """The workshop's jobs."""
    return Job.objects.filter(repair_order__workshop=workshop)


def jobs_by_id(job_ids: Iterable[int]) -> QuerySet[Job]:
    """These jobs with their order and technician."""
    return Job.objects.filter(pk__in=list(job_ids)).select_related("repair_order", "technician")


def jobs_for_update() -> QuerySet[Job]:
    """Jobs whose rows are locked as they are read (their own rows only), in a transaction."""
    return Job.objects.select_for_update(of=("self",))


def jobs_with_lines_and_clocks() -> QuerySet[Job]:
    """Jobs with their labour and part lines (and operations), their clocks in order, their
    order's car and booked lane, and their technician."""
    return Job.objects.select_related(
        "repair_order__vehicle__vehicle_type",
        "repair_order__appointment__lane",
        "technician",
    ).prefetch_related(
        Prefetch("lines", queryset=JobLine.objects.select_related("operation")),
        Prefetch("clock_entries", queryset=ClockEntry.objects.order_by("started_at", "id")),
    )


def job_order(job_id: Any) -> QuerySet[Job]:
    """The order of a job (an id, or an ``OuterRef`` to one) as ``repair_order_id`` and
    ``repair_order__number``: a subquery for records that keep a job by its id."""
    return Job.objects.filter(pk=job_id).values("repair_order_id", "repair_order__number")


def labour_tools(job_ids: Iterable[int]) -> QuerySet[JobLine, tuple[int, int, list[str]]]:
    """Per labour line with an operation, in job and line order: the job's id, its
    workshop's id and the special tools (numbers) the operation needs."""
    return (
        JobLine.objects.filter(job_id__in=list(job_ids), kind=LineKind.LABOUR)
        .exclude(operation=None)
        .values_list("job_id", "job__repair_order__workshop_id", "operation__tools")
        .order_by("job_id", "pk")
    )


def jobs_done_between(workshop: Workshop, start: dt.datetime, end: dt.datetime) -> QuerySet[Job]:
    """The workshop's jobs finished in [start, end) by a technician."""
    return Job.objects.filter(
        repair_order__workshop=workshop,
        status=JobStatus.DONE,
        technician__isnull=False,
        done_at__gte=start,
        done_at__lt=end,
    )


def clock_entries_of(workshop: Workshop) -> QuerySet[ClockEntry]:
    """The clocks on the workshop's jobs."""
    return ClockEntry.objects.filter(job__repair_order__workshop=workshop)


def running_clocks() -> QuerySet[ClockEntry]:
    """Clocks still running."""
    return ClockEntry.objects.filter(ended_at__isnull=True)


def orders_delivered_between(
    workshop: Workshop, start: dt.datetime, end: dt.datetime
) -> QuerySet[RepairOrder]:
    """The workshop's repair orders handed over in [start, end)."""
    return RepairOrder.objects.filter(
        workshop=workshop, delivered_at__gte=start, delivered_at__lt=end
    )
