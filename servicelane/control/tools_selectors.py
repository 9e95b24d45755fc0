"""Reads of the special tools room and the roster.

The tools register is read by the foreman (who manages it), by whoever sees the board and
by technicians; every read is narrowed to the workshops where the user holds one of those
rights, so another workshop's tool is never found. ``tools_for_jobs`` answers for many
jobs at once in two queries: which tools their operations need, and whether a copy is
free or who has it for which order.
"""

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.db.models import F, Q, QuerySet, Value
from django.db.models.functions import Replace
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from servicelane.control.choices import Equipment, Skill, ToolState
from servicelane.control.models import Absence, Bay, Shift, SpecialTool, ToolMovement
from servicelane.core.choices import WorkshopRole
from servicelane.core.models import Membership, User, Workshop
from servicelane.core.permissions import Perm
from servicelane.core.tenancy import access_for
from servicelane.workorders.choices import JobStatus, LineKind, ROStatus
from servicelane.workorders.models import Job, JobLine
from servicelane.workorders.selectors import workshop_technicians

# Who reads the register: the tools room itself, the board, the bay.
TOOL_READ_PERMS = (Perm.TOOLS_MANAGE, Perm.BOARD_VIEW, Perm.JOB_CLOCK)
# A calibration falling due within this many days is flagged ahead of time.
CALIBRATION_WARNING_DAYS = 30
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

FLAG_OVERDUE = "overdue"  # return overdue
FLAG_CALIBRATION = "calibration"  # calibration overdue or due within the warning days
FLAG_ANY_OVERDUE = "any_overdue"  # return or calibration overdue


def tool_read_workshops(user: Any) -> list[int]:
    """Workshops whose tools the user may see."""
    access = access_for(user)
    return sorted({w for perm in TOOL_READ_PERMS for w in access.workshops_with(perm)})


def can_read_tools(user: Any, workshop_id: int) -> bool:
    access = access_for(user)
    return any(access.can(perm, workshop_id) for perm in TOOL_READ_PERMS)


def _tools(user: Any) -> QuerySet:
    return SpecialTool.objects.filter(workshop_id__in=tool_read_workshops(user)).select_related(
        "holder", "job__repair_order"
    )


def _compact(text: str) -> str:
    return "".join(text.split())


# ---------------------------------------------------------------- the register


def tools_register(
    *,
    user: Any,
    workshop: Workshop,
    state: str = "",
    flag: str = "",
    q: str = "",
) -> QuerySet:
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


def with_flags(tools: Iterable[SpecialTool]) -> list[SpecialTool]:
    """Each tool with ``return_overdue``, ``calibration_overdue`` and
    ``calibration_soon`` set, as the register and the API show them."""
    now, today = timezone.now(), timezone.localdate()
    soon = today + dt.timedelta(days=CALIBRATION_WARNING_DAYS)
    rows = list(tools)
    for tool in rows:
        tool.return_overdue = bool(
            tool.state == ToolState.CHECKED_OUT and tool.due_back_at and tool.due_back_at < now
        )
        due = tool.calibration_due
        tool.calibration_overdue = bool(due and due < today)
        tool.calibration_soon = bool(due and today <= due <= soon)
    return rows


def tool_get(*, user: Any, tool_id: Any, workshop: Workshop | None = None) -> SpecialTool:
    """One tool the user may see (in ``workshop`` when given); 404 otherwise."""
    tools = _tools(user)
    if workshop is not None:
        tools = tools.filter(workshop=workshop)
    try:
        tool = tools.select_related("workshop").get(pk=tool_id)
    except (SpecialTool.DoesNotExist, ValueError, TypeError) as exc:
        raise Http404(_("Not found.")) from exc
    return with_flags([tool])[0]


def tool_movements(tool: SpecialTool) -> QuerySet:
    """The tool's log, newest first."""
    return ToolMovement.objects.filter(tool=tool).select_related(
        "technician", "job__repair_order", "actor"
    )


def tool_states() -> list[tuple[str, str]]:
    return list(ToolState.choices)


# ---------------------------------------------------------------- jobs and tools


