"""Planning the rest of a workshop day: the day's open jobs, technicians, bays and special
tools handed to the planner (``planner.plan``), its proposal stored as a ``PlanningRun``
beside what the earliest-due-date order a foreman follows by hand would give, and the
proposal applied on the foreman's word.

Minute 0 of a plan is now (today) or the start of the day (a later day). A job lasts its
remaining flat-rate time; it needs the level, skills, bay equipment and special tools its
operations name; it cannot start before the parts it waits for arrive; it is due at the
order's promise (else its estimated completion); an express promise weighs 10, a body &
paint promise 5, other work 1. A running job stays where it runs; a paused job stays with
the technician who started it.
"""

import datetime as dt
import logging
import math
from collections.abc import Hashable
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from servicelane.appointments.choices import LaneKind
from servicelane.control import planner, selectors
from servicelane.control.choices import Equipment, PlanningStatus, Skill
from servicelane.control.greedy import greedy_edd
from servicelane.control.models import Bay, JobPlan, PlanningRun
from servicelane.core.audit import audit_record
from servicelane.core.choices import QualificationLevel
from servicelane.core.dates import check_date
from servicelane.core.models import User, Workshop
from servicelane.core.permissions import Perm
from servicelane.core.tenancy import access_for
from servicelane.tools.choices import ToolState
from servicelane.tools.models import SpecialTool
from servicelane.workorders.choices import JobStatus
from servicelane.workorders.models import Job
from servicelane.workorders.part_lines.selectors import jobs_waiting_for_parts
from servicelane.workorders.work import services as workorders

WEIGHTS = {LaneKind.EXPRESS: 10, LaneKind.BODY_PAINT: 5}
DEFAULT_TIME_LIMIT_S = 5
MAX_TIME_LIMIT_S = 60
# A proposal older than this was made for a day that has moved on.
PROPOSAL_VALID_MINUTES = 30
# Why a job was kept out before the planner saw it (the planner's own codes are in Code).
PARTS_UNKNOWN = "parts_unknown"

logger = logging.getLogger(__name__)


def sync_max_jobs() -> int:
    """Days with more open jobs than this are planned by the background worker."""
    return int(getattr(settings, "PLANNING_SYNC_MAX_JOBS", 60))


# ---------------------------------------------------------------- the day as the planner sees it


def _minutes(moment: dt.datetime, origin: dt.datetime) -> int:
    return math.ceil((moment - origin).total_seconds() / 60)


def _signature(job: Job) -> list[Any]:
    """What must not have changed for the proposal to still hold."""
    plan = selectors.plan_of(job)
    return [
        job.status,
        job.technician_id,
        plan.bay_id,
        plan.planned_start.isoformat() if plan.planned_start else None,
        plan.planned_end.isoformat() if plan.planned_end else None,
    ]


def usable_tool_copies(workshop: Workshop, day: dt.date) -> dict[str, int]:
    """Copies of each special tool (by number) the plan can hand out: in their place and
    calibrated for the day. A checked-out copy (for a job or none, overdue or not) is not
    free until it is back; defective ones and those at calibration are not either."""
    copies: dict[str, int] = {}
    for number, calibration_due in SpecialTool.objects.filter(
        workshop=workshop, state=ToolState.IN_PLACE
    ).values_list("number", "calibration_due"):
        if calibration_due is not None and calibration_due < day:
            continue
        copies[number] = copies.get(number, 0) + 1
    return copies


def tools_held_by_jobs(workshop: Workshop, day: dt.date) -> dict[int, set[str]]:
    """Per job: the tool numbers of copies checked out for it (calibrated for the day).
    The job works with its own copy and needs none from the tools room."""
    held: dict[int, set[str]] = {}
    for job_id, number, calibration_due in SpecialTool.objects.filter(
        workshop=workshop, state=ToolState.CHECKED_OUT, job_id__isnull=False
    ).values_list("job_id", "number", "calibration_due"):
        if calibration_due is not None and calibration_due < day:
            continue
        held.setdefault(job_id, set()).add(number)
    return held


