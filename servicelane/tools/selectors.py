"""Reads of the special-tool register.

The register is read by the foreman (who manages it), by whoever sees the board and by
technicians; every read is narrowed to the workshops where the user holds one of those
rights, so another workshop's tool is never found. The job a copy is out for is named
by the app that plans the work (``servicelane.tools.jobs``): ``with_jobs`` sets it as
``for_job`` on many tools or movements at once.
"""

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import TypeVar

from django.db.models import Count, F, Q, QuerySet, Value
from django.db.models.functions import Replace
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from servicelane.core.models import User, Workshop
from servicelane.core.permissions import Perm
from servicelane.core.tenancy import access_for
from servicelane.tools import jobs
from servicelane.tools.choices import ToolState
from servicelane.tools.models import SpecialTool, ToolMovement

# Who reads the register: the tools room itself, the board, the bay.
TOOL_READ_PERMS = (Perm.TOOLS_MANAGE, Perm.BOARD_VIEW, Perm.JOB_CLOCK)
# A calibration falling due within this many days is flagged ahead of time.
CALIBRATION_WARNING_DAYS = 30

FLAG_OVERDUE = "overdue"  # return overdue
FLAG_CALIBRATION = "calibration"  # calibration overdue or due within the warning days
FLAG_ANY_OVERDUE = "any_overdue"  # return or calibration overdue

Row = TypeVar("Row", SpecialTool, ToolMovement)


@dataclass
class NeedingJob:
    """An open job needing a tool number, and how the copies of it stand for the job."""

    job: jobs.JobRef
    tool_needs: list[jobs.ToolNeed] = field(default_factory=list)


def tool_read_workshops(user: User) -> list[int]:
    """Workshops whose tools the user may see."""
    access = access_for(user)
    return sorted({w for perm in TOOL_READ_PERMS for w in access.workshops_with(perm)})


def can_read_tools(user: User, workshop_id: int) -> bool:
    access = access_for(user)
    return any(access.can(perm, workshop_id) for perm in TOOL_READ_PERMS)


def _tools(user: User) -> QuerySet[SpecialTool]:
    return SpecialTool.objects.filter(workshop_id__in=tool_read_workshops(user)).select_related(
        "holder"
    )


def _compact(text: str) -> str:
    return "".join(text.split())


def tools_register(
    *,
    user: User,
    workshop: Workshop,
    state: str = "",
    flag: str = "",
    q: str = "",
) -> QuerySet[SpecialTool]:
    """The workshop's tools by number and copy, narrowed by state, by flag (return
    overdue; calibration overdue or due within 30 days; either overdue) and by a search
    on the number (spaces ignored), the name or the storage place."""
    tools = _tools(user).filter(workshop=workshop)
    q = q.strip()
    if q:
        tools = tools.annotate(compact_number=Replace(F("number"), Value(" "), Value(""))).filter(
            Q(compact_number__icontains=_compact(q))
            | Q(name__icontains=q)
            | Q(storage_place__iexact=q)
        )
    if state:
        tools = tools.filter(state=state)
    if flag == FLAG_OVERDUE:
        tools = tools.filter(state=ToolState.CHECKED_OUT, due_back_at__lt=timezone.now())
    elif flag == FLAG_ANY_OVERDUE:
        tools = tools.filter(
            Q(state=ToolState.CHECKED_OUT, due_back_at__lt=timezone.now())
            | Q(calibration_due__lt=timezone.localdate())
        )
    elif flag == FLAG_CALIBRATION:
        tools = tools.filter(
            calibration_due__lte=timezone.localdate() + dt.timedelta(days=CALIBRATION_WARNING_DAYS)
        )
    return tools.order_by("number", "copy")


def register_summary(workshop: Workshop) -> dict[str, int]:
    """How many copies are out, overdue, and due for calibration within the warning days."""
    now, today = timezone.now(), timezone.localdate()
    warning = today + dt.timedelta(days=CALIBRATION_WARNING_DAYS)
    return SpecialTool.objects.filter(workshop=workshop).aggregate(
        out=Count("pk", filter=Q(state=ToolState.CHECKED_OUT)),
        overdue=Count("pk", filter=Q(state=ToolState.CHECKED_OUT, due_back_at__lt=now)),
        calibration=Count("pk", filter=Q(calibration_due__lte=warning)),
    )


