"""The greedy dispatcher: what a foreman does by hand, the planner's baseline and hint.

Jobs in earliest-due-date order (jobs without a promise last, then by release, then as
given); each goes to the qualified technician and the bay that can start it earliest,
inside the technician's windows, after its release, when the special tools it needs have
a copy free. Ties go to the lower-level technician (seniors stay free) and the bay with
less equipment (the paint booth stays free), then to the order given. Nothing already
placed moves. Running jobs are placed first, as they are. The same checks and the same
figures as the planner (``day.prepare``, ``day.finish``); status "heuristic".
"""

import time
from collections import defaultdict
from collections.abc import Hashable, Iterable, Sequence
from dataclasses import dataclass

from servicelane.control.planning.day import (
    Assignment,
    Bay,
    Code,
    Day,
    Job,
    Plan,
    Reason,
    Technician,
    Tool,
    Unplaceable,
    Window,
    finish,
    prepare,
    running_assignment,
)

Busy = list[Window]


def greedy_edd(
    jobs: Sequence[Job],
    technicians: Sequence[Technician],
    bays: Sequence[Bay],
    tools: Sequence[Tool],
    *,
    horizon: int | None = None,
) -> Plan:
    started = time.perf_counter()
    day = prepare(jobs, technicians, bays, tools, horizon)
    booked = _Booked()
    assignments = []
    for job in day.running:
        a = running_assignment(job)
        assignments.append(a)
        # A running job may hold a tool the tools room does not list: nothing to book.
        booked.book(a, [tool for tool in job.tools if tool in day.tools])

    ranks = _Ranks(
        technician={t.id: (t.level, n) for n, t in enumerate(day.technicians)},
        bay={b.id: (len(b.equipment), n) for n, b in enumerate(day.bays)},
    )
    given = {j.id: n for n, j in enumerate(day.jobs)}
    order = sorted(day.open, key=lambda j: (j.due is None, j.due or 0, j.release, given[j.id]))
    unplaced = list(day.unplaced)
    for job in order:
        best = _earliest_slot(job, day, booked, ranks)
        if best is None:
            unplaced.append(Unplaceable(job.id, [Reason(Code.NO_CAPACITY, {})]))
            continue
        start, tech_id, bay_id = best
        a = Assignment(job.id, tech_id, bay_id, start, start + job.duration)
        assignments.append(a)
        booked.book(a, job.tools)
    result = Plan(assignments, unplaced, "heuristic")
    result.wall_s = time.perf_counter() - started
    return finish(result, day)


class _Booked:
    """The time taken so far on each technician, bay and special tool."""

    def __init__(self) -> None:
        self.technician: dict[Hashable, Busy] = defaultdict(list)
        self.bay: dict[Hashable, Busy] = defaultdict(list)
        self.tool: dict[Hashable, Busy] = defaultdict(list)

    def book(self, a: Assignment, tools: Iterable[Hashable]) -> None:
        _book(self.technician[a.technician_id], a)
        if a.bay_id is not None:  # a running job may be reported without a bay
            _book(self.bay[a.bay_id], a)
        for tool in tools:
            _book(self.tool[tool], a)


@dataclass(frozen=True)
class _Ranks:
    """The order ties are broken in: the lower-level technician (seniors stay free) and
    the bay with less equipment (the paint booth stays free), then the order given."""

    technician: dict[Hashable, tuple[int, int]]
    bay: dict[Hashable, tuple[int, int]]


def _earliest_slot(
    job: Job, day: Day, booked: _Booked, ranks: _Ranks
) -> tuple[int, Hashable, Hashable] | None:
    """(start, technician id, bay id) of the earliest start the job can have; None if it
    cannot start before the end of the plan."""
    needed = [(booked.tool[t], day.tools[t]) for t in job.tools]
    techs = sorted(day.techs_for[job.id], key=lambda t: ranks.technician[t.id])
    bays = sorted(day.bays_for[job.id], key=lambda b: ranks.bay[b.id])
    best: tuple[int, Hashable, Hashable] | None = None
    for tech in techs:
        spans = day.windows[tech.id]
        tech_busy = booked.technician[tech.id]
        # The technician alone (and the tools): no bay can make it start sooner.
        alone = _earliest(job, spans, tech_busy, [], needed)
        if alone is None or (best is not None and alone >= best[0]):
            continue
        for bay in bays:
            start = _earliest(job, spans, tech_busy, booked.bay[bay.id], needed)
            if start is not None and (best is None or start < best[0]):
                best = (start, tech.id, bay.id)
                if start == alone:
                    break
    return best


def _book(busy: Busy, a: Assignment) -> None:
    if a.end > a.start:
        busy.append((a.start, a.end))
        busy.sort()


def _earliest(
    job: Job, spans: list[Window], tech: Busy, bay: Busy, tools: list[tuple[Busy, int]]
) -> int | None:
    """The earliest start at or after the release with the technician in a window and
    free, the bay free and a copy of every tool free for the whole job; None if none."""
    at = job.release
    while True:
        start = _free_in(spans, tech, at, job.duration)
        if start is None:
            return None
        moved = _free_at(bay, start, job.duration)
        for busy, copies in tools:
            moved = _copy_free_at(busy, copies, moved, job.duration)
        if moved == start:
            return start
        at = moved


def _free_in(spans: list[Window], busy: Busy, at: int, duration: int) -> int | None:
    """The earliest start >= ``at`` of ``duration`` free minutes inside one span."""
    for span_start, span_end in spans:
        start = _free_at(busy, max(at, span_start), duration)
        if start + duration <= span_end:
            return start
    return None


def _free_at(busy: Busy, at: int, duration: int) -> int:
    """The earliest start >= ``at`` of ``duration`` minutes clear of ``busy`` (sorted)."""
    if duration == 0:  # an empty interval overlaps nothing
        return at
    start = at
    for busy_start, busy_end in busy:
        if busy_end <= start:
            continue
        if busy_start >= start + duration:
            break
        start = max(start, busy_end)
    return start


def _copy_free_at(busy: Busy, copies: int, at: int, duration: int) -> int:
    """The earliest start >= ``at`` when fewer than ``copies`` of the tool are out for
    the whole ``duration``."""
    if duration == 0:
        return at
    for start in sorted({at, *(end for _, end in busy if end > at)}):
        end = start + duration
        points = [start, *(s for s, _ in busy if start < s < end)]
        if all(sum(1 for s, e in busy if s <= p < e) < copies for p in points):
            return start
    raise AssertionError("a tool is free once every job holding it has ended")
