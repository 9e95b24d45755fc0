"""Reads of the control centre: the dispatch board of one workshop day.

The board is built from a handful of queries whatever the number of jobs: the day's
jobs (with their lines, clocks, order, car and promise), the technicians, their shifts
and absences, and which jobs wait for parts.
"""

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Exists, OuterRef, Prefetch, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from servicelane.appointments.choices import LaneKind
from servicelane.control.choices import Equipment, PlanningStatus, Skill
from servicelane.control.models import Absence, Bay, JobPlan, PlanningRun, Shift
from servicelane.core.choices import QualificationLevel, WorkshopRole
from servicelane.core.models import Membership, Workshop
from servicelane.core.permissions import Perm
from servicelane.core.tenancy import get_for_user
from servicelane.workorders.choices import JobStatus, LineKind, ROStatus
from servicelane.workorders.models import TIME_UNITS_PER_HOUR, ClockEntry, Job, JobLine
from servicelane.workorders.part_lines.selectors import jobs_waiting_for_parts
from servicelane.workorders.progress import promise_info
from servicelane.workorders.registry import PlannedSlot

# The board's time line runs at least over these local hours; shifts widen it.
DAY_STARTS = 7
DAY_ENDS = 19
# A job with no labour line still takes the bay for a while.
DEFAULT_JOB_MINUTES = 30
# A running job past its flat rate is still expected to need a little longer.
MIN_REMAINING_MINUTES = 5

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

STATE_LABELS = {
    "planned": _("Planned"),
    "unplanned": _("Not planned"),
    "running": _("Running"),
    "paused": _("Paused"),
    "waiting_parts": _("Waiting for parts"),
    "waiting_approval": _("Waiting for approval"),
    "qc": _("Quality check"),
    "done": _("Done"),
}
PROMISE_LABELS = {
    LaneKind.EXPRESS: _("Express"),
    LaneKind.BODY_PAINT: _("Body & paint"),
}


# ---------------------------------------------------------------- time helpers


def local_bounds(workshop: Workshop, day: dt.date) -> tuple[dt.datetime, dt.datetime]:
    """The workshop's local day as aware datetimes [start, end)."""
    zone = workshop.zone
    start = dt.datetime.combine(day, dt.time(0), tzinfo=zone)
    end = dt.datetime.combine(day + dt.timedelta(days=1), dt.time(0), tzinfo=zone)
    return start, end


def _subtract(
    windows: list[tuple[dt.datetime, dt.datetime]], cut_from: dt.datetime, cut_to: dt.datetime
) -> list[tuple[dt.datetime, dt.datetime]]:
    result = []
    for start, end in windows:
        if cut_to <= start or cut_from >= end:
            result.append((start, end))
            continue
        if start < cut_from:
            result.append((start, cut_from))
        if cut_to < end:
            result.append((cut_to, end))
    return result


def shift_windows(
    shift: Shift, zone: Any, absences: list[Absence] = ()
) -> list[tuple[dt.datetime, dt.datetime]]:
    """The stretches of a shift a technician can work: the shift minus its break and any
    absence, as aware datetimes."""
    start = dt.datetime.combine(shift.date, shift.starts_at, tzinfo=zone)
    end = dt.datetime.combine(shift.date, shift.ends_at, tzinfo=zone)
    windows = [(start, end)]
    if shift.break_starts_at and shift.break_minutes:
        pause = dt.datetime.combine(shift.date, shift.break_starts_at, tzinfo=zone)
        windows = _subtract(windows, pause, pause + dt.timedelta(minutes=shift.break_minutes))
    for absence in absences:
        windows = _subtract(windows, absence.starts_at, absence.ends_at)
    return [(s, e) for s, e in windows if e > s]


