"""The workshop planner (control/planner.py) and its greedy baseline (control/greedy.py):
small hand-made days with known answers, the reasons a job cannot be placed, and random
small days on which every plan must keep every rule (``violations``)."""

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from servicelane.control.planning.day import (
    Assignment,
    Bay,
    Code,
    Job,
    Plan,
    Reason,
    Technician,
    Tool,
    Unplaceable,
    describe,
    explain,
    violations,
)
from servicelane.control.planning.greedy import greedy_edd
from servicelane.control.planning.solver import plan

DAY = [(0, 240), (300, 540)]  # 08:00-12:00 and 13:00-17:00, minutes from 08:00
LIFT = frozenset({"lift"})


def tech(tech_id, level=1, skills=(), shifts=None):
    return Technician(tech_id, level, frozenset(skills), DAY if shifts is None else shifts)


def bay(bay_id, *equipment):
    return Bay(bay_id, frozenset(equipment or {"lift"}))


def job(job_id, duration=60, **fields):
    for name in ("skills", "equipment", "tools"):
        if name in fields:
            fields[name] = frozenset(fields[name])
    return Job(job_id, duration, **fields)


def solve(jobs, technicians, bays, tools=(), **options):
    """The planner's plan, checked by the validator."""
    result = plan(jobs, technicians, bays, list(tools), time_limit_s=5, **options)
    assert violations(result, jobs, technicians, bays, list(tools)) == []
    return result


def at(result: Plan) -> dict:
    return {a.job_id: a for a in result.assignments}


# ------------------------------------------------------------------------ the rules


def test_a_job_goes_to_a_technician_of_its_level_even_when_a_junior_is_free():
    technicians = [tech("junior", 1), tech("senior", 3)]
    result = solve([job("gearbox", level=3)], technicians, [bay("B1")])
    assert at(result)["gearbox"].technician_id == "senior"
    assert at(result)["gearbox"].start == 0


def test_a_high_voltage_job_waits_for_the_one_technician_with_the_skill():
    technicians = [tech("T1", 4), tech("HV", 3, {"high_voltage"})]
    jobs = [
        job("battery", 120, skills={"high_voltage"}, equipment={"high_voltage"}, level=3),
        job("inverter", 60, skills={"high_voltage"}, equipment={"high_voltage"}, level=3),
    ]
    result = solve(jobs, technicians, [bay("B1", "lift", "high_voltage"), bay("B2")])
    assert {a.technician_id for a in result.assignments} == {"HV"}
    assert {a.bay_id for a in result.assignments} == {"B1"}


def test_a_job_needing_the_alignment_rig_gets_the_bay_that_has_it():
    result = solve(
        [job("alignment", equipment={"lift", "alignment_rig"})],
        [tech("T1")],
        [bay("B1"), bay("B2", "lift", "alignment_rig"), bay("B3")],
    )
    assert at(result)["alignment"].bay_id == "B2"


def test_two_jobs_needing_the_only_copy_of_a_tool_never_overlap():
    jobs = [job("a", 90, tools={"HV-01"}), job("b", 90, tools={"HV-01"})]
    result = solve(jobs, [tech("T1"), tech("T2")], [bay("B1"), bay("B2")], [Tool("HV-01", 1)])
    first, second = sorted(result.assignments, key=lambda a: a.start)
    assert first.start == 0 and second.start == first.end == 90


def test_with_two_copies_of_the_tool_both_jobs_run_at_once():
    jobs = [job("a", 90, tools={"S-03"}), job("b", 90, tools={"S-03"})]
    result = solve(jobs, [tech("T1"), tech("T2")], [bay("B1"), bay("B2")], [Tool("S-03", 2)])
    assert [a.start for a in result.assignments] == [0, 0]
    assert result.makespan == 90


