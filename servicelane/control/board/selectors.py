"""Reads of the dispatch board: one workshop day.

The board is built from a handful of queries whatever the number of jobs: the day's
jobs (with their lines, clocks, order, car and promise), the technicians, their shifts
and absences, and which jobs wait for parts.
"""

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from servicelane.control.choices import Equipment, Skill
from servicelane.control.jobs.selectors import (
    DEFAULT_JOB_MINUTES,
    PLANNABLE_JOB_STATUSES,
    WORKING_ORDER_STATUSES,
    flat_rate_minutes,
    job_needs,
    jobs_on_the_floor,
    of_the_day,
    plan_of,
    promise_for,
    remaining_minutes,
    running_entry,
)
from servicelane.control.models import Absence, Shift
from servicelane.control.roster.selectors import (
    absences_of,
    local_bounds,
    shift_windows,
    shifts_of,
    technicians_of,
)
from servicelane.core.choices import QualificationLevel
from servicelane.core.models import Membership, Workshop
from servicelane.workorders.choices import JobStatus, ROStatus
from servicelane.workorders.models import Job
from servicelane.workorders.part_lines.selectors import jobs_waiting_for_parts

# The board's time line runs at least over these local hours; shifts widen it.
DAY_STARTS = 7
DAY_ENDS = 19

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
        jobs_on_the_floor()
        .filter((still_to_do & of_the_day(workshop, day)) | done, repair_order__workshop=workshop)
        .order_by("repair_order__promised_at", "repair_order__checked_in_at", "position", "id")
    )


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
    if state == "running" and entry is not None:
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
        "model": vehicle.vehicle_type.model_name if vehicle.vehicle_type else "",
        "status": job.status,
        "state": state,
        "state_label": str(STATE_LABELS[state]),
        "technician_id": technician_id,
        "technician_name": str(job.technician) if job.technician_id else "",
        "bay_id": plan.bay_id,
        "bay_code": plan.bay.code if plan.bay else "",
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


def _new_row(membership: Membership, shift: Shift | None) -> Row:
    skills = list(membership.skills or [])
    return Row(
        technician_id=membership.user_id,
        name=str(membership.user),
        level=membership.level,
        level_label=str(QualificationLevel(membership.level).label) if membership.level else "",
        skills=skills,
        skill_labels=_labels(Skill.choices, skills),
        shift=shift,
    )


def _span(timeline: Timeline, start: dt.datetime, end: dt.datetime) -> dict[str, Any]:
    left, width = timeline.span(start, end)
    return {"start": start, "end": end, "left": left, "width": width}


def _shift_rows(
    shifts: list[Shift],
    members: dict[int, Membership],
    absences: dict[int, list[Absence]],
    timeline: Timeline,
    zone: Any,
) -> dict[int, Row]:
    """A row per technician on shift: working time (the shift less break and absences),
    breaks and absences on the time line."""
    rows: dict[int, Row] = {}
    for shift in shifts:
        row = rows.setdefault(shift.technician_id, _new_row(members[shift.technician_id], shift))
        own_absences = absences.get(shift.technician_id, [])
        for start, end in shift_windows(shift, zone, own_absences):
            row.windows.append(_span(timeline, start, end))
        if shift.break_starts_at and shift.break_minutes:
            pause = dt.datetime.combine(shift.date, shift.break_starts_at, tzinfo=zone)
            until = pause + dt.timedelta(minutes=shift.break_minutes)
            row.breaks.append(_span(timeline, pause, until))
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
    return rows


@dataclass
class _Lanes:
    """The day's jobs dealt out: blocks on the technicians' rows, the rest to plan, the
    open promises by order and the count of jobs per state."""

    rows: dict[int, Row]
    to_plan: list[dict[str, Any]] = field(default_factory=list)
    promises: dict[int, dict[str, Any]] = field(default_factory=dict)
    counts: dict[str, int] = field(default_factory=lambda: dict.fromkeys(STATE_LABELS, 0))


def _placed(
    block: dict[str, Any], members: dict[int, Membership], day: tuple[dt.datetime, dt.datetime]
) -> bool:
    """On a technician's row: a technician of the workshop, a start and end, within the day."""
    start_of_day, end_of_day = day
    return (
        block["start"] is not None
        and block["end"] is not None
        and block["technician_id"] in members
        and block["start"] < end_of_day
        and block["end"] > start_of_day
    )


def _deal_jobs(
    lanes: _Lanes,
    jobs: list[Job],
    members: dict[int, Membership],
    bounds: tuple[dt.datetime, dt.datetime],
    timeline: Timeline,
    now: dt.datetime,
    waiting: dict[int, Any],
) -> None:
    for job in jobs:
        state = job_state(job, waiting)
        lanes.counts[state] += 1
        block = _block(job, state, now, waiting)
        if block["promise"] and job.status != JobStatus.DONE:
            lanes.promises.setdefault(job.repair_order_id, block["promise"])
        if not _placed(block, members, bounds):
            lanes.to_plan.append(block)
            continue
        technician_id = block["technician_id"]
        if technician_id not in lanes.rows:
            lanes.rows[technician_id] = _new_row(members[technician_id], None)
        block["left"], block["width"] = timeline.span(block["start"], block["end"])
        lanes.rows[technician_id].blocks.append(block)
    for row in lanes.rows.values():
        row.blocks.sort(key=lambda b: (b["start"], b["job_id"]))


def _hours(timeline: Timeline) -> list[dict[str, Any]]:
    """The hours along the time line, labelled."""
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
    return hours


def _in_shift_order(rows: dict[int, Row]) -> list[Row]:
    """Technicians by the start of their shift, then by name; those without a shift last."""
    return sorted(
        rows.values(),
        key=lambda r: (r.shift is None, r.shift.starts_at if r.shift else dt.time(0), r.name),
    )


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
    lanes = _Lanes(rows=_shift_rows(shifts, members, absences, timeline, zone))
    _deal_jobs(lanes, jobs, members, local_bounds(workshop, day), timeline, now, waiting)
    promises, counts = lanes.promises, lanes.counts
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
        "hours": _hours(timeline),
        "rows": _in_shift_order(lanes.rows),
        "to_plan": lanes.to_plan,
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
