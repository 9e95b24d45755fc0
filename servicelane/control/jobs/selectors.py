"""Reads of the jobs as the control centre sees them: which are open on a day, what they
need (skills, bay equipment, special tools), how long they still take, whether a clock
runs on them, the promise their order carries, and their plan (``JobPlan``: bay, planned
start and end), which the technician's job cards show too (``planned_slots``)."""

import datetime as dt
from typing import TYPE_CHECKING, Any

from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from servicelane.appointments.choices import LaneKind
from servicelane.control.models import JobPlan
from servicelane.control.roster.selectors import local_bounds
from servicelane.core.models import Workshop
from servicelane.workorders.choices import JobStatus, LineKind, ROStatus
from servicelane.workorders.models import TIME_UNITS_PER_HOUR, ClockEntry, Job
from servicelane.workorders.progress import promise_info
from servicelane.workorders.registry import PlannedSlot
from servicelane.workorders.selectors import jobs_with_lines_and_clocks, running_clocks

if TYPE_CHECKING:  # the type checker's helper, not installed with the product
    from django_stubs_ext import StrOrPromise

# Orders whose jobs can still be worked on (not in quality check, ready, invoiced...).
WORKING_ORDER_STATUSES = (
    ROStatus.CHECKED_IN,
    ROStatus.INSPECTION,
    ROStatus.ESTIMATE_SENT,
    ROStatus.APPROVED,
    ROStatus.IN_PROGRESS,
)
# Jobs the customer agreed to and nobody has finished: what a plan places.
PLANNABLE_JOB_STATUSES = (JobStatus.APPROVED, JobStatus.IN_PROGRESS, JobStatus.PAUSED)
# A job with no labour line still takes the bay for a while.
DEFAULT_JOB_MINUTES = 30
# A running job past its flat rate is still expected to need a little longer.
MIN_REMAINING_MINUTES = 5

PROMISE_LABELS: dict[str, "StrOrPromise"] = {
    LaneKind.EXPRESS: _("Express"),
    LaneKind.BODY_PAINT: _("Body & paint"),
}


def plan_of(job: Job) -> JobPlan:
    """The job's plan (bay, planned start and end); an empty one when it has none. Load
    jobs with ``select_related("plan__bay")``."""
    try:
        return job.plan
    except JobPlan.DoesNotExist:
        return JobPlan(job=job)


class PlannedSlots:
    """The plans as the technician's job cards show them (registered in
    ``workorders.registry.job_plans``)."""

    def load(self, jobs: QuerySet[Job]) -> QuerySet[Job]:
        return jobs.select_related("plan__bay")

    def slot(self, job: Job) -> PlannedSlot | None:
        plan = plan_of(job)
        if plan.pk is None:
            return None
        return PlannedSlot(
            bay_code=plan.bay.code if plan.bay else "",
            planned_start=plan.planned_start,
            planned_end=plan.planned_end,
        )


planned_slots = PlannedSlots()


def job_operations(job: Job) -> list[Any]:
    return [
        line.operation
        for line in job.lines.all()
        if line.kind == LineKind.LABOUR and line.operation is not None
    ]


def job_needs(job: Job) -> dict[str, list[str]]:
    """Skills, bay equipment and special tools (numbers) the job's operations name."""
    needs: dict[str, set[str]] = {"skills": set(), "equipment": set(), "tools": set()}
    for operation in job_operations(job):
        for key in needs:
            needs[key].update(str(v) for v in (getattr(operation, key) or []))
    return {key: sorted(values) for key, values in needs.items()}


def flat_rate_minutes(job: Job) -> int:
    units = sum(line.time_units for line in job.lines.all() if line.kind == LineKind.LABOUR)
    return units * 60 // TIME_UNITS_PER_HOUR


def clocked_seconds(job: Job, now: dt.datetime) -> int:
    return sum(
        int(((e.ended_at or now) - e.started_at).total_seconds()) for e in job.clock_entries.all()
    )


def remaining_minutes(job: Job, now: dt.datetime) -> int:
    """What is left of the flat-rate time after the time already clocked."""
    flat = flat_rate_minutes(job) or DEFAULT_JOB_MINUTES
    return max(flat - clocked_seconds(job, now) // 60, MIN_REMAINING_MINUTES)


def running_entry(job: Job) -> ClockEntry | None:
    return next((e for e in job.clock_entries.all() if e.ended_at is None), None)


def promise_kind(repair_order: Any) -> str | None:
    """Express or body & paint: the lane the promise was booked in."""
    if repair_order.promised_at is None:
        return None
    appointment = repair_order.appointment
    if appointment is not None and appointment.lane_id:
        kind: str = appointment.lane.kind
        if kind in PROMISE_LABELS:
            return kind
    # A promise without its booking: an hour or two is the express lane's.
    return LaneKind.EXPRESS if (repair_order.promise_hours or 0) <= 2 else LaneKind.BODY_PAINT


def promise_for(repair_order: Any, now: dt.datetime) -> dict[str, Any] | None:
    """The order's promise with its countdown, at risk or broken (the order screens' rule)."""
    info = promise_info(repair_order, now)
    if info is None:
        return None
    kind = promise_kind(repair_order)
    return {
        "repair_order_id": repair_order.pk,
        "number": repair_order.number,
        "kind": kind,
        "kind_label": str(PROMISE_LABELS.get(kind, "")) if kind else "",
        "at": repair_order.promised_at,
        "seconds_left": int((repair_order.promised_at - now).total_seconds()),
        "state": info["state"],
        "label": info["label"],
        "at_risk": info["state"] == "at_risk",
        "broken": info["state"] in ("late", "missed"),
    }


def jobs_on_the_floor() -> QuerySet[Job]:
    """Jobs with what the board and the planner read of them: lines and operations,
    clocks in order, the order with its car and booking, the technician and the plan."""
    return jobs_with_lines_and_clocks().select_related("plan__bay")


def of_the_day(workshop: Workshop, day: dt.date) -> Q:
    """Jobs that belong to ``day``: planned that day, not planned at all (today and
    later), and today also those running or left over from an earlier day's plan."""
    start, end = local_bounds(workshop, day)
    today = timezone.localdate(timezone.now(), workshop.zone)
    when = Q(plan__planned_start__gte=start, plan__planned_start__lt=end)
    if day >= today:
        when |= Q(plan__planned_start__isnull=True)
    if day == today:
        running = running_clocks().filter(job=OuterRef("pk"))
        when |= Q(plan__planned_start__lt=start) | Q(Exists(running))
    return when


def open_jobs(workshop: Workshop, day: dt.date) -> QuerySet[Job]:
    """Agreed jobs still to do, on orders still being worked on, that belong to ``day``."""
    return (
        jobs_on_the_floor()
        .filter(
            of_the_day(workshop, day),
            repair_order__workshop=workshop,
            repair_order__status__in=WORKING_ORDER_STATUSES,
            status__in=PLANNABLE_JOB_STATUSES,
        )
        .order_by("repair_order__promised_at", "repair_order__checked_in_at", "position", "id")
    )
