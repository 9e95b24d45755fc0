"""The CP-SAT planner: the best plan of a day (``day.py``) within a time limit.

The model (``_Model``): per job a start variable (its domain the union of the
windows that fit it) and a "placed" literal; one optional interval per (job, eligible
technician), all sharing that start, exactly one present when placed; a technician's
time outside their windows and their running jobs are fixed intervals in their
no-overlap, and choosing a technician also restricts the start to that technician's
windows. Bays with the same equipment are interchangeable, so a job chooses a kind of
bay (one optional interval per eligible kind) and each kind is a cumulative resource of
as many bays as it has; ``read`` deals the jobs out to the bays afterwards, each job
to the bay with the least equipment free while it runs, then the first given (the
greedy dispatcher's rule: a plain job leaves the alignment rig free). A special
tool is a cumulative of its copies (a no-overlap for one copy). On a big day (more
than ``MAX_CHOICES`` (job, technician) pairs) each job chooses among an even share of
its technicians, always including the one the greedy plan gave it
(``_technician_choices``); the plan says so (``Plan.narrowed``).

The objective is lexicographic, solved in two phases on the same model:
1. promises: minimise weighted lateness, sum of weight * max(0, end - due). A job that
   passes the checks may still find no room before the end of the horizon (an
   overloaded day). It may then be left out and is reported as ``no_capacity``: a
   promised job left out counts as done right after the horizon (later than anywhere
   in the plan, so it is only left out for other promises' sake); below every minute of
   lateness, the weight of the other jobs left out (no due time, or due after the day)
   is minimised too.
2. finish: keeping phase 1's value, minimise the sum of the jobs' end times (cars back
   sooner, the day ends earlier), then the spread of booked minutes between the
   technicians at work (the most loaded less the least loaded).
One weighted sum with the tiers strictly ordered needs multipliers of about 10^14 on a
300-job day, which ruins the solver's bounds; two phases keep each objective small.

Phase 1 starts from the greedy earliest-due-date plan (``greedy.py``), hinted in full,
so the planner never returns a plan worse on promises than the greedy one. It gets two
thirds of the time left, phase 2 the rest (more when phase 1 is proven early), and
phase 2 starts from phase 1's plan. The whole call, model building included, keeps to
``time_limit_s`` (plus some milliseconds). ``Plan.objective`` is the plan's phase-1
lateness; ``best_bound`` the greater of the solver's proven bound and the floor every
promise sets on its own (each job at its earliest possible end), which also holds for a
narrowed day; ``gap`` from these two. "optimal" means both phases proven, on a day that
was not narrowed. ``Plan.phases`` has each phase's status, objective and bound.
"""

import math
import time
from collections import defaultdict
from collections.abc import Hashable, Iterable, Sequence
from dataclasses import replace

from ortools.sat.python import cp_model

from servicelane.control.planning.day import (
    Assignment,
    Bay,
    Code,
    Day,
    Job,
    Phase,
    Plan,
    Reason,
    Technician,
    Tool,
    Unplaceable,
    Window,
    due_after,
    finish,
    fits,
    minutes_left,
    prepare,
    running_assignment,
)
from servicelane.control.planning.greedy import greedy_edd

# ------------------------------------------------------------------------- planner

# Beyond this many (job, technician) pairs a job chooses among a share of its
# technicians (see _technician_choices): the model stays small enough to improve on
# within seconds.
MAX_CHOICES = 2400