def day_input(workshop: Workshop, day: dt.date, now: dt.datetime | None = None) -> dict[str, Any]:
    """The day's open jobs, technicians, bays and tools as the planner's dataclasses, with
    what the app needs to read the answer back (names, times, the jobs as they were)."""
    now = (now or timezone.now()).replace(second=0, microsecond=0)
    zone = workshop.zone
    today = timezone.localdate(now, zone)
    check_date(day)
    if day < today:
        raise ValidationError({"date": [_("A day that is over cannot be planned.")]})
    day_start, _day_end = selectors.local_bounds(workshop, day)
    origin = now if day == today else day_start

    members = selectors.technicians_of(workshop)
    shifts = [s for s in selectors.shifts_of(workshop, day) if s.technician_id in members]
    absences = selectors.absences_of(workshop, day)
    jobs = list(selectors.open_jobs(workshop, day))
    waiting = jobs_waiting_for_parts([j.pk for j in jobs])

    windows: dict[int, list[tuple[int, int]]] = {}
    for shift in shifts:
        spans = selectors.shift_windows(shift, zone, absences.get(shift.technician_id, []))
        windows[shift.technician_id] = [
            (max(0, _minutes(s, origin)), _minutes(e, origin)) for s, e in spans if e > origin
        ]
    bays = selectors.active_bays(workshop)
    tools = usable_tool_copies(workshop, day)
    held = tools_held_by_jobs(workshop, day)

    planned_jobs: list[planner.Job] = []
    kept_out: list[dict[str, Any]] = []
    info: dict[str, dict[str, Any]] = {}
    for job in jobs:
        ro = job.repair_order
        needs = selectors.job_needs(job)
        due_at = ro.promised_at or ro.estimated_completion_at
        kind = selectors.promise_kind(ro)
        entry = selectors.running_entry(job)
        info[str(job.pk)] = {
            "repair_order_id": ro.pk,
            "repair_order_number": ro.number,
            "position": job.position,
            "title": job.title,
            "plate": ro.vehicle.plate or ro.vehicle.vin,
            "due": timezone.localtime(due_at, zone).isoformat() if due_at else None,
            "promise": kind or "",
            "running": entry is not None,
            "signature": _signature(job),
        }
        if job.pk in waiting and waiting[job.pk] is None and entry is None:
            kept_out.append({"job_id": job.pk, "reasons": [(PARTS_UNKNOWN, {})]})
            continue
        arrival = waiting.get(job.pk)
        release = max(0, _minutes(arrival, origin)) if arrival and entry is None else 0
        remaining = selectors.remaining_minutes(job, now)
        fixed = None
        if entry is None and job.status == JobStatus.PAUSED:
            started_by = [e.technician_id for e in job.clock_entries.all()]
            fixed = started_by[-1] if started_by else job.technician_id
        if entry is not None and entry.technician_id not in windows:
            # Clocked on outside their shift: still there, with no time to give.
            windows.setdefault(entry.technician_id, [])
        planned_jobs.append(
            planner.Job(
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
                running_bay=selectors.plan_of(job).bay_id if entry else None,
                remaining=remaining if entry else None,
                fixed_technician=fixed,
            )
        )
    technicians = [
        planner.Technician(
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
        "bays": [planner.Bay(id=b.pk, equipment=frozenset(b.equipment or [])) for b in bays],
        "tools": [planner.Tool(id=number, copies=n) for number, n in sorted(tools.items())],
        "kept_out": kept_out,
        "info": info,
        "names": {
            "technicians": {str(k): str(m.user) for k, m in members.items()},
            "bays": {str(b.pk): b.code for b in bays},
        },
    }


# ---------------------------------------------------------------- reading the answer


def _metrics(result: planner.Plan, origin: dt.datetime, zone: Any) -> dict[str, Any]:
    makespan_at = origin + dt.timedelta(minutes=result.makespan) if result.assignments else None
    return {
        "total_lateness": result.total_lateness,
        "weighted_lateness": result.weighted_lateness,
        "broken_promises": result.broken_promises,
        "makespan": result.makespan,
        "makespan_at": timezone.localtime(makespan_at, zone).isoformat() if makespan_at else None,
        "wall_s": round(result.wall_s, 3),
    }


def _late_jobs(result: planner.Plan, jobs: dict[Hashable, planner.Job]) -> set[int]:
    return {
        a.job_id
        for a in result.assignments
        if jobs[a.job_id].due is not None and a.end > jobs[a.job_id].due
    }


def _result(
    data: dict[str, Any], found: planner.Plan, baseline: planner.Plan, zone: Any
) -> dict[str, Any]:
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


# ---------------------------------------------------------------- reasons in words


def _list(values: list[str]) -> str:
    return ", ".join(values)


def _hm(minutes: int) -> str:
    hours, rest = divmod(int(minutes), 60)
    if hours:
        return _("%(h)s h %(m)s min") % {"h": hours, "m": rest}
    return _("%(m)s min") % {"m": rest}


def reason_text(code: str, params: dict[str, Any], result: dict[str, Any]) -> str:
    """Why a job was not placed, as a sentence in the active language."""
    skills = dict(Skill.choices)
    equipment = dict(Equipment.choices)
    names = result.get("names", {})
    p = dict(params or {})

    def level() -> str:
        try:
            return str(QualificationLevel(int(p.get("level"))).label)
        except (TypeError, ValueError):
            return str(p.get("level"))

    def skill_list() -> str:
        return _list([str(skills.get(s, s)) for s in p.get("skills", [])])

    def minute_time(key: str) -> str:
        # The origin carries the workshop's offset: the time reads as on the workshop clock.
        origin = dt.datetime.fromisoformat(result["origin"])
        return (origin + dt.timedelta(minutes=int(p.get(key, 0)))).strftime("%H:%M")

    match code:
        case planner.Code.NO_LEVEL:
            return _("No technician on shift has the level “%(level)s” or above.") % {
                "level": level()
            }
        case planner.Code.NO_SKILLS:
            return _("No technician on shift has these skills: %(skills)s.") % {
                "skills": skill_list()
            }
        case planner.Code.NO_LEVEL_WITH_SKILLS:
            return _(
                "No technician on shift of level “%(level)s” or above has these skills: %(skills)s."
            ) % {"level": level(), "skills": skill_list()}
        case planner.Code.NO_EQUIPMENT:
            return _("No bay has the equipment it needs: %(equipment)s.") % {
                "equipment": _list([str(equipment.get(e, e)) for e in p.get("equipment", [])])
            }
        case planner.Code.NO_TOOL:
            return _("The tools room has no usable copy of the special tool %(tools)s.") % {
                "tools": _list([str(t) for t in p.get("tools", [])])
            }
        case planner.Code.NO_SHIFT:
            return _("No qualified technician works for the rest of the day.")
        case planner.Code.TOO_LONG:
            return _(
                "It takes %(duration)s, longer than any working stretch of a qualified "
                "technician (the longest is %(longest)s)."
            ) % {"duration": _hm(p.get("duration", 0)), "longest": _hm(p.get("longest", 0))}
        case planner.Code.RELEASE_TOO_LATE:
            return _(
                "Its parts arrive at %(release)s, after the last start a qualified "
                "technician's hours allow (%(latest)s)."
            ) % {"release": minute_time("release"), "latest": minute_time("latest_start")}
        case planner.Code.UNKNOWN_TECHNICIAN:
            technician = names.get("technicians", {}).get(str(p.get("technician")), "")
            return _("%(technician)s, who works on it, is not on shift.") % {
                "technician": technician or _("The technician")
            }
        case planner.Code.UNKNOWN_BAY:
            bay = names.get("bays", {}).get(str(p.get("bay")), "")
            return _("The bay it is in (%(bay)s) is not in use.") % {"bay": bay or "?"}
        case planner.Code.FIXED_UNQUALIFIED:
            technician = names.get("technicians", {}).get(str(p.get("technician")), "")
            return _(
                "It stays with %(technician)s, who started it, but lacks the level or skills "
                "it needs."
            ) % {"technician": technician}
        case planner.Code.NO_CAPACITY:
            return _(
                "No room left: the qualified technicians, bays or tools are booked until the "
                "end of their shifts."
            )
        case _code if _code == PARTS_UNKNOWN:
            return _("It waits for parts that have no arrival date yet.")
    return str(code)


# ---------------------------------------------------------------- runs


def _check_limit(time_limit_s: Any) -> Decimal:
    try:
        value = Decimal(str(time_limit_s))
    except (ArithmeticError, ValueError):
        value = Decimal(-1)
    if not value.is_finite() or not (Decimal("0.1") <= value <= MAX_TIME_LIMIT_S):
        raise ValidationError(
            {
                "time_limit_s": [
                    _("The time limit is between 0.1 and %(max)s seconds.")
                    % {"max": MAX_TIME_LIMIT_S}
                ]
            }
        )
    return value.quantize(Decimal("0.1"))


def planning_run_request(
    *,
    actor: User,
    workshop: Workshop,
    day: dt.date,
    time_limit_s: Any = DEFAULT_TIME_LIMIT_S,
) -> PlanningRun:
    """Plan the rest of ``day``: at once for an ordinary day, by the background worker
    when the day has more open jobs than ``sync_max_jobs()``. The run is returned either
    way; its status says whether the proposal is ready."""
    access_for(actor).require(Perm.PLAN, workshop.pk)
    limit = _check_limit(time_limit_s)
    check_date(day)
    if day < timezone.localdate(timezone.now(), workshop.zone):
        raise ValidationError({"date": [_("A day that is over cannot be planned.")]})
    # Everything is checked and read before the run exists: a refusal leaves no run.
    at_once = selectors.open_jobs(workshop, day).count() <= sync_max_jobs()
    run = PlanningRun.objects.create(
        workshop=workshop, date=day, time_limit_s=limit, requested_by=actor
    )
    if at_once:
        return planning_run_execute(run_id=run.pk)
    from servicelane.control.tasks import run_planning

    transaction.on_commit(lambda: run_planning.enqueue(run.pk))
    return run


def planning_run_execute(*, run_id: int) -> PlanningRun:
    """Solve the run's day now and store the proposal (the worker calls this too)."""
    run = PlanningRun.objects.select_related("workshop", "requested_by").get(pk=run_id)
    if run.status not in (PlanningStatus.QUEUED, PlanningStatus.FAILED):
        return run
    run.status = PlanningStatus.RUNNING
    run.save(update_fields=["status"])
    workshop = run.workshop
    language = run.requested_by.language if run.requested_by else workshop.default_language
    try:
        data = day_input(workshop, run.date)
        arguments = (data["jobs"], data["technicians"], data["bays"], data["tools"])
        found = planner.plan(*arguments, time_limit_s=float(run.time_limit_s))
        baseline = greedy_edd(*arguments)
        result = _result(data, found, baseline, workshop.zone)
        # The reasons in the words of whoever asked, as they were when the run was made.
        with translation.override(language), timezone.override(workshop.zone):
            for item in result["unplaced"]:
                item["text"] = [
                    reason_text(code, params, result) for code, params in item["reasons"]
                ]
    except ValidationError as exc:
        run.status = PlanningStatus.FAILED
        run.result = {"error": " ".join(exc.messages)}
    except Exception:  # the foreman gets a failed run to retry, never a broken page
        logger.exception("planning run %s failed", run.pk)
        run.status = PlanningStatus.FAILED
        with translation.override(language):
            run.result = {"error": _("The planner stopped with an error; try again.")}
    else:
        run.status = PlanningStatus.DONE
        run.result = result
    run.finished_at = timezone.now()
    # A run discarded while the solver worked stays discarded.
    stored = PlanningRun.objects.filter(pk=run.pk, status=PlanningStatus.RUNNING).update(
        status=run.status, result=run.result, finished_at=run.finished_at
    )
    if not stored:
        run.refresh_from_db()
    return run


def _refuse_if_not_open(run: PlanningRun) -> None:
    if run.status == PlanningStatus.APPLIED:
        raise ValidationError(_("This proposal has been applied already."))
    if run.status == PlanningStatus.DISCARDED:
        raise ValidationError(_("This proposal was discarded."))
    if run.status != PlanningStatus.DONE:
        raise ValidationError(_("This proposal is not ready."))


@transaction.atomic
def planning_run_apply(*, actor: User, run: PlanningRun) -> PlanningRun:
    """Write the proposal to the jobs: technician, bay, planned start and end; jobs it could
    not place lose their planned times. Refused when any job of the day changed since the
    run (clocked, assigned or moved by hand, done) or the proposal is too old: plan again."""
    run = PlanningRun.objects.select_for_update().select_related("workshop").get(pk=run.pk)
    access_for(actor).require(Perm.PLAN, run.workshop_id)
    _refuse_if_not_open(run)
    made = run.finished_at or run.created_at
    if timezone.now() - made > dt.timedelta(minutes=PROPOSAL_VALID_MINUTES):
        raise ValidationError(
            _("This proposal is more than %(minutes)s minutes old; plan again.")
            % {"minutes": PROPOSAL_VALID_MINUTES}
        )
    result = run.result
    known = {int(k): v for k, v in result.get("jobs", {}).items()}
    current = {
        job.pk: job
        for job in Job.objects.select_for_update(of=("self",))
        .select_related("repair_order", "plan")
        .filter(pk__in=known, repair_order__workshop_id=run.workshop_id)
    }
    still_open = {j.pk for j in selectors.open_jobs(run.workshop, run.date).filter(pk__in=known)}
    changed = [
        job_id
        for job_id, info in known.items()
        if job_id not in current
        or job_id not in still_open
        or _signature(current[job_id]) != info["signature"]
    ]
    newcomers = selectors.open_jobs(run.workshop, run.date).exclude(pk__in=known).count()
    if changed or newcomers:
        if changed:
            info = known[changed[0]]
            detail = _("job %(job)s of %(ro)s changed since the proposal was made") % {
                "job": info["position"],
                "ro": info["repair_order_number"],
            }
        else:
            detail = ngettext(
                "%(count)s job was added since the proposal was made",
                "%(count)s jobs were added since the proposal was made",
                newcomers,
            ) % {"count": newcomers}
        raise ValidationError(
            _("The proposal is out of date (%(detail)s). Plan again.") % {"detail": detail}
        )

    bays = {b.pk: b for b in Bay.objects.filter(workshop_id=run.workshop_id)}
    technicians = {
        u.pk: u
        for u in User.objects.filter(pk__in={a["technician_id"] for a in result["assignments"]})
    }
    changes: dict[str, Any] = {}
    for a in result["assignments"]:
        if a["running"]:
            continue
        job = current[a["job_id"]]
        if job.technician_id != a["technician_id"]:
            workorders.job_assign(actor=actor, job=job, technician=technicians[a["technician_id"]])
        start, end = dt.datetime.fromisoformat(a["start"]), dt.datetime.fromisoformat(a["end"])
        before = _signature(job)
        # The technician is the job's (written by job_assign above); the rest, the plan's.
        job.technician_id = a["technician_id"]
        job.plan, _made = JobPlan.objects.update_or_create(
            job=job,
            defaults={"bay": bays.get(a["bay_id"]), "planned_start": start, "planned_end": end},
        )
        changes[str(job.pk)] = [before, _signature(job)]
    for item in result["unplaced"]:
        job = current.get(item["job_id"])
        if job is None or selectors.plan_of(job).planned_start is None:
            continue
        if selectors.running_entry(job):
            continue
        before = _signature(job)
        JobPlan.objects.filter(job=job).update(planned_start=None, planned_end=None)
        job.plan.planned_start = job.plan.planned_end = None
        changes[str(job.pk)] = [before, _signature(job)]
    run.status = PlanningStatus.APPLIED
    run.applied_at = timezone.now()
    run.save(update_fields=["status", "applied_at"])
    audit_record(
        actor=actor,
        action="plan_applied",
        target=run,
        workshop_id=run.workshop_id,
        changes={"jobs": changes},
    )
    return run


@transaction.atomic
def planning_run_discard(*, actor: User, run: PlanningRun) -> PlanningRun:
    """The foreman keeps the current plan: the proposal is discarded (who, when) and can no
    longer be applied. Discarding it again changes nothing; an applied one stays applied."""
    run = PlanningRun.objects.select_for_update().get(pk=run.pk)
    access_for(actor).require(Perm.PLAN, run.workshop_id)
    if run.status == PlanningStatus.APPLIED:
        raise ValidationError(_("This proposal has been applied already."))
    if run.status == PlanningStatus.DISCARDED:
        return run
    run.status = PlanningStatus.DISCARDED
    run.discarded_at, run.discarded_by = timezone.now(), actor
    run.save(update_fields=["status", "discarded_at", "discarded_by"])
    return run


def run_is_open(run: PlanningRun) -> bool:
    """Whether the proposal can still be applied or discarded."""
    return run.status == PlanningStatus.DONE