def open_jobs(workshop: Workshop) -> QuerySet:
    """Jobs a tool may be checked out for: agreed and not done, on orders at work."""
    return (
        Job.objects.filter(
            repair_order__workshop=workshop,
            repair_order__status__in=WORKING_RO_STATUSES,
            status__in=OPEN_JOB_STATUSES,
        )
        .select_related("repair_order", "technician")
        .order_by("repair_order__number", "position", "pk")
    )


def open_job_get(workshop: Workshop, job_id: Any) -> Job | None:
    """An open job of the workshop, or None when it is not one (any more)."""
    try:
        return open_jobs(workshop).filter(pk=job_id).first()
    except (ValueError, TypeError):
        return None


def _needed_numbers(job_ids: Iterable[int]) -> dict[int, tuple[int, list[str]]]:
    """Per job: its workshop and the tool numbers its labour lines' operations need."""
    needs: dict[int, tuple[int, list[str]]] = {}
    rows = (
        JobLine.objects.filter(job_id__in=list(job_ids), kind=LineKind.LABOUR)
        .exclude(operation=None)
        .values_list("job_id", "job__repair_order__workshop_id", "operation__tools")
        .order_by("job_id", "pk")
    )
    for job_id, workshop_id, tools in rows:
        _workshop, numbers = needs.setdefault(job_id, (workshop_id, []))
        for number in tools or []:
            if number not in numbers:
                numbers.append(number)
    return {job_id: need for job_id, need in needs.items() if need[1]}


def jobs_needing_tool(workshop: Workshop, number: str) -> list[Job]:
    """The open jobs of the workshop whose operations need this tool number."""
    jobs = list(open_jobs(workshop))
    needs = _needed_numbers(job.pk for job in jobs)
    return [job for job in jobs if number in needs.get(job.pk, (0, []))[1]]


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


def _loan(tool: SpecialTool, now: dt.datetime) -> ToolLoan:
    job = tool.job
    return ToolLoan(
        tool_id=tool.pk,
        copy=tool.copy,
        holder_id=tool.holder_id,
        holder=str(tool.holder) if tool.holder else "",
        job_id=tool.job_id,
        repair_order_id=job.repair_order_id if job else None,
        repair_order_number=job.repair_order.number if job else "",
        due_back_at=tool.due_back_at,
        overdue=bool(tool.due_back_at and tool.due_back_at < now),
    )