# ---------------------------------------------------------------- a job's needs


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

    def load(self, jobs: QuerySet) -> QuerySet:
        return jobs.select_related("plan__bay")

    def slot(self, job: Job) -> PlannedSlot | None:
        plan = plan_of(job)
        if plan.pk is None:
            return None
        return PlannedSlot(
            bay_code=plan.bay.code if plan.bay_id else "",
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
        kind = appointment.lane.kind
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
        "kind_label": str(PROMISE_LABELS.get(kind, "")),
        "at": repair_order.promised_at,
        "seconds_left": int((repair_order.promised_at - now).total_seconds()),
        "state": info["state"],
        "label": info["label"],
        "at_risk": info["state"] == "at_risk",
        "broken": info["state"] in ("late", "missed"),
    }


# ---------------------------------------------------------------- the day's jobs


def _jobs_base() -> QuerySet:
    return Job.objects.select_related(
        "repair_order__vehicle__vehicle_type",
        "repair_order__appointment__lane",
        "technician",
        "plan__bay",
    ).prefetch_related(
        Prefetch("lines", queryset=JobLine.objects.select_related("operation")),
        Prefetch("clock_entries", queryset=ClockEntry.objects.order_by("started_at", "id")),
    )


def _of_the_day(workshop: Workshop, day: dt.date) -> Q:
    """Jobs that belong to ``day``: planned that day, not planned at all (today and
    later), and today also those running or left over from an earlier day's plan."""
    start, end = local_bounds(workshop, day)
    today = timezone.localdate(timezone.now(), workshop.zone)
    when = Q(plan__planned_start__gte=start, plan__planned_start__lt=end)
    if day >= today:
        when |= Q(plan__planned_start__isnull=True)
    if day == today:
        running = ClockEntry.objects.filter(job=OuterRef("pk"), ended_at__isnull=True)
        when |= Q(plan__planned_start__lt=start) | Q(Exists(running))
    return when


def open_jobs(workshop: Workshop, day: dt.date) -> QuerySet:
    """Agreed jobs still to do, on orders still being worked on, that belong to ``day``."""
    return (
        _jobs_base()
        .filter(
            _of_the_day(workshop, day),
            repair_order__workshop=workshop,
            repair_order__status__in=WORKING_ORDER_STATUSES,
            status__in=PLANNABLE_JOB_STATUSES,
        )
        .order_by("repair_order__promised_at", "repair_order__checked_in_at", "position", "id")
    )


def _board_jobs(workshop: Workshop, day: dt.date) -> list[Job]:
    start, end = local_bounds(workshop, day)
    still_to_do = Q(
        repair_order__status__in=WORKING_ORDER_STATUSES,
        status__in=(*PLANNABLE_JOB_STATUSES, JobStatus.PENDING),
    )
    # Done that day: in the quality check, or ready since.
    done = Q(status=JobStatus.DONE, done_at__gte=start, done_at__lt=end) & ~Q(
        repair_order__status=ROStatus.CANCELLED
    )
    return list(
        _jobs_base()
        .filter((still_to_do & _of_the_day(workshop, day)) | done, repair_order__workshop=workshop)
        .order_by("repair_order__promised_at", "repair_order__checked_in_at", "position", "id")
    )


def technicians_of(workshop: Workshop) -> dict[int, Membership]:
    """The workshop's technicians by user id, with level and skills."""
    return {
        m.user_id: m
        for m in Membership.objects.filter(
            workshop=workshop, role=WorkshopRole.TECHNICIAN
        ).select_related("user")
    }


def shifts_of(workshop: Workshop, day: dt.date) -> list[Shift]:
    return list(Shift.objects.filter(workshop=workshop, date=day).order_by("starts_at", "id"))


def absences_of(workshop: Workshop, day: dt.date) -> dict[int, list[Absence]]:
    start, end = local_bounds(workshop, day)
    result: dict[int, list[Absence]] = {}
    for absence in Absence.objects.filter(
        workshop=workshop, starts_at__lt=end, ends_at__gt=start
    ).order_by("starts_at"):
        result.setdefault(absence.technician_id, []).append(absence)
    return result


def active_bays(workshop: Workshop) -> list[Bay]:
    return list(Bay.objects.filter(workshop=workshop, active=True).order_by("code"))


