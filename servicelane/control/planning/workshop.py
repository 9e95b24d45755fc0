"""The workshop's day as the planner's model, and the plan read back.

``day_input`` hands the day's open jobs, technicians, bays and special tools to the
planner (``day.py``); ``plan_result`` stores its plan beside the earliest-due-date order
a foreman follows by hand, as a run keeps it.

Minute 0 of a plan is now (today) or the start of the day (a later day). A job lasts its
remaining flat-rate time; it needs the level, skills, bay equipment and special tools its
operations name; it cannot start before the parts it waits for arrive; it is due at the
order's promise (else its estimated completion); an express promise weighs 10, a body &
paint promise 5, other work 1. A running job stays where it runs; a paused job stays with
the technician who started it.
"""

import datetime as dt
import math
from collections.abc import Hashable
from typing import Any

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

from servicelane.appointments.choices import LaneKind
from servicelane.control.jobs.selectors import (
    job_needs,
    open_jobs,
    plan_of,
    promise_kind,
    remaining_minutes,
    running_entry,
)
from servicelane.control.planning import day as day_model
from servicelane.control.planning.day import Plan
from servicelane.control.roster import selectors as roster
from servicelane.core.dates import check_date
from servicelane.core.models import Workshop
from servicelane.tools.selectors import copies_held_by_jobs, usable_copies
from servicelane.workorders.choices import JobStatus
from servicelane.workorders.models import Job
from servicelane.workorders.part_lines.selectors import jobs_waiting_for_parts

WEIGHTS: dict[str | None, int] = {LaneKind.EXPRESS: 10, LaneKind.BODY_PAINT: 5}
# Why a job was kept out before the planner saw it (the planner's own codes are in Code).
PARTS_UNKNOWN = "parts_unknown"


def _minutes(moment: dt.datetime, origin: dt.datetime) -> int:
    return math.ceil((moment - origin).total_seconds() / 60)


def signature(job: Job) -> list[Any]:
    """What must not have changed for the proposal to still hold."""
    plan = plan_of(job)
    return [
        job.status,
        job.technician_id,
        plan.bay_id,
        plan.planned_start.isoformat() if plan.planned_start else None,
        plan.planned_end.isoformat() if plan.planned_end else None,
    ]


def day_input(workshop: Workshop, day: dt.date, now: dt.datetime | None = None) -> dict[str, Any]:
    """The day's open jobs, technicians, bays and tools as the planner's dataclasses, with
    what the app needs to read the answer back (names, times, the jobs as they were)."""
    now = (now or timezone.now()).replace(second=0, microsecond=0)
    zone = workshop.zone
    today = timezone.localdate(now, zone)
    check_date(day)
    if day < today:
        raise ValidationError({"date": [_("A day that is over cannot be planned.")]})
    day_start, _day_end = roster.local_bounds(workshop, day)
    origin = now if day == today else day_start

    members = roster.technicians_of(workshop)
    shifts = [s for s in roster.shifts_of(workshop, day) if s.technician_id in members]
    absences = roster.absences_of(workshop, day)
    jobs = list(open_jobs(workshop, day))
    waiting = jobs_waiting_for_parts([j.pk for j in jobs])

    windows: dict[int, list[tuple[int, int]]] = {}
    for shift in shifts:
        spans = roster.shift_windows(shift, zone, absences.get(shift.technician_id, []))
        windows[shift.technician_id] = [
            (max(0, _minutes(s, origin)), _minutes(e, origin)) for s, e in spans if e > origin
        ]
    bays = roster.active_bays(workshop)
    tools = usable_copies(workshop, day)
    # A job works with the copies checked out for it and needs none from the tools room.
    held = copies_held_by_jobs(workshop, day)

    planned_jobs: list[day_model.Job] = []
    kept_out: list[dict[str, Any]] = []
    info: dict[str, dict[str, Any]] = {}
    for job in jobs:
        ro = job.repair_order
        needs = job_needs(job)
        due_at = ro.promised_at or ro.estimated_completion_at
        kind = promise_kind(ro)
        entry = running_entry(job)
        info[str(job.pk)] = {
            "repair_order_id": ro.pk,
            "repair_order_number": ro.number,
            "position": job.position,
            "title": job.title,
            "plate": ro.vehicle.plate or ro.vehicle.vin,
            "due": timezone.localtime(due_at, zone).isoformat() if due_at else None,
            "promise": kind or "",
            "running": entry is not None,
            "signature": signature(job),
        }
        if job.pk in waiting and waiting[job.pk] is None and entry is None:
            kept_out.append({"job_id": job.pk, "reasons": [(PARTS_UNKNOWN, {})]})
            continue
        arrival = waiting.get(job.pk)
        release = max(0, _minutes(arrival, origin)) if arrival and entry is None else 0
        remaining = remaining_minutes(job, now)
        fixed = None
        if entry is None and job.status == JobStatus.PAUSED:
            started_by = [e.technician_id for e in job.clock_entries.all()]
            fixed = started_by[-1] if started_by else job.technician_id
        if entry is not None and entry.technician_id not in windows:
            # Clocked on outside their shift: still there, with no time to give.
            windows.setdefault(entry.technician_id, [])
        planned_jobs.append(
            day_model.Job(
                id=job.pk,
                duration=remaining,
                level=job.level or 1,
                skills=frozenset(needs["skills"]),
                equipment=frozenset(needs["equipment"]),
                tools=frozenset(needs["tools"]) - held.get(job.pk, set()),
                release=release,
                due=_minutes(due_at, origin) if due_at else None,
                weight=WEIGHTS.get(kind, 1) if ro.promised_at else 1,
                running_technician=entry.technician_id if entry else None,
                running_bay=plan_of(job).bay_id if entry else None,
                remaining=remaining if entry else None,
                fixed_technician=fixed,
            )
        )
    technicians = [
        day_model.Technician(
            id=user_id,
            level=members[user_id].level or 0,
            skills=frozenset(members[user_id].skills or []),
            shifts=tuple(spans),
        )
        for user_id, spans in windows.items()
        if user_id in members
    ]
    return {
        "origin": origin,
        "jobs": planned_jobs,
        "technicians": technicians,
        "bays": [day_model.Bay(id=b.pk, equipment=frozenset(b.equipment or [])) for b in bays],
        "tools": [day_model.Tool(id=number, copies=n) for number, n in sorted(tools.items())],
        "kept_out": kept_out,
        "info": info,
        "names": {
            "technicians": {str(k): str(m.user) for k, m in members.items()},
            "bays": {str(b.pk): b.code for b in bays},
        },
    }


