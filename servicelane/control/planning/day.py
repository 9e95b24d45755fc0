"""The workshop day as the planner sees it: which technician does which job, in which bay,
and when.

Pure Python over dataclasses (no Django, no database): the control app maps its
technicians, bays, special tools and open jobs onto ``Technician``, ``Bay``, ``Tool``
and ``Job`` and reads back a ``Plan``; the CP-SAT planner (``solver.py``) and the greedy
dispatcher (``greedy.py``) both plan a day checked and indexed here (``prepare``, ``Day``)
and fill in its figures the same way (``finish``). Times are whole minutes from the start
of the planning horizon (minute 0 is now).

Rules every plan keeps (``violations`` checks them):
- a job runs once, without interruption, on one technician of at least its level who
  has all its skills (the foreman's ``fixed_technician`` when given), inside one of that
  technician's working windows (shift less breaks and absences), and in one bay whose
  equipment includes what the job needs;
- no technician and no bay does two things at once;
- a job holds one copy of each special tool it needs for its whole duration, and no
  more copies of a tool are out at a time than exist;
- no job starts before its release (parts arrival);
- a running job is a fact: it stays on its technician (and bay) from minute 0 for its
  remaining minutes. Running jobs are not checked against each other.

Before solving, each job is checked on its own (``explain``): no technician of its
level, none with its skills, no bay with its equipment, a special tool with no copy,
longer than any working window of a qualified technician, released after the last start
those windows allow. Such a job stays out of the model and is reported in
``Plan.unplaced`` with reason codes (``Code``) and their parameters; ``describe`` turns
a reason into an English sentence, the app translates by code.
"""

from collections import defaultdict
from collections.abc import Callable, Hashable, Iterable, Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any, NamedTuple

# ---------------------------------------------------------------------------- input


@dataclass(frozen=True)
class Technician:
    id: Hashable
    level: int  # 1 induction … 4 senior technician
    skills: frozenset[str] = frozenset()
    # Available windows [start, end) in minutes: the shift less breaks and absences.
    shifts: Sequence[tuple[int, int]] = ()


@dataclass(frozen=True)
class Bay:
    id: Hashable
    equipment: frozenset[str] = frozenset()


@dataclass(frozen=True)
class Tool:
    id: Hashable
    copies: int = 1


@dataclass(frozen=True)
class Job:
    id: Hashable
    duration: int
    level: int = 1
    skills: frozenset[str] = frozenset()
    equipment: frozenset[str] = frozenset()
    tools: frozenset[Hashable] = frozenset()
    release: int = 0  # earliest start (parts arrival); 0 = now
    due: int | None = None  # promised completion
    weight: int = 1  # 10 express promise, 5 body/paint, 1 normal
    # Running now: pinned to this technician (and bay) from minute 0 for ``remaining``
    # minutes (``duration`` when None).
    running_technician: Hashable | None = None
    running_bay: Hashable | None = None
    remaining: int | None = None
    fixed_technician: Hashable | None = None  # the foreman's assignment, kept

    @property
    def running(self) -> bool:
        return self.running_technician is not None


# --------------------------------------------------------------------------- output


class Code(StrEnum):
    """Why a job cannot be placed; the parameters each carries are noted."""

    NO_LEVEL = "no_level"  # level
    NO_SKILLS = "no_skills"  # skills
    NO_LEVEL_WITH_SKILLS = "no_level_with_skills"  # level, skills
    NO_EQUIPMENT = "no_equipment"  # equipment
    NO_TOOL = "no_tool"  # tools
    NO_SHIFT = "no_shift"  # (none)
    TOO_LONG = "too_long"  # duration, longest
    RELEASE_TOO_LATE = "release_too_late"  # release, latest_start
    UNKNOWN_TECHNICIAN = "unknown_technician"  # technician
    UNKNOWN_BAY = "unknown_bay"  # bay
    FIXED_UNQUALIFIED = "fixed_unqualified"  # technician, level, skills
    NO_CAPACITY = "no_capacity"  # (none)


class Reason(NamedTuple):
    """A code and its parameters; equal to the plain tuple ``("no_level", {"level": 3})``."""

    code: Code
    params: dict[str, Any]


