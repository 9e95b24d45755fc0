"""Jobs and special tools: which open jobs a tool may be checked out for, which of them
need a tool number, and how the copies stand for each job.

The tool register (``servicelane.tools``) sits below the repair orders and keeps a job by
its id; this module answers its questions about jobs (``servicelane.tools.jobs``), and
is registered there in ``ControlConfig.ready``. ``tools_for_jobs`` answers for many jobs
at once in a few queries: which tools their operations need, and whether a copy is free
or who has it for which order.
"""

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from django.db.models import OuterRef, QuerySet, Subquery
from django.utils import timezone

from servicelane.core.models import Workshop
from servicelane.tools.choices import ToolState
from servicelane.tools.jobs import JobRef, ToolLoan, ToolNeed
from servicelane.tools.models import SpecialTool
from servicelane.tools.selectors import copies_of, usable
from servicelane.workorders.choices import JobStatus, ROStatus
from servicelane.workorders.models import Job
from servicelane.workorders.selectors import job_order, jobs_by_id, jobs_of, labour_tools

# Jobs a tool may be taken for: agreed, not finished, on an order still being worked on.
OPEN_JOB_STATUSES = (JobStatus.APPROVED, JobStatus.IN_PROGRESS, JobStatus.PAUSED)
WORKING_RO_STATUSES = (
    ROStatus.CHECKED_IN,
    ROStatus.INSPECTION,
    ROStatus.ESTIMATE_SENT,
    ROStatus.APPROVED,
    ROStatus.IN_PROGRESS,
    ROStatus.QUALITY_CHECK,
)


def ref(job: Job) -> JobRef:
    """The job as the tools room names it (its order and technician loaded)."""
    return JobRef(
        id=job.pk,
        workshop_id=job.repair_order.workshop_id,
        repair_order_id=job.repair_order_id,
        repair_order_number=job.repair_order.number,
        position=job.position,
        title=job.title,
        technician_id=job.technician_id,
        technician=str(job.technician) if job.technician_id else "",
    )


def open_jobs_of(workshop: Workshop) -> QuerySet:
    """Jobs a tool may be checked out for: agreed and not done, on orders at work."""
    return (
        jobs_of(workshop)
        .filter(
            repair_order__status__in=WORKING_RO_STATUSES,
            status__in=OPEN_JOB_STATUSES,
        )
        .select_related("repair_order", "technician")
        .order_by("repair_order__number", "position", "pk")
    )


def _needed_numbers(job_ids: Iterable[int]) -> dict[int, tuple[int, list[str]]]:
    """Per job: its workshop and the tool numbers its labour lines' operations need."""
    needs: dict[int, tuple[int, list[str]]] = {}
    for job_id, workshop_id, tools in labour_tools(job_ids):
        _workshop, numbers = needs.setdefault(job_id, (workshop_id, []))
        for number in tools or []:
            if number not in numbers:
                numbers.append(number)
    return {job_id: need for job_id, need in needs.items() if need[1]}


# ---------------------------------------------------------------- the register's source


def describe(job_ids: Iterable[int]) -> dict[int, JobRef]:
    jobs = jobs_by_id(job_ids)
    return {job.pk: ref(job) for job in jobs}


def open_jobs(workshop: Workshop) -> list[JobRef]:
    return [ref(job) for job in open_jobs_of(workshop)]


def jobs_needing(workshop: Workshop, number: str) -> list[JobRef]:
    """The open jobs of the workshop whose operations need this tool number."""
    jobs = list(open_jobs_of(workshop))
    needs = _needed_numbers(job.pk for job in jobs)
    return [ref(job) for job in jobs if number in needs.get(job.pk, (0, []))[1]]


def needs(job_ids: Iterable[int]) -> dict[int, list[ToolNeed]]:
    return tools_for_jobs(job_ids)


# ---------------------------------------------------------------- how the copies stand


@dataclass(frozen=True)
class _Copy:
    """A copy of a tool with the repair order of the job it is checked out for, if any."""

    tool: SpecialTool
    order_id: int | None
    order_number: str | None


def _loan(copy: _Copy, now: dt.datetime) -> ToolLoan:
    """The copy's loan, with the order it is held for."""
    tool = copy.tool
    return ToolLoan(
        tool_id=tool.pk,
        copy=tool.copy,
        holder_id=tool.holder_id,
        holder=str(tool.holder) if tool.holder else "",
        job_id=tool.job_id,
        repair_order_id=copy.order_id,
        repair_order_number=copy.order_number or "",
        due_back_at=tool.due_back_at,
        overdue=bool(tool.due_back_at and tool.due_back_at < now),
    )


def tools_for_jobs(job_ids: Iterable[int]) -> dict[int, list[ToolNeed]]:
    """Per job (only those needing a tool): the tool numbers its operations need, each
    with the number of copies, how many are free, whether one is with this job, and who
    has the others for which order. Two queries, whatever the number of jobs."""
    needs = _needed_numbers(job_ids)
    if not needs:
        return {}
    workshops = {workshop_id for workshop_id, _numbers in needs.values()}
    numbers = {number for _w, wanted in needs.values() for number in wanted}
    copies: dict[tuple[int, str], list[_Copy]] = defaultdict(list)
    held_for = job_order(OuterRef("job_id"))
    for tool in copies_of(workshops, numbers).annotate(
        for_order_id=Subquery(held_for.values("repair_order_id")[:1]),
        for_order_number=Subquery(held_for.values("repair_order__number")[:1]),
    ):
        copies[(tool.workshop_id, tool.number)].append(
            _Copy(tool=tool, order_id=tool.for_order_id, order_number=tool.for_order_number)
        )
    now, today = timezone.now(), timezone.localdate()
    answer: dict[int, list[ToolNeed]] = {}
    for job_id, (workshop_id, wanted) in needs.items():
        rows = []
        for number in wanted:
            found = copies.get((workshop_id, number), [])
            need = ToolNeed(
                number=number,
                name=found[0].tool.name if found else "",
                copies=len(found),
                free=sum(1 for copy in found if usable(copy.tool, today)),
            )
            for copy in found:
                if copy.tool.state != ToolState.CHECKED_OUT:
                    continue
                loan = _loan(copy, now)
                if copy.tool.job_id == job_id and need.with_job is None:
                    need.with_job = loan
                else:
                    need.taken.append(loan)
            rows.append(need)
        answer[job_id] = rows
    return answer