def test_a_running_job_stays_where_it_is_and_its_technician_is_busy_until_it_ends():
    jobs = [
        # On a junior who is not qualified for it by the book: it runs, it stays.
        job("running", 120, level=4, running_technician="T1", running_bay="B2", remaining=45),
        job("next", 30, fixed_technician="T1"),
    ]
    result = solve(jobs, [tech("T1"), tech("T2")], [bay("B1"), bay("B2")])
    assert at(result)["running"] == Assignment("running", "T1", "B2", 0, 45)
    assert at(result)["next"].technician_id == "T1"
    assert at(result)["next"].start == 45


def test_a_running_job_holds_its_bay_and_its_tool():
    jobs = [
        job("running", 60, tools={"S-01"}, running_technician="T1", running_bay="B1"),
        job("other", 30, tools={"S-01"}),
    ]
    result = solve(jobs, [tech("T1"), tech("T2")], [bay("B1")], [Tool("S-01", 1)])
    assert at(result)["other"].start == 60


def test_no_job_starts_before_its_parts_arrive():
    jobs = [job("brakes", 60, release=135), job("service", 60)]
    result = solve(jobs, [tech("T1")], [bay("B1")])
    assert at(result)["brakes"].start >= 135
    assert at(result)["service"].start == 0


def test_a_job_never_runs_through_the_lunch_break():
    # 200 minutes: it fits neither 08:00-12:00 after the first job nor across lunch.
    jobs = [job("first", 60), job("long", 200)]
    result = solve(jobs, [tech("T1")], [bay("B1")])
    long = at(result)["long"]
    assert (long.start, long.end) in {(0, 200), (300, 500)}
    assert not (long.start < 240 < long.end)


def test_the_foremans_fixed_technician_is_kept():
    jobs = [job("a", 60, fixed_technician="T2"), job("b", 60, fixed_technician="T2")]
    result = solve(jobs, [tech("T1"), tech("T2")], [bay("B1"), bay("B2")])
    assert {a.technician_id for a in result.assignments} == {"T2"}


def test_work_is_spread_so_the_day_ends_earlier():
    jobs = [job(f"j{n}", 60) for n in range(4)]
    result = solve(jobs, [tech("T1"), tech("T2")], [bay("B1"), bay("B2")])
    assert result.makespan == 120
    assert sorted(a.technician_id for a in result.assignments) == ["T1", "T1", "T2", "T2"]


def test_lifts_alike_are_dealt_out_so_no_bay_holds_two_cars():
    jobs = [job(f"j{n}", 60) for n in range(6)]
    technicians = [tech(f"T{n}") for n in range(3)]
    result = solve(jobs, technicians, [bay("B1"), bay("B2"), bay("B3")])
    for start in {a.start for a in result.assignments}:
        bays_then = [a.bay_id for a in result.assignments if a.start == start]
        assert len(bays_then) == len(set(bays_then))


RIG_HV_PLAIN = [bay("B4", "lift", "alignment_rig"), bay("B5", "lift", "high_voltage"), bay("B1")]


@pytest.mark.parametrize("dispatch", [solve, greedy_edd])
def test_a_plain_job_leaves_the_alignment_rig_and_the_high_voltage_bay_free(dispatch):
    result = dispatch([job("diagnosis", equipment={"lift"})], [tech("T1")], RIG_HV_PLAIN, [])
    assert at(result)["diagnosis"].bay_id == "B1"


@pytest.mark.parametrize("dispatch", [solve, greedy_edd])
def test_of_the_plain_bays_free_the_first_given_is_taken(dispatch):
    bays = [bay("B4", "lift", "alignment_rig"), bay("B2"), bay("B1")]
    result = dispatch([job("brakes", equipment={"lift"})], [tech("T1")], bays, [])
    assert at(result)["brakes"].bay_id == "B2"


def test_plain_jobs_take_the_richer_bays_only_while_the_plain_ones_are_busy():
    jobs = [job(f"j{n}", 60, equipment={"lift"}) for n in range(4)]
    result = solve(jobs, [tech("T1"), tech("T2")], RIG_HV_PLAIN)
    assert result.makespan == 120  # two at a time, both on a lift
    for start in (0, 60):
        bays_then = sorted(a.bay_id for a in result.assignments if a.start == start)
        assert bays_then == ["B1", "B4"]  # the rig before the high-voltage bay: given first


