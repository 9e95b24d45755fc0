"""The jobs a special tool is taken for, as the register names them.

The register sits below the repair orders in the layers: it keeps a job by its id and
does not read jobs itself. The app that plans the work registers a ``JobSource`` in
``sources`` in its ``AppConfig.ready()`` (control does: ``control.jobs.tool_source``); the
register asks it which jobs are open, which of them need a tool number, how the copies
stand for them, and what a job is called. Without a source the register knows no job.
"""

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Protocol

from servicelane.core.registry import Registry

if TYPE_CHECKING:  # the registry is imported by apps.py files, before the models load
    from servicelane.core.models import Workshop


@dataclass(frozen=True)
class JobRef:
    """A job as the tools room names it: its order, position, title and technician."""

    id: int
    workshop_id: int
    repair_order_id: int
    repair_order_number: str
    position: int
    title: str
    technician_id: int | None = None
    technician: str = ""

    @property
    def pk(self) -> int:
        return self.id

    @property
    def label(self) -> str:
        label = f"{self.repair_order_number} · {self.position}. {self.title}"
        return f"{label} · {self.technician}" if self.technician_id else label


@dataclass
class ToolLoan:
    """One copy out of its place: with whom, for which job and order, until when."""

    tool_id: int
    copy: int
    holder_id: int | None
    holder: str
    job_id: int | None
    repair_order_id: int | None
    repair_order_number: str
    due_back_at: dt.datetime | None
    overdue: bool


@dataclass
class ToolNeed:
    """A tool number a job needs and how the copies of it stand."""

    number: str
    name: str
    copies: int
    free: int
    # Checked out for this job (the technician has it).
    with_job: ToolLoan | None = None
    # Checked out for other jobs or with no job.
    taken: list[ToolLoan] = field(default_factory=list)

    @property
    def status(self) -> str:
        """with_job, free, taken (every usable copy is out), unavailable (none usable:
        at calibration, defective, calibration overdue) or missing (no copy here)."""
        if self.with_job is not None:
            return "with_job"
        if self.free:
            return "free"
        if self.taken:
            return "taken"
        return "unavailable" if self.copies else "missing"


class JobSource(Protocol):
    """What the register asks about jobs."""

    def describe(self, job_ids: Iterable[int]) -> dict[int, JobRef]:
        """The jobs of these ids that exist."""
        ...

    def open_jobs(self, workshop: "Workshop") -> list[JobRef]:
        """Jobs of the workshop a tool may be checked out for."""
        ...

    def jobs_needing(self, workshop: "Workshop", number: str) -> list[JobRef]:
        """The open jobs of the workshop whose work needs this tool number."""
        ...

    def needs(self, job_ids: Iterable[int]) -> dict[int, list[ToolNeed]]:
        """Per job: the tool numbers it needs and how their copies stand."""
        ...


#: Who answers about jobs (one source: the app that plans the work).
sources: Registry[JobSource] = Registry("tools.job_sources")


def _source() -> JobSource | None:
    return next(iter(sources), None)


def describe(job_ids: Iterable[int | None]) -> dict[int, JobRef]:
    ids = {job_id for job_id in job_ids if job_id is not None}
    source = _source()
    return source.describe(ids) if ids and source is not None else {}


def open_jobs(workshop: "Workshop") -> list[JobRef]:
    source = _source()
    return source.open_jobs(workshop) if source is not None else []


def find(jobs: Iterable[JobRef], job_id: Any) -> JobRef | None:
    """The job of this id (as typed: text or a number) among ``jobs``, else None."""
    try:
        wanted = int(job_id)
    except (ValueError, TypeError):
        return None
    return next((job for job in jobs if job.id == wanted), None)


def open_job(workshop: "Workshop", job_id: Any) -> JobRef | None:
    """An open job of the workshop, or None when it is not one (any more)."""
    return find(open_jobs(workshop), job_id)


def jobs_needing(workshop: "Workshop", number: str) -> list[JobRef]:
    source = _source()
    return source.jobs_needing(workshop, number) if source is not None else []


def needs(job_ids: Iterable[int]) -> dict[int, list[ToolNeed]]:
    ids = list(job_ids)
    source = _source()
    return source.needs(ids) if ids and source is not None else {}