def _metrics(result: Plan, origin: dt.datetime, zone: Any) -> dict[str, Any]:
    makespan_at = origin + dt.timedelta(minutes=result.makespan) if result.assignments else None
    return {
        "total_lateness": result.total_lateness,
        "weighted_lateness": result.weighted_lateness,
        "broken_promises": result.broken_promises,
        "makespan": result.makespan,
        "makespan_at": timezone.localtime(makespan_at, zone).isoformat() if makespan_at else None,
        "wall_s": round(result.wall_s, 3),
    }


def _late_jobs(result: Plan, jobs: dict[Hashable, day_model.Job]) -> set[int]:
    late: set[int] = set()
    for a in result.assignments:
        due = jobs[a.job_id].due
        # The workshop's jobs are known to the planner by their ids.
        if isinstance(a.job_id, int) and due is not None and a.end > due:
            late.add(a.job_id)
    return late


def plan_result(data: dict[str, Any], found: Plan, baseline: Plan, zone: Any) -> dict[str, Any]:
    origin = data["origin"]
    jobs = {j.id: j for j in data["jobs"]}

    def at(minute: int) -> str:
        return timezone.localtime(origin + dt.timedelta(minutes=minute), zone).isoformat()

    assignments = []
    for a in found.assignments:
        job = jobs[a.job_id]
        late = max(0, a.end - job.due) if job.due is not None else 0
        assignments.append(
            {
                "job_id": a.job_id,
                "technician_id": a.technician_id,
                "bay_id": a.bay_id,
                "start": at(a.start),
                "end": at(a.end),
                "running": job.running,
                "late_minutes": late,
            }
        )
    unplaced = [
        {"job_id": u.job_id, "reasons": [[str(code), params] for code, params in u.reasons]}
        for u in found.unplaced
    ] + [
        {"job_id": k["job_id"], "reasons": [[code, params] for code, params in k["reasons"]]}
        for k in data["kept_out"]
    ]
    late_by_plan = _late_jobs(found, jobs)
    late_by_hand = _late_jobs(baseline, jobs)
    placed_by_plan = {a.job_id for a in found.assignments}
    return {
        "origin": origin.astimezone(zone).isoformat(),
        "solver_status": found.status,
        "objective": found.objective,
        "best_bound": found.best_bound,
        "gap": found.gap,
        "metrics": _metrics(found, origin, zone),
        "baseline": _metrics(baseline, origin, zone),
        # Promises the manual order would break that the proposal keeps.
        "kept_over_baseline": sorted((late_by_hand - late_by_plan) & placed_by_plan),
        "late_jobs": sorted(late_by_plan),
        "baseline_late_jobs": sorted(late_by_hand),
        "assignments": assignments,
        "unplaced": unplaced,
        "jobs": data["info"],
        "names": data["names"],
        "tools": {str(t.id): t.copies for t in data["tools"]},
    }