def test_an_alignment_job_still_gets_the_rig_while_a_plain_job_takes_the_lift():
    jobs = [job("diagnosis", equipment={"lift"}), job("alignment", equipment={"alignment_rig"})]
    result = solve(jobs, [tech("T1"), tech("T2")], RIG_HV_PLAIN)
    assert (at(result)["diagnosis"].bay_id, at(result)["alignment"].bay_id) == ("B1", "B4")
    assert at(result)["diagnosis"].start == at(result)["alignment"].start == 0


# ------------------------------------------------------------------------- promises


def express_day():
    """The only diagnosis technician, a long job promised at 100 and an express job
    arriving at 60 promised back at 120 (both need diagnosis); a morning without a break."""
    technicians = [tech("A", 3, {"diagnosis"}, [(0, 300)]), tech("B", 1)]
    jobs = [
        job("long", 180, skills={"diagnosis"}, due=100, weight=1),
        job("express", 30, skills={"diagnosis"}, release=60, due=120, weight=10),
    ]
    return jobs, technicians, [bay("B1"), bay("B2")], []


def test_greedy_edd_gives_the_only_qualified_technician_to_the_earlier_promise():
    greedy = greedy_edd(*express_day())
    assert at(greedy)["long"].start == 0
    assert at(greedy)["express"].end == 210  # 90 minutes late
    assert greedy.broken_promises == 2
    assert greedy.weighted_lateness == 80 + 10 * 90
    assert violations(greedy, *express_day()) == []


def test_the_planner_keeps_the_express_promise_greedy_edd_breaks():
    result = solve(*express_day())
    assert at(result)["express"] == Assignment("express", "A", at(result)["express"].bay_id, 60, 90)
    assert at(result)["long"].start == 90
    assert result.weighted_lateness == 170 < greedy_edd(*express_day()).weighted_lateness
    assert result.broken_promises == 1


def test_on_a_tiny_day_the_plan_is_proven_optimal_with_no_gap():
    result = solve(*express_day())
    assert result.status == "optimal"
    assert result.objective == result.best_bound == 170
    assert result.gap == 0
    assert [p.name for p in result.phases] == ["promises", "finish"]


def test_an_overloaded_day_leaves_out_unpromised_work_and_keeps_the_promises():
    # One technician, a morning only: 240 minutes for 300 minutes of work.
    technicians = [tech("T1", shifts=[(0, 240)])]
    jobs = [
        job("no promise", 120),
        job("express", 60, due=60, weight=10),
        job("promised", 120, due=240),
    ]
    result = solve(jobs, technicians, [bay("B1")])
    assert result.unplaced == [Unplaceable("no promise", [Reason(Code.NO_CAPACITY, {})])]
    assert result.broken_promises == 0
    assert result.objective == 0


def test_a_promised_job_left_out_for_lack_of_room_counts_as_a_broken_promise():
    technicians = [tech("T1", shifts=[(0, 100)])]
    jobs = [job("a", 60, due=60, weight=10), job("b", 60, due=100)]
    result = solve(jobs, technicians, [bay("B1")])
    assert [u.job_id for u in result.unplaced] == ["b"]
    assert result.broken_promises == 1
    # As if done right after the horizon (100 + 60), 60 minutes after its promise.
    assert result.objective == 60