@dataclass(frozen=True)
class Assignment:
    job_id: Hashable
    technician_id: Hashable
    bay_id: Hashable | None  # None only for a running job reported without a bay
    start: int
    end: int


@dataclass(frozen=True)
class Unplaceable:
    job_id: Hashable
    reasons: list[Reason]


@dataclass(frozen=True)
class Phase:
    """One solve. Objective and bound in the solver's units: for "promises" the weighted
    lateness times (1 + weight of the unpromised jobs) plus the weight of unpromised jobs
    left out; for "finish" the sum of end times times (1 + the most a technician can be
    booked) plus the spread of the load."""

    name: str  # "promises" or "finish"
    status: str  # CP-SAT's, lower case: optimal, feasible, infeasible, unknown
    objective: int | None
    best_bound: int | None
    wall_s: float


@dataclass
class Plan:
    assignments: list[Assignment]
    unplaced: list[Unplaceable]
    status: str  # optimal, feasible, infeasible, unknown; "heuristic" for the greedy plan
    # Weighted lateness as the planner counts it: placed jobs, and a promised job left out
    # for lack of room as if done right after the horizon. The planner's proven lower
    # bound of it and the relative gap (objective - bound) / max(1, objective); None for
    # the greedy plan.
    objective: int = 0
    best_bound: int | None = None
    gap: float | None = None
    total_lateness: int = 0  # minutes past the promise, summed over placed jobs
    weighted_lateness: int = 0
    # Placed jobs ending after their due time, and jobs not placed due by the horizon.
    broken_promises: int = 0
    makespan: int = 0  # end of the last placed job
    wall_s: float = 0.0
    phases: list[Phase] = field(default_factory=list)
    # True when the day was too big for every (job, technician) pair and jobs chose
    # among a share of their technicians (see MAX_CHOICES): the plan is then not
    # called optimal, and its bound is the floor every promise sets on its own.
    narrowed: bool = False


def describe(reason: Reason | tuple[str, dict[str, Any]]) -> str:
    """The reason as an English sentence (the app translates by code instead)."""
    code, params = reason
    p = dict(params)
    known = Code(code)  # a plain tuple's code is a str
    # One sentence per code, grouped by what is missing: the people, the place and
    # tools, or the time.
    match known:
        case (
            Code.NO_LEVEL
            | Code.NO_SKILLS
            | Code.NO_LEVEL_WITH_SKILLS
            | Code.UNKNOWN_TECHNICIAN
            | Code.FIXED_UNQUALIFIED
        ):
            return _describe_technicians(known, p)
        case Code.NO_EQUIPMENT | Code.NO_TOOL | Code.UNKNOWN_BAY:
            return _describe_bays_and_tools(known, p)
        case Code.NO_SHIFT | Code.TOO_LONG | Code.RELEASE_TOO_LATE | Code.NO_CAPACITY:
            return _describe_time(known, p)
    raise AssertionError(known)  # pragma: no cover


def _describe_technicians(code: Code, p: dict[str, Any]) -> str:
    match code:
        case Code.NO_LEVEL:
            return f"No technician has level {p['level']} or above."
        case Code.NO_SKILLS:
            return f"No technician has {_skills(p['skills'])}."
        case Code.NO_LEVEL_WITH_SKILLS:
            return f"No technician of level {p['level']} or above has {_skills(p['skills'])}."
        case Code.UNKNOWN_TECHNICIAN:
            return f"Technician {p['technician']} is not among the technicians planned."
        case Code.FIXED_UNQUALIFIED:
            return (
                f"It is assigned to technician {p['technician']}, who lacks level "
                f"{p['level']}{' or ' + _skills(p['skills']) if p['skills'] else ''}."
            )
    raise AssertionError(code)  # pragma: no cover


def _describe_bays_and_tools(code: Code, p: dict[str, Any]) -> str:
    match code:
        case Code.NO_EQUIPMENT:
            return f"No bay has the equipment it needs: {_listed(p['equipment'])}."
        case Code.NO_TOOL:
            return f"No copy of the special tool(s) {_listed(p['tools'])} is in the tools room."
        case Code.UNKNOWN_BAY:
            return f"Bay {p['bay']} is not among the bays planned."
    raise AssertionError(code)  # pragma: no cover