def job_state(job: Job, waiting: dict[int, Any]) -> str:
    if job.status == JobStatus.DONE:
        return "qc" if job.repair_order.status == ROStatus.QUALITY_CHECK else "done"
    if running_entry(job) is not None:
        return "running"
    if job.status == JobStatus.PENDING:
        return "waiting_approval"
    if job.pk in waiting:
        return "waiting_parts"
    if job.status == JobStatus.PAUSED:
        return "paused"
    return "planned" if plan_of(job).planned_start else "unplanned"


# ---------------------------------------------------------------- the board


@dataclass
class Timeline:
    start: dt.datetime
    end: dt.datetime

    @property
    def seconds(self) -> float:
        return (self.end - self.start).total_seconds()

    def left(self, moment: dt.datetime) -> float:
        offset = (moment - self.start).total_seconds() / self.seconds * 100
        return round(min(max(offset, 0.0), 100.0), 3)

    def span(self, start: dt.datetime, end: dt.datetime) -> tuple[float, float]:
        left = self.left(start)
        return left, round(max(self.left(end) - left, 0.4), 3)


@dataclass
class Row:
    technician_id: int
    name: str
    level: int | None
    level_label: str
    skills: list[str]
    skill_labels: list[str]
    shift: Shift | None
    windows: list[dict[str, Any]] = field(default_factory=list)
    breaks: list[dict[str, Any]] = field(default_factory=list)
    absences: list[dict[str, Any]] = field(default_factory=list)
    blocks: list[dict[str, Any]] = field(default_factory=list)


def _timeline(workshop: Workshop, day: dt.date, shifts: list[Shift]) -> Timeline:
    first = min([DAY_STARTS, *(s.starts_at.hour for s in shifts)])
    last = max([DAY_ENDS, *(s.ends_at.hour + (1 if s.ends_at.minute else 0) for s in shifts)])
    zone = workshop.zone
    start = dt.datetime.combine(day, dt.time(first), tzinfo=zone)
    end = dt.datetime.combine(day, dt.time(0), tzinfo=zone) + dt.timedelta(hours=min(last, 24))
    return Timeline(start, end)


def _block(job: Job, state: str, now: dt.datetime, waiting: dict[int, Any]) -> dict[str, Any]:
    entry = running_entry(job)
    ro = job.repair_order
    vehicle = ro.vehicle
    flat = flat_rate_minutes(job)
    left = remaining_minutes(job, now) if job.status != JobStatus.DONE else 0
    start = end = None
    technician_id = job.technician_id
    plan = plan_of(job)
    if state == "running":
        start, end = entry.started_at, now + dt.timedelta(minutes=left)
        technician_id = entry.technician_id
    elif state in ("done", "qc"):
        entries = list(job.clock_entries.all())
        end = job.done_at
        start = entries[0].started_at if entries else plan.planned_start
        if start is None and end is not None:
            start = end - dt.timedelta(minutes=flat or DEFAULT_JOB_MINUTES)
        if entries:
            technician_id = entries[-1].technician_id
    elif plan.planned_start:
        start = plan.planned_start
        end = plan.planned_end or start + dt.timedelta(minutes=left)
    needs = job_needs(job)
    return {
        "job_id": job.pk,
        "position": job.position,
        "title": job.title,
        "repair_order_id": ro.pk,
        "repair_order_number": ro.number,
        "plate": vehicle.plate or vehicle.vin,
        "model": vehicle.vehicle_type.model_name if vehicle.vehicle_type_id else "",
        "status": job.status,
        "state": state,
        "state_label": str(STATE_LABELS[state]),
        "technician_id": technician_id,
        "technician_name": str(job.technician) if job.technician_id else "",
        "bay_id": plan.bay_id,
        "bay_code": plan.bay.code if plan.bay_id else "",
        "level": job.level,
        "level_label": str(QualificationLevel(job.level).label) if job.level else "",
        **needs,
        "skill_labels": _labels(Skill.choices, needs["skills"]),
        "equipment_labels": _labels(Equipment.choices, needs["equipment"]),
        "start": start,
        "end": end,
        "planned_start": plan.planned_start,
        "planned_end": plan.planned_end,
        "running_since": entry.started_at if entry else None,
        "running_seconds": int((now - entry.started_at).total_seconds()) if entry else None,
        "flat_rate_minutes": flat,
        "remaining_minutes": left,
        "waiting_for_parts": job.pk in waiting,
        "parts_expected": waiting.get(job.pk),
        "promise": promise_for(ro, now),
        "left": 0.0,
        "width": 0.0,
    }