def test_work_promised_for_tomorrow_is_still_done_today_when_there_is_room():
    # The senior alone may do the check, the express car, the high-voltage job and the
    # paint work (due tomorrow); the spark plugs wait for the technician's running job.
    # By hand the senior takes the plugs and the paint work no longer fits after lunch;
    # leaving it out breaks no promise today, but there is room for it.
    day = [(0, 150), (195, 420)]
    technicians = [tech("senior", 3, shifts=day), tech("tech", 2, shifts=day)]
    jobs = [
        job("running", 100, level=2, running_technician="tech", remaining=100),
        job("check", 30, level=3, due=40),
        job("express", 30, level=3, due=80, weight=10),
        job("plugs", 45, level=2, due=200),
        job("high voltage", 90, level=3, due=360),
        job("paint", 180, level=3, due=24 * 60, weight=5),
    ]
    bays = [bay("B1"), bay("B2"), bay("B3")]
    greedy = greedy_edd(jobs, technicians, bays, [])
    assert [u.job_id for u in greedy.unplaced] == ["paint"]
    result = solve(jobs, technicians, bays)
    assert result.unplaced == []
    assert result.broken_promises == 0
    assert at(result)["paint"].start >= 195


def test_a_job_with_no_time_left_fits_inside_another_jobs_time():
    # Nothing left to do on it (its flat rate is used up): it holds neither technician nor
    # bay, so it is done at once, not left out.
    technicians = [tech("T1", shifts=[(0, 2)])]
    jobs = [job("long", 2, due=0), job("empty", 0, release=1, due=0)]
    result = solve(jobs, technicians, [bay("B1", "lift")])
    assert result.unplaced == []
    assert at(result)["empty"].start == 1


# ----------------------------------------------------------------- not placeable


def test_jobs_that_cannot_be_placed_are_reported_with_their_reasons_and_the_rest_planned():
    technicians = [tech("T1", 2, {"diagnosis"}), tech("T2", 3, shifts=[(0, 240)])]
    bays = [bay("B1"), bay("B2", "lift", "alignment_rig")]
    tools = [Tool("HV-01", 0)]
    jobs = [
        job("ok", 60),
        job("senior", level=4),
        job("hv", skills={"high_voltage"}),
        job("diag", level=3, skills={"diagnosis"}),
        job("paint", equipment={"paint_booth"}),
        job("kit", tools={"HV-01", "nowhere"}),
        job("engine", 300),
        job("late parts", 60, release=500, level=3),
        job("fixed", fixed_technician="T9"),
        job("fixed junior", level=3, fixed_technician="T1"),
        job("running elsewhere", running_technician="T7", running_bay="B9"),
        job("ok too", 60, level=3),
    ]
    result = solve(jobs, technicians, bays, tools)
    assert sorted(a.job_id for a in result.assignments) == ["ok", "ok too"]
    reasons = {u.job_id: u.reasons for u in result.unplaced}
    assert reasons == {
        "senior": [("no_level", {"level": 4})],
        "hv": [("no_skills", {"skills": ["high_voltage"]})],
        "diag": [("no_level_with_skills", {"level": 3, "skills": ["diagnosis"]})],
        "paint": [("no_equipment", {"equipment": ["paint_booth"]})],
        "kit": [("no_tool", {"tools": ["HV-01", "nowhere"]})],
        "engine": [("too_long", {"duration": 300, "longest": 240})],
        "late parts": [("release_too_late", {"release": 500, "latest_start": 180})],
        "fixed": [("unknown_technician", {"technician": "T9"})],
        "fixed junior": [("fixed_unqualified", {"technician": "T1", "level": 3, "skills": []})],
        "running elsewhere": [
            ("unknown_technician", {"technician": "T7"}),
            ("unknown_bay", {"bay": "B9"}),
        ],
    }
    assert greedy_edd(jobs, technicians, bays, tools).unplaced == result.unplaced


def test_a_job_with_several_faults_gets_every_reason():
    reasons = explain(
        job("x", level=4, equipment={"paint_booth"}, tools={"S-01"}),
        [tech("T1")],
        [bay("B1")],
        [],
    )
    assert [r.code for r in reasons] == [Code.NO_LEVEL, Code.NO_EQUIPMENT, Code.NO_TOOL]


def test_no_qualified_technician_at_work_is_its_own_reason():
    reasons = explain(job("x", level=3), [tech("T1", 3, shifts=[])], [bay("B1")], [])
    assert reasons == [("no_shift", {})]