def _describe_time(code: Code, p: dict[str, Any]) -> str:
    match code:
        case Code.NO_SHIFT:
            return "No qualified technician works before the end of the plan."
        case Code.TOO_LONG:
            return (
                f"It takes {p['duration']} min, longer than any working window of a "
                f"qualified technician (the longest is {p['longest']} min)."
            )
        case Code.RELEASE_TOO_LATE:
            return (
                f"It can start at minute {p['release']} at the earliest (parts arrival), "
                f"after the last start a qualified technician's hours allow "
                f"(minute {p['latest_start']})."
            )
        case Code.NO_CAPACITY:
            return (
                "It did not fit: the qualified technicians, bays or tools are booked until "
                "the end of the plan."
            )
    raise AssertionError(code)  # pragma: no cover


def _listed(items: Iterable[Any]) -> str:
    return ", ".join(str(item) for item in items)


def _skills(skills: Sequence[str]) -> str:
    return f"the skill{'s' if len(skills) > 1 else ''} {_listed(skills)}"


# ------------------------------------------------------------------- shared checks

Window = tuple[int, int]


def windows(technician: Technician, horizon: int | None = None) -> list[Window]:
    """The technician's windows sorted, touching or overlapping ones merged, clipped to
    [0, horizon)."""
    merged: list[list[int]] = []
    for start, end in sorted(technician.shifts):
        start = max(0, start)
        if horizon is not None:
            end = min(end, horizon)
        if start >= end:
            continue
        if merged and start <= merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], end)
        else:
            merged.append([start, end])
    return [(start, end) for start, end in merged]


def qualified(job: Job, technician: Technician) -> bool:
    return technician.level >= job.level and frozenset(job.skills) <= frozenset(technician.skills)


def fits(job: Job, window: Window) -> bool:
    return max(window[0], job.release) + job.duration <= window[1]


def default_horizon(jobs: Sequence[Job], technicians: Sequence[Technician]) -> int:
    ends = [end for t in technicians for _, end in windows(t)]
    ends += [minutes_left(j) for j in jobs if j.running]
    return max(ends, default=0)


def due_after(job: Job, horizon: int) -> bool:
    """No due time, or one that even a job left out of the day would not pass."""
    return job.due is None or horizon + job.duration <= job.due


def minutes_left(job: Job) -> int:
    return max(0, job.duration if job.remaining is None else job.remaining)


def explain(
    job: Job,
    technicians: Sequence[Technician],
    bays: Sequence[Bay],
    tools: Sequence[Tool],
    horizon: int | None = None,
) -> list[Reason]:
    """Why ``job`` cannot be placed whatever the other jobs do; [] when it can."""
    if horizon is None:
        horizon = default_horizon([job], technicians)
    by_id = {t.id: t for t in technicians}
    if job.running:
        # A running job is a fact: only the technician and bay it names are checked.
        return _running_reasons(job, by_id, bays)
    if job.duration < 0:
        raise ValueError(f"job {job.id}: negative duration {job.duration}")
    if job.fixed_technician is not None:
        candidates, reasons = _fixed_technician(job, by_id)
    else:
        candidates, reasons = _qualified_technicians(job, technicians)
    reasons += _bay_and_tool_reasons(job, bays, tools)
    if candidates:
        reasons += _time_reasons(job, candidates, horizon)
    return reasons


def _running_reasons(
    job: Job, by_id: dict[Hashable, Technician], bays: Sequence[Bay]
) -> list[Reason]:
    reasons = []
    if job.running_technician not in by_id:
        reasons.append(Reason(Code.UNKNOWN_TECHNICIAN, {"technician": job.running_technician}))
    if job.running_bay is not None and job.running_bay not in {b.id for b in bays}:
        reasons.append(Reason(Code.UNKNOWN_BAY, {"bay": job.running_bay}))
    return reasons