def _labels(choices: Any, values: list[str]) -> list[str]:
    labels = dict(choices)
    return [str(labels.get(v, v)) for v in values]


def board(workshop: Workshop, day: dt.date, now: dt.datetime | None = None) -> dict[str, Any]:
    """The dispatch board of one workshop day: a row per technician on shift with their
    shift, breaks, absences and jobs as blocks in their state on a time line; jobs not
    placed yet in a "to plan" lane; the open promises with their countdown."""
    now = now or timezone.now()
    zone = workshop.zone
    members = technicians_of(workshop)
    shifts = [s for s in shifts_of(workshop, day) if s.technician_id in members]
    absences = absences_of(workshop, day)
    jobs = _board_jobs(workshop, day)
    waiting = jobs_waiting_for_parts([j.pk for j in jobs if j.status != JobStatus.DONE])
    timeline = _timeline(workshop, day, shifts)

    def new_row(technician_id: int, shift: Shift | None) -> Row:
        membership = members[technician_id]
        skills = list(membership.skills or [])
        return Row(
            technician_id=technician_id,
            name=str(membership.user),
            level=membership.level,
            level_label=str(QualificationLevel(membership.level).label) if membership.level else "",
            skills=skills,
            skill_labels=_labels(Skill.choices, skills),
            shift=shift,
        )

    rows: dict[int, Row] = {}
    for shift in shifts:
        row = rows.setdefault(shift.technician_id, new_row(shift.technician_id, shift))
        own_absences = absences.get(shift.technician_id, [])
        for start, end in shift_windows(shift, zone, own_absences):
            left, width = timeline.span(start, end)
            row.windows.append({"start": start, "end": end, "left": left, "width": width})
        if shift.break_starts_at and shift.break_minutes:
            pause = dt.datetime.combine(shift.date, shift.break_starts_at, tzinfo=zone)
            until = pause + dt.timedelta(minutes=shift.break_minutes)
            left, width = timeline.span(pause, until)
            row.breaks.append({"start": pause, "end": until, "left": left, "width": width})
    for technician_id, own in absences.items():
        if technician_id not in rows:
            continue
        for absence in own:
            left, width = timeline.span(absence.starts_at, absence.ends_at)
            rows[technician_id].absences.append(
                {
                    "start": absence.starts_at,
                    "end": absence.ends_at,
                    "reason": absence.reason,
                    "left": left,
                    "width": width,
                }
            )

    start_of_day, end_of_day = local_bounds(workshop, day)
    to_plan: list[dict[str, Any]] = []
    promises: dict[int, dict[str, Any]] = {}
    counts = dict.fromkeys(STATE_LABELS, 0)
    for job in jobs:
        state = job_state(job, waiting)
        counts[state] += 1
        block = _block(job, state, now, waiting)
        if block["promise"] and job.status != JobStatus.DONE:
            promises.setdefault(job.repair_order_id, block["promise"])
        placed = (
            block["start"] is not None
            and block["end"] is not None
            and block["technician_id"] in members
            and block["start"] < end_of_day
            and block["end"] > start_of_day
        )
        if not placed:
            to_plan.append(block)
            continue
        if block["technician_id"] not in rows:
            rows[block["technician_id"]] = new_row(block["technician_id"], None)
        block["left"], block["width"] = timeline.span(block["start"], block["end"])
        rows[block["technician_id"]].blocks.append(block)
    for row in rows.values():
        row.blocks.sort(key=lambda b: (b["start"], b["job_id"]))
    ordered = sorted(
        rows.values(),
        key=lambda r: (r.shift is None, r.shift.starts_at if r.shift else dt.time(0), r.name),
    )
    hours = []
    moment = timeline.start
    # A long day labels every other hour: the labels would run into each other.
    every = 2 if timeline.end - timeline.start > dt.timedelta(hours=12) else 1
    while moment <= timeline.end:
        hours.append(
            {
                "at": moment,
                "label": f"{moment.hour:02d}:00" if moment.hour % every == 0 else "",
                "left": timeline.left(moment),
            }
        )
        moment += dt.timedelta(hours=1)
    is_today = timezone.localdate(now, zone) == day
    return {
        "workshop": workshop,
        "day": day,
        "now": now,
        "is_today": is_today,
        "now_left": timeline.left(now)
        if is_today and timeline.start <= now <= timeline.end
        else None,
        "starts": timeline.start,
        "ends": timeline.end,
        "hours": hours,
        "rows": ordered,
        "to_plan": to_plan,
        "promises": sorted(promises.values(), key=lambda p: p["at"]),
        "at_risk": sum(1 for p in promises.values() if p["at_risk"]),
        "broken": sum(1 for p in promises.values() if p["broken"]),
        "counts": counts,
        "summary": [
            {"state": state, "label": str(label), "count": counts[state]}
            for state, label in STATE_LABELS.items()
        ],
    }