@pytest.mark.parametrize(
    "reason, sentence",
    [
        (("no_level", {"level": 4}), "No technician has level 4 or above."),
        (("no_skills", {"skills": ["high_voltage"]}), "No technician has the skill high_voltage."),
        (
            ("no_level_with_skills", {"level": 3, "skills": ["body", "paint"]}),
            "No technician of level 3 or above has the skills body, paint.",
        ),
        (
            ("no_equipment", {"equipment": ["paint_booth"]}),
            "No bay has the equipment it needs: paint_booth.",
        ),
        (
            ("no_tool", {"tools": ["HV-01"]}),
            "No copy of the special tool(s) HV-01 is in the tools room.",
        ),
        (("no_shift", {}), "No qualified technician works before the end of the plan."),
        (
            ("too_long", {"duration": 300, "longest": 240}),
            "It takes 300 min, longer than any working window of a qualified technician "
            "(the longest is 240 min).",
        ),
        (
            ("release_too_late", {"release": 500, "latest_start": 480}),
            "It can start at minute 500 at the earliest (parts arrival), after the last "
            "start a qualified technician's hours allow (minute 480).",
        ),
        (
            ("unknown_technician", {"technician": "T9"}),
            "Technician T9 is not among the technicians planned.",
        ),
        (("unknown_bay", {"bay": "B9"}), "Bay B9 is not among the bays planned."),
        (
            ("fixed_unqualified", {"technician": "T1", "level": 3, "skills": ["diagnosis"]}),
            "It is assigned to technician T1, who lacks level 3 or the skill diagnosis.",
        ),
        (
            ("no_capacity", {}),
            "It did not fit: the qualified technicians, bays or tools are booked until the "
            "end of the plan.",
        ),
    ],
)
def test_every_reason_reads_as_a_sentence(reason, sentence):
    assert describe(reason) == sentence


def test_every_code_has_a_sentence():
    assert {Code(code) for code in Code} == set(Code)
    for code in Code:
        params = {"level": 1, "skills": ["x"], "equipment": ["x"], "tools": ["x"]}
        params |= {"duration": 1, "longest": 1, "release": 1, "latest_start": 1}
        params |= {"technician": "T", "bay": "B"}
        assert describe((code.value, params)).endswith(".")


def test_a_reason_equals_its_plain_tuple():
    assert Reason(Code.NO_LEVEL, {"level": 3}) == ("no_level", {"level": 3})


# -------------------------------------------------------------------- the validator


def test_the_validator_names_every_broken_rule():
    technicians = [tech("T1", 1)]
    bays = [bay("B1")]
    tools = [Tool("S-01", 1)]
    jobs = [
        job("a", 60, level=2, tools={"S-01"}, release=30),
        job("b", 60, tools={"S-01"}),
        job("c", 60, equipment={"alignment_rig"}),
        job("d", 60),
    ]
    bad = Plan(
        assignments=[
            Assignment("a", "T1", "B1", 0, 60),  # too junior, before its release
            Assignment("b", "T1", "B1", 30, 90),  # overlaps a: technician, bay and tool
            Assignment("c", "T1", "B1", 200, 300),  # wrong length, through lunch, no rig
        ],
        unplaced=[],
        status="feasible",
    )
    found = violations(bad, jobs, technicians, bays, tools)
    for words in [
        "job a: technician T1 not qualified",
        "job a: starts at 0 before its release 30",
        "technician T1: jobs a and b overlap",
        "bay B1: jobs a and b overlap",
        "tool S-01: 2 jobs at minute 30, 1 copies",
        "job c: lasts 100 min, not 60",
        "job c: outside technician T1's windows",
        "job c: bay B1 lacks equipment",
        "job d: neither placed nor reported",
    ]:
        assert words in found
    assert (
        violations(
            greedy_edd(jobs[1:], technicians, bays, tools), jobs[1:], technicians, bays, tools
        )
        == []
    )


# ----------------------------------------------------------------------- big days