def _fixed_technician(
    job: Job, by_id: dict[Hashable, Technician]
) -> tuple[list[Technician], list[Reason]]:
    """The foreman's technician as the only candidate, or why there is none."""
    fixed = by_id.get(job.fixed_technician)
    if fixed is None:
        return [], [Reason(Code.UNKNOWN_TECHNICIAN, {"technician": job.fixed_technician})]
    if not qualified(job, fixed):
        missing = sorted(frozenset(job.skills) - frozenset(fixed.skills))
        params = {"technician": fixed.id, "level": job.level, "skills": missing}
        return [], [Reason(Code.FIXED_UNQUALIFIED, params)]
    return [fixed], []


def _qualified_technicians(
    job: Job, technicians: Sequence[Technician]
) -> tuple[list[Technician], list[Reason]]:
    """The technicians of the job's level with its skills, or what nobody has: the
    level, the skills, or (when both exist, on different people) the two together."""
    candidates = [t for t in technicians if qualified(job, t)]
    if candidates:
        return candidates, []
    reasons = []
    skills = sorted(job.skills)
    has_level = any(t.level >= job.level for t in technicians)
    has_skills = any(frozenset(job.skills) <= frozenset(t.skills) for t in technicians)
    if not has_level:
        reasons.append(Reason(Code.NO_LEVEL, {"level": job.level}))
    if not has_skills:
        reasons.append(Reason(Code.NO_SKILLS, {"skills": skills}))
    if has_level and has_skills:
        reasons.append(Reason(Code.NO_LEVEL_WITH_SKILLS, {"level": job.level, "skills": skills}))
    return [], reasons


def _bay_and_tool_reasons(job: Job, bays: Sequence[Bay], tools: Sequence[Tool]) -> list[Reason]:
    reasons = []
    if not any(frozenset(job.equipment) <= frozenset(b.equipment) for b in bays):
        reasons.append(Reason(Code.NO_EQUIPMENT, {"equipment": sorted(job.equipment)}))
    copies = {tool.id: tool.copies for tool in tools}
    missing_tools = sorted((t for t in job.tools if copies.get(t, 0) < 1), key=str)
    if missing_tools:
        reasons.append(Reason(Code.NO_TOOL, {"tools": missing_tools}))
    return reasons


def _time_reasons(job: Job, candidates: list[Technician], horizon: int) -> list[Reason]:
    """Why no working window of the candidates can hold the job: there is none, none is
    long enough, or the job is released after the last start the windows allow."""
    spans = [w for t in candidates for w in windows(t, horizon)]
    long_enough = [w for w in spans if w[1] - w[0] >= job.duration]
    if not spans:
        return [Reason(Code.NO_SHIFT, {})]
    if not long_enough:
        longest = max(end - start for start, end in spans)
        return [Reason(Code.TOO_LONG, {"duration": job.duration, "longest": longest})]
    if not any(fits(job, w) for w in long_enough):
        latest = max(end - job.duration for _, end in long_enough)
        return [Reason(Code.RELEASE_TOO_LATE, {"release": job.release, "latest_start": latest})]
    return []


@dataclass
class Day:
    """The input checked and indexed, shared by the planner, the greedy plan and the
    validator."""

    jobs: list[Job]
    technicians: list[Technician]
    bays: list[Bay]
    tools: dict[Hashable, int]  # tool id → copies
    horizon: int
    windows: dict[Hashable, list[Window]]  # technician id → merged windows
    running: list[Job]  # placeable running jobs
    open: list[Job]  # placeable jobs to schedule
    unplaced: list[Unplaceable]
    techs_for: dict[Hashable, list[Technician]]  # open job id → eligible technicians
    bays_for: dict[Hashable, list[Bay]]  # open job id → eligible bays