def equipment_labels(values: list[str]) -> list[str]:
    return _labels(Equipment.choices, values)


def skill_labels(values: list[str]) -> list[str]:
    return _labels(Skill.choices, values)


# ---------------------------------------------------------------- planning runs


def planning_run_get_for_user(*, user: Any, pk: Any) -> PlanningRun:
    """A run of a workshop whose board the user sees; 404 otherwise."""
    return get_for_user(
        PlanningRun.objects.select_related("workshop", "requested_by"),
        user,
        Perm.BOARD_VIEW,
        pk=pk,
    )


def planning_runs(workshop: Workshop, day: dt.date | None = None) -> QuerySet:
    """The workshop's planning runs (of ``day`` when given), newest first."""
    runs = PlanningRun.objects.filter(workshop=workshop)
    if day is not None:
        runs = runs.filter(date=day)
    return runs.select_related("workshop", "requested_by").order_by("-created_at", "-id")


def latest_open_run(workshop: Workshop, day: dt.date) -> PlanningRun | None:
    """The day's last proposal still to decide on (or still being computed), if recent."""
    from servicelane.control.planning import PROPOSAL_VALID_MINUTES

    since = timezone.now() - dt.timedelta(minutes=PROPOSAL_VALID_MINUTES)
    run = (
        PlanningRun.objects.filter(workshop=workshop, date=day, created_at__gte=since)
        .exclude(status=PlanningStatus.APPLIED)
        .select_related("workshop", "requested_by")
        .order_by("-created_at", "-id")
        .first()
    )
    if run is None or run.status in (PlanningStatus.FAILED, PlanningStatus.DISCARDED):
        return None
    return run


def _parse(value: str | None) -> dt.datetime | None:
    return dt.datetime.fromisoformat(value) if value else None


def _job_label(info: dict[str, Any]) -> str:
    return (
        f"{info.get('repair_order_number', '')}/{info.get('position', '')} {info.get('title', '')}"
    )