def test_a_day_too_big_for_every_pair_is_narrowed_and_not_called_optimal():
    technicians = [tech(f"T{n}") for n in range(6)]
    jobs = [job(f"j{n}", 30 + 15 * (n % 4), due=240 if n % 3 else None) for n in range(24)]
    bays = [bay(f"B{n}") for n in range(6)]
    result = solve(jobs, technicians, bays, max_choices=24 * 3)
    assert result.narrowed
    assert result.status == "feasible"
    assert result.objective >= result.best_bound
    assert not solve(jobs, technicians, bays).narrowed


def test_nothing_to_plan():
    result = solve([], [tech("T1")], [bay("B1")])
    assert (result.assignments, result.unplaced, result.status) == ([], [], "optimal")


# ------------------------------------------------------------------ random small days

SKILLS = ["diagnosis", "high_voltage"]
EQUIPMENT = ["lift", "alignment_rig"]
TOOLS = ["S-01", "S-02"]


@st.composite
def small_days(draw):
    def subset(items):
        return frozenset(draw(st.lists(st.sampled_from(items), max_size=2)))

    def spans():
        cuts = sorted(draw(st.lists(st.integers(0, 300), min_size=0, max_size=4, unique=True)))
        return [(cuts[i], cuts[i + 1]) for i in range(0, len(cuts) - 1, 2)]

    technicians = [
        Technician(f"T{n}", draw(st.integers(1, 4)), subset(SKILLS), spans())
        for n in range(draw(st.integers(1, 3)))
    ]
    bays = [Bay(f"B{n}", subset(EQUIPMENT)) for n in range(draw(st.integers(1, 3)))]
    tools = [Tool(t, draw(st.integers(0, 2))) for t in TOOLS]
    tech_ids = [t.id for t in technicians] + ["T9"]
    bay_ids = [b.id for b in bays] + [None]
    jobs = []
    for n in range(draw(st.integers(0, 7))):
        running = draw(st.integers(0, 5)) == 0
        jobs.append(
            Job(
                f"J{n}",
                duration=draw(st.integers(0, 90)),
                level=draw(st.integers(1, 4)),
                skills=subset(SKILLS),
                equipment=subset(EQUIPMENT),
                tools=subset(TOOLS),
                release=draw(st.integers(0, 200)),
                due=draw(st.none() | st.integers(0, 320)),
                weight=draw(st.sampled_from([1, 5, 10])),
                running_technician=draw(st.sampled_from(tech_ids)) if running else None,
                running_bay=draw(st.sampled_from(bay_ids)) if running else None,
                remaining=draw(st.none() | st.integers(0, 60)) if running else None,
                fixed_technician=(
                    draw(st.sampled_from(tech_ids)) if draw(st.integers(0, 5)) == 0 else None
                ),
            )
        )
    return jobs, technicians, bays, tools


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(small_days())
def test_every_plan_of_a_random_small_day_keeps_every_rule(day):
    greedy = greedy_edd(*day)
    assert violations(greedy, *day) == []
    result = plan(*day, time_limit_s=2)
    assert violations(result, *day) == []
    # Started from the greedy plan: never worse on promises.
    assert result.objective <= greedy.objective
    assert result.best_bound is not None and result.best_bound <= result.objective
    if result.status == "optimal":
        assert result.gap == 0
    # Both find the same jobs impossible; the greedy plan only ever fails to find room.
    impossible = {u.job_id for u in result.unplaced if u.reasons[0].code != Code.NO_CAPACITY}
    assert impossible == {
        u.job_id for u in greedy.unplaced if u.reasons[0].code != Code.NO_CAPACITY
    }


@settings(max_examples=40, deadline=None)
@given(small_days(), st.integers(1, 4))
def test_narrowing_the_choices_keeps_every_rule(day, max_choices):
    result = plan(*day, time_limit_s=1, max_choices=max_choices)
    assert violations(result, *day) == []
    assert result.best_bound is None or result.best_bound <= result.objective