def prepare(
    jobs: Sequence[Job],
    technicians: Sequence[Technician],
    bays: Sequence[Bay],
    tools: Sequence[Tool],
    horizon: int | None = None,
) -> Day:
    ids = [j.id for j in jobs]
    if len(set(ids)) != len(ids):
        raise ValueError("job ids are not unique")
    if horizon is None:
        horizon = default_horizon(jobs, technicians)
    day = Day(
        jobs=list(jobs),
        technicians=list(technicians),
        bays=list(bays),
        tools={tool.id: tool.copies for tool in tools},
        horizon=horizon,
        windows={t.id: windows(t, horizon) for t in technicians},
        running=[],
        open=[],
        unplaced=[],
        techs_for={},
        bays_for={},
    )
    for job in jobs:
        reasons = explain(job, technicians, bays, tools, horizon)
        if reasons:
            day.unplaced.append(Unplaceable(job.id, reasons))
        elif job.running:
            day.running.append(job)
        else:
            candidates = [
                t
                for t in technicians
                if (job.fixed_technician is None or t.id == job.fixed_technician)
                and qualified(job, t)
                and any(fits(job, w) for w in day.windows[t.id])
            ]
            day.techs_for[job.id] = candidates
            day.bays_for[job.id] = [
                b for b in bays if frozenset(job.equipment) <= frozenset(b.equipment)
            ]
            day.open.append(job)
    return day


def running_assignment(job: Job) -> Assignment:
    return Assignment(job.id, job.running_technician, job.running_bay, 0, minutes_left(job))


def finish(plan: Plan, day: Day) -> Plan:
    """Fill the plan's figures from its assignments and what it left out; sort the
    assignments by start."""
    by_id = {j.id: j for j in day.jobs}
    plan.total_lateness = plan.weighted_lateness = plan.broken_promises = 0
    for a in plan.assignments:
        job = by_id[a.job_id]
        if job.due is not None and a.end > job.due:
            plan.total_lateness += a.end - job.due
            plan.weighted_lateness += job.weight * (a.end - job.due)
            plan.broken_promises += 1
    left_out = 0
    for u in plan.unplaced:
        job = by_id[u.job_id]
        if job.due is not None and job.due <= day.horizon:
            plan.broken_promises += 1  # not done by the end of the plan: broken too
        if job.due is not None and any(r[0] == Code.NO_CAPACITY for r in u.reasons):
            left_out += job.weight * max(0, day.horizon + job.duration - job.due)
    plan.objective = plan.weighted_lateness + left_out
    if plan.best_bound is not None:
        plan.best_bound = min(plan.best_bound, plan.objective)
        plan.gap = (plan.objective - plan.best_bound) / max(1, plan.objective)
    plan.makespan = max((a.end for a in plan.assignments), default=0)
    order = {job_id: n for n, job_id in enumerate(by_id)}
    plan.assignments.sort(key=lambda a: (a.start, order[a.job_id]))
    return plan


# ----------------------------------------------------------------------- validator


def violations(
    plan: Plan,
    jobs: Sequence[Job],
    technicians: Sequence[Technician],
    bays: Sequence[Bay],
    tools: Sequence[Tool],
) -> list[str]:
    """Every broken rule of ``plan``, in words; [] for a valid plan."""
    by_job = {j.id: j for j in jobs}
    techs = {t.id: t for t in technicians}
    bay_by_id = {b.id: b for b in bays}
    copies = {tool.id: tool.copies for tool in tools}
    found = _accounting_violations(plan, jobs, by_job)
    placed = [a for a in plan.assignments if a.job_id in by_job]
    for a in placed:
        job = by_job[a.job_id]
        if job.running:
            found += _running_violations(a, job)
        else:
            found += _assignment_violations(a, job, techs.get(a.technician_id))
            found += _bay_and_tool_violations(a, job, bay_by_id.get(a.bay_id), copies)
    found += _overlaps("technician", _grouped(placed, lambda a: a.technician_id), by_job)
    found += _overlaps("bay", _grouped(placed, lambda a: a.bay_id), by_job)
    found += _tool_violations(placed, by_job, copies)
    return found


def _accounting_violations(
    plan: Plan, jobs: Sequence[Job], by_job: dict[Hashable, Job]
) -> list[str]:
    """Each job placed or reported exactly once, a job left out with known reasons."""
    found = []
    seen: dict[Hashable, int] = defaultdict(int)
    for a in plan.assignments:
        seen[a.job_id] += 1
    for u in plan.unplaced:
        seen[u.job_id] += 1
        if not u.reasons:
            found.append(f"job {u.job_id}: unplaced without a reason")
        for reason in u.reasons:
            if reason[0] not in set(Code):
                found.append(f"job {u.job_id}: unknown reason {reason[0]!r}")
    for job_id, count in seen.items():
        if job_id not in by_job:
            found.append(f"job {job_id}: not among the jobs")
        elif count > 1:
            found.append(f"job {job_id}: placed or reported {count} times")
    found += [f"job {j.id}: neither placed nor reported" for j in jobs if j.id not in seen]
    return found


