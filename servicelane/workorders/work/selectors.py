"""What the bay reads: a technician's jobs and running clock, the workshop's technicians,
a job's flat-rate against clocked time."""

from typing import Any

from django.db.models import Q, QuerySet

from servicelane.core.choices import WorkshopRole
from servicelane.core.models import Membership, User, Workshop
from servicelane.core.permissions import Perm
from servicelane.workorders.choices import (
    AGREED_JOB_STATUSES,
    OPEN_STATUSES,
    JobStatus,
)
from servicelane.workorders.models import (
    TIME_UNITS_PER_HOUR,
    ClockEntry,
    Job,
    RepairOrder,
)
from servicelane.workorders.selectors import workshops_with


def running_entry(technician: User) -> ClockEntry | None:
    return (
        ClockEntry.objects.filter(technician=technician, ended_at__isnull=True)
        .select_related("job__repair_order")
        .first()
    )


def jobs_for_technician(*, user: User, workshop: Workshop | None = None) -> QuerySet:
    """The technician's tablet: their jobs still to do, then approved jobs nobody has taken
    that their level allows, on orders still in the workshop."""
    workshop_ids = workshops_with(user, Perm.JOB_CLOCK)
    if workshop is not None:
        workshop_ids = [w for w in workshop_ids if w == workshop.pk]
    levels = dict(
        Membership.objects.filter(
            user=user, workshop_id__in=workshop_ids, role=WorkshopRole.TECHNICIAN
        ).values_list("workshop_id", "level")
    )
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


def clocked_seconds(job: Job) -> int:
    return sum(entry.seconds for entry in job.clock_entries.all())


def job_time_summary(job: Job) -> dict[str, Any]:
    """Flat-rate time against the time actually clocked, in minutes."""
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