def with_jobs(rows: Iterable[Row]) -> list[Row]:
    """Each tool or movement with ``for_job``: the job it is (was) out for, or None."""
    rows = list(rows)
    named = jobs.describe(row.job_id for row in rows)
    for row in rows:
        row.for_job = named.get(row.job_id) if row.job_id is not None else None
    return rows


def with_flags(tools: Iterable[SpecialTool]) -> list[SpecialTool]:
    """Each tool with ``return_overdue``, ``calibration_overdue`` and
    ``calibration_soon`` set, as the register and the API show them, and its job
    (``for_job``)."""
    now, today = timezone.now(), timezone.localdate()
    soon = today + dt.timedelta(days=CALIBRATION_WARNING_DAYS)
    rows = with_jobs(tools)
    for tool in rows:
        tool.return_overdue = bool(
            tool.state == ToolState.CHECKED_OUT and tool.due_back_at and tool.due_back_at < now
        )
        due = tool.calibration_due
        tool.calibration_overdue = bool(due and due < today)
        tool.calibration_soon = bool(due and today <= due <= soon)
    return rows


def tool_get(*, user: User, tool_id: int, workshop: Workshop | None = None) -> SpecialTool:
    """One tool the user may see (in ``workshop`` when given); 404 otherwise."""
    tools = _tools(user)
    if workshop is not None:
        tools = tools.filter(workshop=workshop)
    try:
        tool = tools.select_related("workshop").get(pk=tool_id)
    except (SpecialTool.DoesNotExist, ValueError, TypeError) as exc:
        raise Http404(_("Not found.")) from exc
    return with_flags([tool])[0]


def tool_movements(tool: SpecialTool) -> QuerySet[ToolMovement]:
    """The tool's log, newest first (``with_jobs`` names their jobs)."""
    return ToolMovement.objects.filter(tool=tool).select_related("technician", "actor")


def usable(tool: SpecialTool, today: dt.date) -> bool:
    """In its place and not due for calibration: it may be checked out now."""
    return tool.state == ToolState.IN_PLACE and not (
        tool.calibration_due and tool.calibration_due < today
    )


def usable_copies(workshop: Workshop, day: dt.date) -> dict[str, int]:
    """Copies of each tool (by number) in their place and calibrated for ``day``. A
    checked-out copy (for a job or none, overdue or not) is not free until it is back;
    defective ones and those at calibration are not either."""
    copies: dict[str, int] = {}
    for number, calibration_due in SpecialTool.objects.filter(
        workshop=workshop, state=ToolState.IN_PLACE
    ).values_list("number", "calibration_due"):
        if calibration_due is not None and calibration_due < day:
            continue
        copies[number] = copies.get(number, 0) + 1
    return copies


def copies_held_by_jobs(workshop: Workshop, day: dt.date) -> dict[int, set[str]]:
    """Per job id: the tool numbers of copies checked out for it, calibrated for ``day``."""
    held: dict[int, set[str]] = {}
    for job_id, number, calibration_due in SpecialTool.objects.filter(
        workshop=workshop, state=ToolState.CHECKED_OUT, job_id__isnull=False
    ).values_list("job_id", "number", "calibration_due"):
        if job_id is None or (calibration_due is not None and calibration_due < day):
            continue
        held.setdefault(job_id, set()).add(number)
    return held


def copies_of(workshop_ids: Iterable[int], numbers: Iterable[str]) -> QuerySet[SpecialTool]:
    """The copies of these tool numbers in these workshops, with their holders, by number
    and copy."""
    return (
        SpecialTool.objects.filter(workshop_id__in=list(workshop_ids), number__in=list(numbers))
        .select_related("holder")
        .order_by("number", "copy")
    )


def needing_with_status(workshop: Workshop, number: str) -> list[NeedingJob]:
    """The open jobs needing a tool number, each with how its copies stand for it
    (``job.tool_needs``: free, with this job, taken by whom for which order)."""
    needing = jobs.jobs_needing(workshop, number)
    needs = jobs.needs(job.id for job in needing)
    return [
        NeedingJob(job=job, tool_needs=[n for n in needs.get(job.id, []) if n.number == number])
        for job in needing
    ]