def proposal(run: PlanningRun, board_data: dict[str, Any]) -> dict[str, Any]:
    """A planning run for the screen: per technician the current order beside the proposed
    one, the figures against the manual (earliest-due-date) order, the jobs left out and
    why, in the reader's language."""
    from servicelane.control.planning import reason_text, run_is_open

    result = run.result or {}
    base = {
        "run": run,
        "status": run.status,
        "status_label": str(PlanningStatus(run.status).label),
        "working": run.status in (PlanningStatus.QUEUED, PlanningStatus.RUNNING),
        "failed": run.status == PlanningStatus.FAILED,
        "error": result.get("error", ""),
        "applied": run.status == PlanningStatus.APPLIED,
        "discarded": run.status == PlanningStatus.DISCARDED,
        "open": run_is_open(run),
        "proposed": False,
    }
    # A run discarded before the planner finished has no proposal to show.
    finished = (PlanningStatus.DONE, PlanningStatus.APPLIED, PlanningStatus.DISCARDED)
    if run.status not in finished or "assignments" not in result:
        return base
    infos = result.get("jobs", {})
    names = result.get("names", {})
    technician_names = names.get("technicians", {})
    bay_codes = names.get("bays", {})

    current: dict[int, list[dict[str, Any]]] = {}
    order: list[int] = []
    for row in board_data["rows"]:
        order.append(row.technician_id)
        current[row.technician_id] = [
            {
                "job_id": b["job_id"],
                "label": f"{b['repair_order_number']}/{b['position']} {b['title']}",
                "start": b["start"],
                "end": b["end"],
                "bay": b["bay_code"],
                "state": b["state"],
                "state_label": b["state_label"],
                "promise": b["promise"],
            }
            for b in row.blocks
            if b["state"] not in ("done", "qc")
        ]
    proposed: dict[int, list[dict[str, Any]]] = {}
    for a in result.get("assignments", []):
        info = infos.get(str(a["job_id"]), {})
        proposed.setdefault(a["technician_id"], []).append(
            {
                "job_id": a["job_id"],
                "label": _job_label(info),
                "start": _parse(a["start"]),
                "end": _parse(a["end"]),
                "bay": bay_codes.get(str(a["bay_id"]), ""),
                "running": a.get("running", False),
                "late_minutes": a.get("late_minutes", 0),
                "promise": info.get("promise", ""),
                "promise_label": str(PROMISE_LABELS.get(info.get("promise"), "")),
                "due": _parse(info.get("due")),
            }
        )
    for technician_id in proposed:
        if technician_id not in order:
            order.append(technician_id)
    rows = []
    for technician_id in order:
        # Changed: other jobs, another order, or another start time.
        now_order = [
            (item["job_id"], item["start"].replace(second=0, microsecond=0))
            for item in current.get(technician_id, [])
            if item["state"] != "running"
        ]
        new_order = [
            (item["job_id"], item["start"])
            for item in proposed.get(technician_id, [])
            if not item["running"]
        ]
        if not now_order and not new_order:
            continue
        rows.append(
            {
                "technician_id": technician_id,
                "name": technician_names.get(str(technician_id), ""),
                "current": current.get(technician_id, []),
                "proposed": proposed.get(technician_id, []),
                "changed": now_order != new_order,
            }
        )
    unplaced = []
    for item in result.get("unplaced", []):
        info = infos.get(str(item["job_id"]), {})
        unplaced.append(
            {
                "job_id": item["job_id"],
                "label": _job_label(info),
                "reasons": [reason_text(code, params, result) for code, params in item["reasons"]],
            }
        )
    metrics, baseline = result.get("metrics", {}), result.get("baseline", {})
    return {
        **base,
        "proposed": True,
        "rows": rows,
        "unplaced": unplaced,
        "metrics": {**metrics, "makespan_at": _parse(metrics.get("makespan_at"))},
        "baseline": {**baseline, "makespan_at": _parse(baseline.get("makespan_at"))},
        "kept_over_baseline": [
            _job_label(infos.get(str(job_id), {}))
            for job_id in result.get("kept_over_baseline", [])
        ],
        "late_jobs": [_job_label(infos.get(str(j), {})) for j in result.get("late_jobs", [])],
        "solver_status": result.get("solver_status", ""),
        "gap_percent": round(result["gap"] * 100, 1) if result.get("gap") is not None else None,
        "origin": _parse(result.get("origin")),
    }