def usable(tool: SpecialTool, today: dt.date) -> bool:
    """In its place and not due for calibration: it may be checked out now."""
    return tool.state == ToolState.IN_PLACE and not (
        tool.calibration_due and tool.calibration_due < today
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
    copies: dict[tuple[int, str], list[SpecialTool]] = defaultdict(list)
    for tool in (
        SpecialTool.objects.filter(workshop_id__in=workshops, number__in=numbers)
        .select_related("holder", "job__repair_order")
        .order_by("number", "copy")
    ):
        copies[(tool.workshop_id, tool.number)].append(tool)
    now, today = timezone.now(), timezone.localdate()
    answer: dict[int, list[ToolNeed]] = {}
    for job_id, (workshop_id, wanted) in needs.items():
        rows = []
        for number in wanted:
            found = copies.get((workshop_id, number), [])
            need = ToolNeed(
                number=number,
                name=found[0].name if found else "",
                copies=len(found),
                free=sum(1 for tool in found if usable(tool, today)),
            )
            for tool in found:
                if tool.state != ToolState.CHECKED_OUT:
                    continue
                if tool.job_id == job_id and need.with_job is None:
                    need.with_job = _loan(tool, now)
                else:
                    need.taken.append(_loan(tool, now))
            rows.append(need)
        answer[job_id] = rows
    return answer


# ---------------------------------------------------------------- the roster


def labels(values: Iterable[str], choices: Any) -> list[str]:
    """Stored choice values as people read them (unknown ones as they are)."""
    names = dict(choices.choices)
    return [str(names.get(value, value)) for value in values or []]


def technicians(workshop: Workshop) -> list[Membership]:
    """The workshop's technicians with level and skills (``skill_labels``), senior
    first."""
    members = workshop_technicians(workshop)
    for membership in members:
        membership.skill_labels = labels(membership.skills, Skill)
    return members


def technician_get(workshop: Workshop, technician_id: Any) -> Membership:
    """A technician of the workshop by user id; 404 for anyone else."""
    try:
        return Membership.objects.select_related("user").get(
            workshop=workshop, user_id=technician_id, role=WorkshopRole.TECHNICIAN
        )
    except (
        Membership.DoesNotExist,
        Membership.MultipleObjectsReturned,
        ValueError,
        TypeError,
        OverflowError,  # an id no row can have
    ):
        raise Http404(_("Not found.")) from None


def monday_of(day: dt.date) -> dt.date:
    return day - dt.timedelta(days=day.weekday())


@dataclass
class RosterCell:
    date: dt.date
    shift: Shift | None
    absences: list[Absence]

    @property
    def worked_minutes(self) -> int:
        if self.shift is None:
            return 0
        start = self.shift.starts_at.hour * 60 + self.shift.starts_at.minute
        end = self.shift.ends_at.hour * 60 + self.shift.ends_at.minute
        return end - start - self.shift.break_minutes


@dataclass
class RosterRow:
    membership: Membership
    cells: list[RosterCell]

    @property
    def technician(self) -> User:
        return self.membership.user

    @property
    def week_minutes(self) -> int:
        return sum(cell.worked_minutes for cell in self.cells)

    @property
    def week_hours(self) -> str:
        return f"{self.week_minutes // 60}:{self.week_minutes % 60:02d}"


@dataclass
class RosterWeek:
    monday: dt.date
    days: list[dt.date]
    rows: list[RosterRow]


def roster_week(workshop: Workshop, day: dt.date) -> RosterWeek:
    """The week (Monday to Sunday) around ``day``: per technician, each day's shift and
    the absences touching it (the workshop's local days). Three queries."""
    monday = monday_of(day)
    days = [monday + dt.timedelta(days=i) for i in range(7)]
    members = technicians(workshop)
    shifts = {
        (shift.technician_id, shift.date): shift
        for shift in Shift.objects.filter(workshop=workshop, date__range=(days[0], days[-1]))
    }
    zone = workshop.zone
    week_start = dt.datetime.combine(days[0], dt.time(0), zone)
    week_end = dt.datetime.combine(days[-1] + dt.timedelta(days=1), dt.time(0), zone)
    absences: dict[int, list[Absence]] = defaultdict(list)
    for absence in Absence.objects.filter(
        workshop=workshop, starts_at__lt=week_end, ends_at__gt=week_start
    ):
        absences[absence.technician_id].append(absence)
    rows = []
    for membership in members:
        cells = []
        for date in days:
            start = dt.datetime.combine(date, dt.time(0), zone)
            end = dt.datetime.combine(date + dt.timedelta(days=1), dt.time(0), zone)
            cells.append(
                RosterCell(
                    date=date,
                    shift=shifts.get((membership.user_id, date)),
                    absences=[
                        a
                        for a in absences.get(membership.user_id, [])
                        if a.starts_at < end and a.ends_at > start
                    ],
                )
            )
        rows.append(RosterRow(membership=membership, cells=cells))
    return RosterWeek(monday=monday, days=days, rows=rows)


def absences_from(workshop: Workshop, since: dt.datetime) -> QuerySet:
    """Absences not over by ``since``, soonest first."""
    return (
        Absence.objects.filter(workshop=workshop, ends_at__gt=since)
        .select_related("technician")
        .order_by("starts_at", "pk")
    )


def absence_get(*, user: Any, workshop: Workshop, absence_id: Any) -> Absence:
    try:
        return (
            Absence.objects.visible_to(user, Perm.ROSTER_MANAGE)
            .select_related("technician")
            .get(workshop=workshop, pk=absence_id)
        )
    except (Absence.DoesNotExist, ValueError, TypeError) as exc:
        raise Http404(_("Not found.")) from exc


def bays_of(workshop: Workshop) -> list[Bay]:
    """The workshop's bays by code, with ``equipment_labels``."""
    bays = list(Bay.objects.filter(workshop=workshop).order_by("code"))
    for bay in bays:
        bay.equipment_labels = labels(bay.equipment, Equipment)
    return bays


def bay_get(*, user: Any, workshop: Workshop, bay_id: Any, perm: Perm) -> Bay:
    try:
        return Bay.objects.visible_to(user, perm).get(workshop=workshop, pk=bay_id)
    except (Bay.DoesNotExist, ValueError, TypeError) as exc:
        raise Http404(_("Not found.")) from exc