def plan(
    jobs: Sequence[Job],
    technicians: Sequence[Technician],
    bays: Sequence[Bay],
    tools: Sequence[Tool],
    *,
    time_limit_s: float = 5.0,
    horizon: int | None = None,
    workers: int | None = None,
    max_choices: int | None = MAX_CHOICES,
) -> Plan:
    """The best plan CP-SAT finds within ``time_limit_s`` (see the module docstring)."""
    started = time.perf_counter()
    deadline = started + time_limit_s
    day = prepare(jobs, technicians, bays, tools, horizon)
    greedy = greedy_edd(jobs, technicians, bays, tools, horizon=day.horizon)
    model = _Model(day, greedy, max_choices)
    values = model.hint(greedy)
    primary, proven = model.primary_of(values), False
    # A bound that holds whatever the model: every promised job at its earliest end.
    best_bound = _lateness_floor(day)

    solver = _solver(workers, 2 / 3 * (deadline - time.perf_counter()))
    status = solver.solve(model.cp)
    phases = [_phase("promises", solver, status)]
    if status == cp_model.INFEASIBLE:  # not expected: every job may be left out
        result = Plan([], day.unplaced, "infeasible", phases=phases)
        result.wall_s = time.perf_counter() - started
        return finish(result, day)
    if status in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        values = model.values(solver)
        primary = round(solver.objective_value)
        proven = status == cp_model.OPTIMAL and not model.narrowed
        if not model.narrowed:  # else the solver's bound is only for the jobs' share
            # The objective is scale × lateness + (weight of unpromised jobs left out,
            # < scale): the bound on lateness is the bound on it divided by scale.
            solver_bound = min(primary, math.floor(solver.best_objective_bound))
            best_bound = max(best_bound, solver_bound // model.scale)
    # else: no solution in time; carry on from the greedy plan (feasible by construction).

    model.second_phase(primary, values)
    solver = _solver(workers, deadline - time.perf_counter())
    status = solver.solve(model.cp)
    phases.append(_phase("finish", solver, status))
    if status in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        values = model.values(solver)
    proven = proven and status == cp_model.OPTIMAL
    assignments, no_room = model.read(values)
    result = Plan(
        assignments=assignments + [running_assignment(j) for j in day.running],
        unplaced=day.unplaced + [Unplaceable(j, [Reason(Code.NO_CAPACITY, {})]) for j in no_room],
        status="optimal" if proven else "feasible",
        best_bound=best_bound,
        phases=phases,
        narrowed=model.narrowed,
    )
    result.wall_s = time.perf_counter() - started
    return finish(result, day)


def _lateness_floor(day: Day) -> int:
    """Weighted lateness no plan can beat: running jobs as they are, every other
    promised job ending as early as a window of an eligible technician allows."""
    floor = sum(
        j.weight * max(0, minutes_left(j) - j.due) for j in day.running if j.due is not None
    )
    for job in day.open:
        if job.due is not None:
            earliest_end = min(
                max(s, job.release) + job.duration
                for t in day.techs_for[job.id]
                for s, e in day.windows[t.id]
                if fits(job, (s, e))
            )
            floor += job.weight * max(0, earliest_end - job.due)
    return floor


def _technician_choices(
    day: Day, greedy: Plan, max_choices: int | None
) -> dict[Hashable, list[Technician]]:
    """The technicians the model lets each job choose from: every eligible one, unless
    that makes more than ``max_choices`` (job, technician) pairs on the day. Then each
    job keeps an even share of the pairs (at least four technicians): the one the greedy
    plan gave it (so the hint stays a solution) and others spread evenly over its
    eligible technicians, starting at a different one for each job so that every
    technician is offered about the same number of jobs."""
    choices = {job.id: day.techs_for[job.id] for job in day.open}
    if max_choices is None or sum(map(len, choices.values())) <= max_choices:
        return choices
    share = max(4, max_choices // max(1, len(day.open)))
    greedy_tech = {a.job_id: a.technician_id for a in greedy.assignments}
    for n, job in enumerate(day.open):
        eligible = choices[job.id]
        if len(eligible) <= share:
            continue
        step = len(eligible) / share
        keep = {eligible[(n + round(k * step)) % len(eligible)].id for k in range(share)}
        if job.id in greedy_tech:
            keep.add(greedy_tech[job.id])
        choices[job.id] = [t for t in eligible if t.id in keep]
    return choices


def _solver(workers: int | None, seconds: float) -> cp_model.CpSolver:
    solver = cp_model.CpSolver()
    solver.parameters.max_time_in_seconds = max(0.05, seconds)
    # Probing in presolve takes seconds on a day of 300 jobs and helps little here.
    solver.parameters.cp_model_probing_level = 0
    if workers is not None:
        solver.parameters.num_workers = workers
    return solver


def _phase(name: str, solver: cp_model.CpSolver, status: cp_model.CpSolverStatus) -> Phase:
    found = status in (cp_model.OPTIMAL, cp_model.FEASIBLE)
    return Phase(
        name=name,
        status=solver.status_name(status).lower(),
        objective=round(solver.objective_value) if found else None,
        best_bound=round(solver.best_objective_bound) if found else None,
        wall_s=solver.wall_time,
    )


# A solution, or a hint: each model variable's value.
_Values = dict[cp_model.IntVar, int]


class _Model:
    """The CP-SAT model of a prepared day, its hint and how to read a solution back.

    Bays with the same equipment are interchangeable, so a job chooses a kind of bay
    (one optional interval per eligible kind) and each kind is a cumulative resource of
    its bays (a no-overlap for a kind of one bay). Intervals never overlapping more
    than there are bays can always be dealt out to the bays one by one (interval graphs
    colour with as many colours as their largest overlap): ``read`` does that, by start
    time. This keeps the model a fraction of one interval per (job, bay) on a workshop
    of many lifts, and takes away the lifts' symmetry.
    """

    def __init__(self, day: Day, greedy: Plan, max_choices: int | None) -> None:
        self.day = day
        self.cp = cp_model.CpModel()
        self.start: dict[Hashable, cp_model.IntVar] = {}
        self.placed: dict[Hashable, cp_model.IntVar] = {}
        self.on_tech: dict[Hashable, dict[Hashable, cp_model.IntVar]] = {}
        self.in_kind: dict[Hashable, dict[int, cp_model.IntVar]] = {}
        self.late: dict[Hashable, cp_model.IntVar] = {}
        self.earliest: dict[Hashable, int] = {}  # the start a left-out job is pinned to
        self._group_bays()
        # The intervals on each technician, kind of bay and tool, gathered job by job
        # and constrained together at the end (``_add_resources``).
        self.tech_intervals: dict[Hashable, list[cp_model.IntervalVar]] = defaultdict(list)
        self.kind_intervals: dict[int, list[cp_model.IntervalVar]] = defaultdict(list)
        self.tool_intervals: dict[Hashable, list[cp_model.IntervalVar]] = defaultdict(list)

        # Fixed: time off and running jobs.
        self._add_time_off_and_running_jobs()
        self._add_bays_taken()
        self._add_tools_held()

        # Weighted lateness of the running jobs: a constant, so the objective reads as
        # the plan's weighted lateness whenever nothing is left out.
        self.fixed_lateness = sum(
            j.weight * max(0, minutes_left(j) - j.due) for j in day.running if j.due is not None
        )
        # Below every minute of weighted lateness: the weight of the jobs left out that no
        # promise of the day counts (no due time, or due after the day even if left out:
        # the car in the paint shop for tomorrow still gets done today when there is room).
        self.scale = 1 + sum(j.weight for j in day.open if due_after(j, day.horizon))
        unpromised_out: list[cp_model.LinearExpr] = []
        lateness: list[cp_model.LinearExpr] = []
        offered = _technician_choices(day, greedy, max_choices)
        self.narrowed = any(len(offered[j.id]) < len(day.techs_for[j.id]) for j in day.open)
        for job in day.open:
            placed = self._add_job(job, offered[job.id])
            if due_after(job, day.horizon):
                unpromised_out.append(job.weight * ~placed)
            else:
                lateness.append(job.weight * self._add_lateness(job, placed))

        self._add_resources()
        self.primary = self.scale * (sum(lateness) + self.fixed_lateness) + sum(unpromised_out)
        self.cp.minimize(self.primary)

    def _group_bays(self) -> None:
        """Bays of the same equipment as kinds; when each bay's running jobs free it."""
        kinds: dict[frozenset[str], list[Bay]] = {}
        for b in self.day.bays:
            kinds.setdefault(frozenset(b.equipment), []).append(b)
        self.kinds = list(kinds.values())
        self.kind_of = {b.id: k for k, group in enumerate(self.kinds) for b in group}
        # A bay is taken by its running jobs from 0 until the last of them ends.
        self.bay_taken = {b.id: 0 for b in self.day.bays}
        for j in self.day.running:
            if j.running_bay is not None:
                self.bay_taken[j.running_bay] = max(self.bay_taken[j.running_bay], minutes_left(j))

    def _add_time_off_and_running_jobs(self) -> None:
        """A technician's time outside their windows and their running jobs, as fixed
        intervals in their no-overlap."""
        day = self.day
        for t in day.technicians:
            busy = _gaps(day.windows[t.id], day.horizon)
            busy += [(0, minutes_left(j)) for j in day.running if j.running_technician == t.id]
            for start, end in _merge(busy):
                self.tech_intervals[t.id].append(
                    self.cp.new_fixed_size_interval_var(start, end - start, "")
                )

    def _add_bays_taken(self) -> None:
        for bay_id, taken in self.bay_taken.items():
            if taken:
                interval = self.cp.new_fixed_size_interval_var(0, taken, "")
                self.kind_intervals[self.kind_of[bay_id]].append(interval)

    def _add_tools_held(self) -> None:
        for tool, copies in self.day.tools.items():
            holders = [j for j in self.day.running if tool in j.tools and minutes_left(j) > 0]
            # All running jobs start at 0: they hold the copies there are, never more.
            for job in sorted(holders, key=minutes_left, reverse=True)[:copies]:
                self.tool_intervals[tool].append(
                    self.cp.new_fixed_size_interval_var(0, minutes_left(job), "")
                )

    def _add_job(self, job: Job, offered: list[Technician]) -> cp_model.IntVar:
        """The job's start and "placed" literal, its choice of technician and kind of bay,
        and its tools; returns the literal."""
        cp, d = self.cp, job.duration
        # Per technician, the starts their windows allow.
        per_tech = {
            t.id: [
                (max(s, job.release), e - d) for s, e in self.day.windows[t.id] if fits(job, (s, e))
            ]
            for t in offered
        }
        domain = cp_model.Domain.from_intervals([r for rs in per_tech.values() for r in rs])
        start = self.start[job.id] = cp.new_int_var_from_domain(domain, f"start_{job.id}")
        placed = self.placed[job.id] = cp.new_bool_var(f"placed_{job.id}")
        # Left out: the start is pinned, so it neither counts as lateness nor moves ends.
        self.earliest[job.id] = domain.min()
        cp.add(start == domain.min()).only_enforce_if(~placed)
        self._choose_technician(job, start, placed, per_tech, domain)
        self._choose_kind_of_bay(job, start, placed)
        if job.tools and d:
            interval = cp.new_optional_fixed_size_interval_var(start, d, placed, "")
            for tool in job.tools:
                self.tool_intervals[tool].append(interval)
        return placed

    def _choose_technician(
        self,
        job: Job,
        start: cp_model.IntVar,
        placed: cp_model.IntVar,
        per_tech: dict[Hashable, list[Window]],
        domain: cp_model.Domain,
    ) -> None:
        """Exactly one technician when placed (the placed literal itself when there is
        only one), the start then in that technician's windows."""
        cp, d = self.cp, job.duration
        choices: dict[Hashable, cp_model.IntVar] = {}
        self.on_tech[job.id] = choices
        for tech_id, ranges in per_tech.items():
            lit = placed if len(per_tech) == 1 else cp.new_bool_var("")
            choices[tech_id] = lit
            tech_domain = cp_model.Domain.from_intervals(ranges)
            if tech_domain.size() < domain.size():
                cp.add_linear_expression_in_domain(start, tech_domain).only_enforce_if(lit)
            if d:  # an empty interval holds nothing (the validator agrees)
                self.tech_intervals[tech_id].append(
                    cp.new_optional_fixed_size_interval_var(start, d, lit, "")
                )
        if len(per_tech) > 1:
            cp.add_exactly_one([*choices.values(), ~placed])

    def _choose_kind_of_bay(
        self, job: Job, start: cp_model.IntVar, placed: cp_model.IntVar
    ) -> None:
        """Exactly one kind of bay with the job's equipment when placed."""
        cp, d = self.cp, job.duration
        kind_choices: dict[int, cp_model.IntVar] = {}
        self.in_kind[job.id] = kind_choices
        eligible = sorted({self.kind_of[b.id] for b in self.day.bays_for[job.id]})
        for k in eligible:
            lit = placed if len(eligible) == 1 else cp.new_bool_var("")
            kind_choices[k] = lit
            if d:
                self.kind_intervals[k].append(
                    cp.new_optional_fixed_size_interval_var(start, d, lit, "")
                )
        if len(eligible) > 1:
            cp.add_exactly_one([*kind_choices.values(), ~placed])

    def _add_lateness(self, job: Job, placed: cp_model.IntVar) -> cp_model.IntVar:
        """The promised job's minutes late. Left out, it counts as done right after the
        horizon: later than anywhere in the plan."""
        cp, d, horizon, start = self.cp, job.duration, self.day.horizon, self.start[job.id]
        assert job.due is not None  # only promised jobs are late
        late = self.late[job.id] = cp.new_int_var(0, horizon + d - job.due, "")
        cp.add(late >= start + d - job.due).only_enforce_if(placed)
        cp.add(late == horizon + d - job.due).only_enforce_if(~placed)
        return late

    def _add_resources(self) -> None:
        """A technician does one thing at a time; a kind of bay holds as many jobs at a
        time as it has bays, a tool as many as it has copies."""
        for intervals in self.tech_intervals.values():
            if len(intervals) > 1:
                self.cp.add_no_overlap(intervals)
        for k, intervals in self.kind_intervals.items():
            self._add_capacity(intervals, len(self.kinds[k]))
        for tool, intervals in self.tool_intervals.items():
            self._add_capacity(intervals, self.day.tools[tool])

    def _add_capacity(self, intervals: list[cp_model.IntervalVar], capacity: int) -> None:
        if len(intervals) <= capacity:
            return  # never more than there is room for
        if capacity == 1:
            self.cp.add_no_overlap(intervals)
        else:
            self.cp.add_cumulative(intervals, [1] * len(intervals), capacity)

    def primary_of(self, values: _Values) -> int:
        """Phase 1's objective at a solution given as ``values``."""
        day = self.day
        late = sum(j.weight * values[self.late[j.id]] for j in day.open if j.id in self.late)
        out = sum(
            j.weight for j in day.open if j.id not in self.late and not values[self.placed[j.id]]
        )
        return self.scale * (late + self.fixed_lateness) + out

    def second_phase(self, primary_value: int, values: _Values) -> None:
        """Keep the promises found (``primary_value``); finish earlier, then balance the
        load. Hints ``values``, phase 1's solution, completed with the new variables."""
        cp, day = self.cp, self.day
        cp.add(self.primary <= primary_value)
        values = dict(values)
        ends = sum(self.start[j.id] + j.duration for j in day.open)
        loads: list[cp_model.IntVar] = []
        cap = day.horizon
        for t in day.technicians:
            if not day.windows[t.id]:
                continue  # not at work: nothing to balance
            fixed = sum(minutes_left(j) for j in day.running if j.running_technician == t.id)
            booked = [
                (j.duration, self.on_tech[j.id][t.id])
                for j in day.open
                if t.id in self.on_tech[j.id]
            ]
            load = cp.new_int_var(0, day.horizon + fixed, "")
            cp.add(load == fixed + sum(d * lit for d, lit in booked))
            values[load] = fixed + sum(d * values[lit] for d, lit in booked)
            loads.append(load)
            cap = max(cap, day.horizon + fixed)
        spread: cp_model.LinearExpr | int = 0
        if len(loads) > 1:
            most, least = cp.new_int_var(0, cap, ""), cp.new_int_var(0, cap, "")
            cp.add_max_equality(most, loads)
            cp.add_min_equality(least, loads)
            values[most] = max(values[load] for load in loads)
            values[least] = min(values[load] for load in loads)
            spread = most - least
        # The spread is at most ``cap``: one minute earlier anywhere outweighs it.
        cp.minimize(ends * (cap + 1) + spread)
        self.hint_values(values)

    def hint(self, greedy: Plan) -> _Values:
        """Hint the greedy plan (every variable, so the solver takes it as it is) and
        return it as values."""
        at = {a.job_id: a for a in greedy.assignments}
        values: _Values = {}
        for job in self.day.open:
            a = at.get(job.id)
            # The greedy assignment, if on a technician the model offers the job; else
            # the job is hinted as left out.
            placed = a if a is not None and a.technician_id in self.on_tech[job.id] else None
            values[self.placed[job.id]] = int(placed is not None)
            values[self.start[job.id]] = self.earliest[job.id] if placed is None else placed.start
            for tech_id, lit in self.on_tech[job.id].items():
                values[lit] = int(placed is not None and tech_id == placed.technician_id)
            for k, lit in self.in_kind[job.id].items():
                values[lit] = int(placed is not None and k == self.kind_of.get(placed.bay_id))
            if job.id in self.late:
                assert job.due is not None  # only a promised job has a lateness variable
                end = self.day.horizon + job.duration if placed is None else placed.end
                values[self.late[job.id]] = max(0, end - job.due)
        self.hint_values(values)
        return values

    def hint_values(self, values: _Values) -> None:
        # ortools 9.15 leaves CpModel.clear_hints unannotated (it returns None).
        self.cp.clear_hints()  # type: ignore[no-untyped-call]
        for var, value in values.items():
            self.cp.add_hint(var, value)

    def values(self, solver: cp_model.CpSolver) -> _Values:
        found = [*self.start.values(), *self.placed.values(), *self.late.values()]
        for tech_choices in self.on_tech.values():
            found += tech_choices.values()
        for kind_choices in self.in_kind.values():
            found += kind_choices.values()
        return {var: solver.value(var) for var in found}

    def read(self, values: _Values) -> tuple[list[Assignment], list[Hashable]]:
        """The assignments of a solution, bays dealt out kind by kind; and the jobs left
        out."""
        # Per kind of bay: (start, end, job id, technician id) of the jobs placed in it.
        placed: dict[int, list[tuple[int, int, Hashable, Hashable]]] = defaultdict(list)
        left_out: list[Hashable] = []
        for job in self.day.open:
            if not values[self.placed[job.id]]:
                left_out.append(job.id)
                continue
            start = values[self.start[job.id]]
            tech = next(t for t, lit in self.on_tech[job.id].items() if values[lit])
            kind = next(k for k, lit in self.in_kind[job.id].items() if values[lit])
            placed[kind].append((start, start + job.duration, job.id, tech))
        assignments = []
        for kind, items in placed.items():
            free_at = {b.id: self.bay_taken[b.id] for b in self.kinds[kind]}
            for start, end, job_id, tech in sorted(items, key=lambda i: i[:2]):
                bay = next((b for b, free in free_at.items() if free <= start), None)
                if bay is None:  # only an empty job can find every bay taken
                    bay = next(iter(free_at))
                free_at[bay] = max(free_at[bay], end)
                assignments.append(Assignment(job_id, tech, bay, start, end))
        return self._plainest_bays(assignments), left_out

    def _plainest_bays(self, assignments: list[Assignment]) -> list[Assignment]:
        """The same assignments, each job in the bay with the least equipment (then the
        first given) that is free all the time it runs. The solver is indifferent between
        the kinds of bay a job may use, so a plain job may come back in the alignment rig
        while a plain lift stands empty. Jobs move, in start order and until none can,
        only into time no one uses: every bay still holds one car at a time."""
        day = self.day
        rank = {b.id: (len(b.equipment), n) for n, b in enumerate(day.bays)}
        booked: dict[Hashable, list[Window]] = {
            bay_id: [(0, taken)] if taken else [] for bay_id, taken in self.bay_taken.items()
        }
        for a in assignments:
            if a.end > a.start:  # an empty job takes no time from a bay
                booked[a.bay_id].append((a.start, a.end))
        plainest = {
            job_id: sorted(day.bays_for[job_id], key=lambda b: rank[b.id])
            for job_id in {a.job_id for a in assignments}
        }
        by_job = {a.job_id: a for a in assignments}
        moved = True
        while moved:
            moved = False
            for a in sorted(by_job.values(), key=lambda a: (a.start, a.end, rank[a.bay_id])):
                for bay in plainest[a.job_id]:
                    if rank[bay.id] >= rank[a.bay_id]:
                        break
                    if any(s < a.end and a.start < e for s, e in booked[bay.id]):
                        continue
                    if a.end > a.start:
                        booked[a.bay_id].remove((a.start, a.end))
                        booked[bay.id].append((a.start, a.end))
                    by_job[a.job_id] = replace(a, bay_id=bay.id)
                    moved = True
                    break
        return list(by_job.values())


def _merge(spans: Iterable[Window]) -> list[Window]:
    merged: list[list[int]] = []
    for start, end in sorted(s for s in spans if s[1] > s[0]):
        if merged and start <= merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], end)
        else:
            merged.append([start, end])
    return [(start, end) for start, end in merged]


def _gaps(spans: list[Window], horizon: int) -> list[Window]:
    """The time in [0, horizon) outside the (merged, sorted) spans."""
    gaps, at = [], 0
    for start, end in spans:
        if start > at:
            gaps.append((at, start))
        at = max(at, end)
    if at < horizon:
        gaps.append((at, horizon))
    return gaps
