"""What the apps above give the repair orders' pages (docs/architecture.md,
"Registries")."""

import datetime as dt
from dataclasses import dataclass
from typing import TYPE_CHECKING, Protocol

from servicelane.core.panels import Panel
from servicelane.core.registry import Registry

if TYPE_CHECKING:
    from django.db.models import QuerySet

    from servicelane.core.models import User
    from servicelane.workorders.models import Job


@dataclass(frozen=True)
class PlannedSlot:
    """Where and when a job is planned, as the technician's job card shows it."""

    bay_code: str = ""
    planned_start: dt.datetime | None = None
    planned_end: dt.datetime | None = None


class JobPlans(Protocol):
    """Where jobs are planned: loaded with the jobs' own query, read per job."""

    def load(self, jobs: "QuerySet[Job]") -> "QuerySet[Job]":
        """The jobs with their plans loaded alongside (no query of its own)."""
        ...

    def slot(self, job: "Job") -> PlannedSlot | None:
        """The job's plan, or None when it has none."""
        ...


#: Where a job is planned (bay, start, end): the control centre's plan. The technician's
#: jobs are ordered by it and their cards show it.
job_plans: Registry[JobPlans] = Registry("job plans")

#: Sections of the technician's page (my jobs) above the jobs: the attendance clock
#: (control).
technician_panels: "Registry[Panel[User]]" = Registry("technician panels")


def with_plans(jobs: "QuerySet[Job]") -> "QuerySet[Job]":
    """The jobs with what the registered planners need to say where they are planned."""
    for plans in job_plans:
        jobs = plans.load(jobs)
    return jobs


def slot_of(job: "Job") -> PlannedSlot:
    """Where the job is planned (empty when nothing plans it)."""
    for plans in job_plans:
        slot = plans.slot(job)
        if slot is not None:
            return slot
    return PlannedSlot()