def _running_violations(a: Assignment, job: Job) -> list[str]:
    """A running job stays as it is: on its technician and bay from 0 to its end."""
    pinned = (job.running_technician, job.running_bay, 0, minutes_left(job))
    if (a.technician_id, a.bay_id, a.start, a.end) != pinned:
        return [f"job {job.id}: running job moved"]
    return []


def _assignment_violations(a: Assignment, job: Job, tech: Technician | None) -> list[str]:
    """The job's own duration and release, and its technician."""
    found = []
    where = f"job {job.id}"
    if a.end - a.start != job.duration:
        found.append(f"{where}: lasts {a.end - a.start} min, not {job.duration}")
    if a.start < job.release:
        found.append(f"{where}: starts at {a.start} before its release {job.release}")
    if tech is None:
        found.append(f"{where}: unknown technician {a.technician_id}")
    else:
        if not qualified(job, tech):
            found.append(f"{where}: technician {tech.id} not qualified")
        if not any(s <= a.start and a.end <= e for s, e in windows(tech)):
            found.append(f"{where}: outside technician {tech.id}'s windows")
    if job.fixed_technician is not None and a.technician_id != job.fixed_technician:
        found.append(f"{where}: not on its fixed technician {job.fixed_technician}")
    return found


def _bay_and_tool_violations(
    a: Assignment, job: Job, bay: Bay | None, copies: dict[Hashable, int]
) -> list[str]:
    found = []
    where = f"job {job.id}"
    if bay is None:
        found.append(f"{where}: unknown bay {a.bay_id}")
    elif not frozenset(job.equipment) <= frozenset(bay.equipment):
        found.append(f"{where}: bay {bay.id} lacks equipment")
    for tool in job.tools:
        if copies.get(tool, 0) < 1:
            found.append(f"{where}: tool {tool} has no copy")
    return found


def _grouped(
    placed: list[Assignment], resource: Callable[[Assignment], Hashable | None]
) -> dict[Hashable, list[Assignment]]:
    """The assignments by the resource they use, those without one left out."""
    groups: dict[Hashable, list[Assignment]] = defaultdict(list)
    for a in placed:
        if resource(a) is not None:
            groups[resource(a)].append(a)
    return groups


def _overlaps(
    name: str, groups: dict[Hashable, list[Assignment]], by_job: dict[Hashable, Job]
) -> list[str]:
    """Two jobs at once on one technician or bay. Running jobs are facts and are not
    checked against each other; an empty job overlaps nothing."""

    def clash(a: Assignment, b: Assignment) -> bool:
        both_running = by_job[a.job_id].running and by_job[b.job_id].running
        empty = a.start == a.end or b.start == b.end
        return not both_running and not empty and a.start < b.end and b.start < a.end

    found = []
    for resource, group in groups.items():
        for i, a in enumerate(group):
            found += [
                f"{name} {resource}: jobs {a.job_id} and {b.job_id} overlap"
                for b in group[i + 1 :]
                if clash(a, b)
            ]
    return found


def _tool_violations(
    placed: list[Assignment], by_job: dict[Hashable, Job], copies: dict[Hashable, int]
) -> list[str]:
    """No more copies of a tool out at a time than exist. Running jobs hold the copies
    there are (and no more: they are facts, not checked against each other)."""
    found = []
    for tool, count in copies.items():
        using = [a for a in placed if tool in by_job[a.job_id].tools]
        for moment in {a.start for a in using}:
            now = [a for a in using if a.start <= moment < a.end]
            running = sum(1 for a in now if by_job[a.job_id].running)
            if min(running, count) + len(now) - running > count:
                found.append(f"tool {tool}: {len(now)} jobs at minute {moment}, {count} copies")
    return found
