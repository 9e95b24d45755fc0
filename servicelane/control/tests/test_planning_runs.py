"""Planning the rest of the day: the jobs, technicians, bays and tools as the planner sees
them, its proposal beside the order a foreman would follow by hand, and the proposal
applied to the jobs (or refused when the day changed since)."""

import datetime as dt
from types import SimpleNamespace

import pytest
from django.core.exceptions import ValidationError

from servicelane.appointments.tests.factories import capacity
from servicelane.control.board import services as board_services
from servicelane.control.choices import PlanningStatus
from servicelane.control.jobs.selectors import plan_of
from servicelane.control.models import Absence, PlanningRun
from servicelane.control.planning import runs
from servicelane.control.planning.selectors import run_is_open
from servicelane.control.planning.workshop import day_input
from servicelane.core.choices import WorkshopRole
from servicelane.core.models import AuditEntry
from servicelane.parts.tests.factories import PartFactory
from servicelane.store import services as store_services
from servicelane.testing.floor import (
    NOW,
    TODAY,
    approved_walk_in,
    bays_of,
    express_booked,
    local,
    shift,
    technician_with,
    tools_of,
)
from servicelane.testing.personas import member
from servicelane.testing.scenarios import approve_all, priced_job, walk_in
from servicelane.tools import services as tools_room
from servicelane.workorders.catalogue import ensure_catalogue
from servicelane.workorders.estimate.services import estimate_send, job_line_add
from servicelane.workorders.models import Job
from servicelane.workorders.reception.services import repair_order_update_reception
from servicelane.workorders.tests.factories import with_operations
from servicelane.workorders.work.services import job_clock_on

pytestmark = pytest.mark.django_db


def run_for(floor, **kw) -> PlanningRun:
    return runs.planning_run_request(
        actor=floor.foreman, workshop=floor.workshop, day=TODAY, time_limit_s=2, **kw
    )


def assignment(run: PlanningRun, job: Job) -> dict:
    return next(a for a in run.result["assignments"] if a["job_id"] == job.pk)


def at(value: str) -> dt.datetime:
    return dt.datetime.fromisoformat(value)


# ---------------------------------------------------------------- the day as the planner sees it


def test_jobs_carry_their_operations_level_skills_equipment_tools_and_the_promise(floor):
    data = day_input(floor.workshop, TODAY)
    jobs = {job.id: job for job in data["jobs"]}

    hv = jobs[floor.jobs["hv"].pk]
    assert (hv.level, hv.duration) == (4, 90)
    assert hv.skills == {"high_voltage"} and hv.equipment == {"high_voltage"}
    assert hv.tools == {"83 30 2 447 478"}
    express = jobs[floor.jobs["express"].pk]
    assert (express.due, express.weight, express.equipment) == (60, 10, {"lift"})
    assert jobs[floor.jobs["brakes"].pk].weight == 1
    # The A/C unit's calibration lapsed: it is not a usable copy.
    assert {t.id: t.copies for t in data["tools"]} == {
        "83 30 2 408 593": 1,
        "83 30 0 493 933": 1,
        "ICOM-NEXT": 2,
        "83 30 2 447 478": 1,
    }
    # From now (08:00), in minutes: the shift less the 12:30 break; Jan starts at 09:00.
    windows = {t.id: list(t.shifts) for t in data["technicians"]}
    assert windows[floor.senior.pk] == [(0, 270), (315, 540)]
    assert windows[floor.junior.pk] == [(60, 270), (315, 600)]


def test_the_proposal_gives_each_job_a_qualified_technician_and_an_equipped_bay(floor):
    run = run_for(floor)

    assert run.status == PlanningStatus.DONE
    hv = assignment(run, floor.jobs["hv"])
    assert (hv["technician_id"], hv["bay_id"]) == (floor.senior.pk, floor.bays["B5"].pk)
    diagnosis = assignment(run, floor.jobs["diagnosis"])
    assert diagnosis["technician_id"] in (floor.senior.pk, floor.tech.pk)  # level 3, diagnosis
    brakes = assignment(run, floor.jobs["brakes"])
    assert brakes["technician_id"] in (floor.senior.pk, floor.tech.pk)
    assert brakes["bay_id"] in {floor.bays[c].pk for c in ("B1", "B2", "B4", "B5")}  # a lift
    express = assignment(run, floor.jobs["express"])
    assert at(express["end"]) <= local(9)
    assert run.result["metrics"]["broken_promises"] == 0
    assert run.result["unplaced"] == []


def test_a_day_that_is_over_cannot_be_planned(floor):
    with pytest.raises(ValidationError) as refused:
        runs.planning_run_request(
            actor=floor.foreman, workshop=floor.workshop, day=TODAY - dt.timedelta(days=1)
        )
    assert "over" in str(refused.value)


def test_a_technician_cannot_plan(floor):
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        runs.planning_run_request(actor=floor.tech, workshop=floor.workshop, day=TODAY)


# ---------------------------------------------------------------- against the manual order


@pytest.fixture
def tight_day(freiburg, advisor, time_machine):
    """08:00, three mechatronics (Anna, Ben, Cem) on 08:00-17:00, two lifts (L1, L2) and a
    bay without equipment (D). Cem is on a 10-minute wiper job in D. Waiting: tyres due
    08:40 (40 min, lift), spark plugs due 08:55 (45 min, no lift) and an express oil
    service promised for 09:00 (30 min, lift).

    By hand, earliest promise first, each job where it can start soonest: tyres on Anna in
    L1, spark plugs on Ben in L2 (D is busy for ten minutes), and the express service
    waits for a lift until 08:40: promise broken. Keeping it means the spark plugs wait
    ten minutes for D and Cem."""
    ensure_catalogue(freiburg.network)
    cap = capacity(freiburg)
    with_operations(cap)
    foreman = member(freiburg, WorkshopRole.FOREMAN, email="foreman@freiburg.test")
    people = [
        technician_with(freiburg, f"{name.lower()}@freiburg.test", name, 2, [])
        for name in ("Anna", "Ben", "Cem")
    ]
    for person in people:
        shift(freiburg, person, break_at=None)
    bays = bays_of(freiburg, [("L1", ["lift"]), ("L2", ["lift"]), ("D", [])])
    tools_of(freiburg, [("83 30 0 493 933", "Spark plug socket 14 mm", 1)])

    wipers = approved_walk_in(freiburg, advisor, "WIPER-BLADES", title="Wipers")
    tyres = approved_walk_in(freiburg, advisor, "TYRES-CHANGE", title="Tyres")
    plugs = approved_walk_in(freiburg, advisor, "SPARK-PLUGS", title="Spark plugs")
    for ro, due in ((tyres, local(8, 40)), (plugs, local(8, 55))):
        repair_order_update_reception(actor=advisor, repair_order=ro, estimated_completion_at=due)
    express = express_booked(freiburg, cap, advisor, time_machine, dt.time(8))
    cem = people[2]
    running = Job.objects.get(repair_order=wipers)
    board_services.job_reassign(
        actor=foreman, job=running, technician=cem, bay=bays["D"], start=local(8)
    )
    job_clock_on(actor=cem, job=running)
    return SimpleNamespace(
        workshop=freiburg,
        foreman=foreman,
        cem=cem,
        bays=bays,
        running=running,
        express=Job.objects.get(repair_order=express),
        tyres=Job.objects.get(repair_order=tyres),
        plugs=Job.objects.get(repair_order=plugs),
    )


def test_the_proposal_keeps_the_express_promise_the_manual_order_breaks(tight_day):
    run = run_for(tight_day)
    result = run.result

    assert result["baseline"]["broken_promises"] == 1
    assert result["baseline"]["total_lateness"] == 10
    assert result["metrics"]["broken_promises"] == 0
    assert result["metrics"]["total_lateness"] == 0
    assert result["kept_over_baseline"] == [tight_day.express.pk]
    assert at(assignment(run, tight_day.express)["end"]) <= local(9)
    assert at(assignment(run, tight_day.plugs)["end"]) <= local(8, 55)


def test_a_running_job_stays_with_its_technician_and_bay(tight_day):
    run = run_for(tight_day)

    wipers = assignment(run, tight_day.running)
    assert wipers["running"] is True
    assert (wipers["technician_id"], wipers["bay_id"]) == (tight_day.cem.pk, tight_day.bays["D"].pk)
    assert (at(wipers["start"]), at(wipers["end"])) == (local(8), local(8, 10))

    runs.planning_run_apply(actor=tight_day.foreman, run=run)

    tight_day.running.refresh_from_db()
    assert plan_of(tight_day.running).planned_start == local(8)  # as the foreman set it


# ---------------------------------------------------------------- what cannot be placed


def test_jobs_that_cannot_be_placed_are_explained_in_words(floor, advisor):
    body = approved_walk_in(floor.workshop, advisor, "BODY-SMALL", title="Scratch")
    # Katrin, the only one with body and paint skills, has the day off.
    floor.shifts["senior"].delete()
    # The brake job waits for a part nobody has ordered yet.
    part = PartFactory(network=floor.workshop.network)
    parts_ro = walk_in(floor.workshop, advisor)
    job = priced_job(parts_ro, advisor, "BRAKES-REAR", title="Rear brakes")
    line = job_line_add(
        actor=advisor, job=job, kind="part", code=part.number, quantity=1, unit_price="50.00"
    )
    approve_all(estimate_send(actor=advisor, repair_order=parts_ro))
    store_services.part_reserve(actor=advisor, job_line=line)

    run = run_for(floor)
    reasons = {item["job_id"]: item["text"] for item in run.result["unplaced"]}

    assert reasons[Job.objects.get(repair_order=body).pk] == [
        "No technician on shift has these skills: Body work, Paint."
    ]
    assert reasons[job.pk] == ["It waits for parts that have no arrival date yet."]
    # Without Katrin nobody has level 4 and the high-voltage skill.
    assert reasons[floor.jobs["hv"].pk] == [
        "No technician on shift has the level “Senior technician” or above.",
        "No technician on shift has these skills: High-voltage systems.",
    ]


def test_a_job_whose_only_qualified_technician_is_absent_is_explained(floor):
    Absence.objects.create(
        workshop=floor.workshop,
        technician=floor.senior,
        starts_at=local(7),
        ends_at=local(20),
        reason="Training",
    )

    run = run_for(floor)

    [hv] = [item for item in run.result["unplaced"] if item["job_id"] == floor.jobs["hv"].pk]
    assert hv["text"] == ["No qualified technician works for the rest of the day."]


# ---------------------------------------------------------------- applying


def test_applying_writes_technician_bay_and_times_and_records_it(floor):
    run = run_for(floor)

    runs.planning_run_apply(actor=floor.foreman, run=run)

    run.refresh_from_db()
    assert run.status == PlanningStatus.APPLIED and run.applied_at is not None
    for a in run.result["assignments"]:
        job = Job.objects.get(pk=a["job_id"])
        plan = plan_of(job)
        assert (job.technician_id, plan.bay_id) == (a["technician_id"], a["bay_id"])
        assert (plan.planned_start, plan.planned_end) == (at(a["start"]), at(a["end"]))
    entry = AuditEntry.objects.get(action="plan_applied", target_id=str(run.pk))
    assert set(entry.changes["jobs"]) == {str(job.pk) for job in floor.jobs.values()}
    with pytest.raises(ValidationError, match="applied already"):
        runs.planning_run_apply(actor=floor.foreman, run=run)


def test_a_proposal_is_refused_when_a_job_changed_since(floor):
    run = run_for(floor)
    job_clock_on(actor=floor.tech, job=floor.jobs["brakes"])

    with pytest.raises(ValidationError) as refused:
        runs.planning_run_apply(actor=floor.foreman, run=run)

    number = floor.orders["brakes"].number
    assert f"job 1 of {number} changed since the proposal was made" in str(refused.value)
    assert "Plan again" in str(refused.value)
    assert not Job.objects.filter(plan__planned_start__isnull=False).exists()


def test_a_proposal_is_refused_when_a_job_was_added_since(floor, advisor):
    run = run_for(floor)
    approved_walk_in(floor.workshop, advisor, "OIL-SERVICE", title="Oil")

    with pytest.raises(ValidationError, match="1 job was added since the proposal was made"):
        runs.planning_run_apply(actor=floor.foreman, run=run)


def test_an_old_proposal_is_refused(floor, time_machine):
    run = run_for(floor)
    time_machine.move_to(local(8, 31), tick=False)

    with pytest.raises(ValidationError, match="more than 30 minutes old"):
        runs.planning_run_apply(actor=floor.foreman, run=run)


def test_a_discarded_proposal_cannot_be_applied(floor):
    run = runs.planning_run_discard(actor=floor.foreman, run=run_for(floor))

    with pytest.raises(ValidationError, match="discarded"):
        runs.planning_run_apply(actor=floor.foreman, run=run)

    run.refresh_from_db()
    assert run.status == PlanningStatus.DISCARDED
    assert (run.discarded_by, run.discarded_at) == (floor.foreman, NOW)
    assert run.applied_at is None
    assert not run_is_open(run)
    assert not Job.objects.filter(plan__planned_start__isnull=False).exists()


def test_discarding_twice_changes_nothing(floor, time_machine):
    run = runs.planning_run_discard(actor=floor.foreman, run=run_for(floor))
    manager = member(floor.workshop, WorkshopRole.MANAGER, email="manager2@freiburg.test")
    time_machine.move_to(local(8, 5), tick=False)

    again = runs.planning_run_discard(actor=manager, run=run)

    assert again.status == PlanningStatus.DISCARDED
    assert (again.discarded_by, again.discarded_at) == (floor.foreman, NOW)


def test_an_applied_proposal_cannot_be_discarded(floor):
    run = runs.planning_run_apply(actor=floor.foreman, run=run_for(floor))

    with pytest.raises(ValidationError, match="applied already"):
        runs.planning_run_discard(actor=floor.foreman, run=run)

    run.refresh_from_db()
    assert run.status == PlanningStatus.APPLIED
    assert run.discarded_at is None and run.discarded_by is None


def test_a_queued_run_discarded_before_the_worker_comes_is_not_planned(
    floor, settings, django_capture_on_commit_callbacks
):
    settings.PLANNING_SYNC_MAX_JOBS = 3  # the floor has four open jobs

    with django_capture_on_commit_callbacks() as worker:
        run = run_for(floor)
        runs.planning_run_discard(actor=floor.foreman, run=run)
    for job in worker:
        job()

    run.refresh_from_db()
    assert run.status == PlanningStatus.DISCARDED
    assert "assignments" not in run.result


def test_a_large_day_is_planned_by_the_background_worker(
    floor, settings, django_capture_on_commit_callbacks
):
    settings.PLANNING_SYNC_MAX_JOBS = 3  # the floor has four open jobs

    with django_capture_on_commit_callbacks(execute=True):
        run = run_for(floor)
        assert run.status == PlanningStatus.QUEUED

    run.refresh_from_db()
    assert run.status == PlanningStatus.DONE
    assert len(run.result["assignments"]) == 4


# ---------------------------------------------------------------- special tools out on loan


def _lend(floor, copy: int, technician, job=None) -> None:
    tools_room.tool_check_out(
        actor=floor.foreman,
        tool=floor.tools[("ICOM-NEXT", copy)],
        technician=technician,
        job_id=job.pk if job else None,
    )


def test_a_job_waits_when_every_copy_of_its_tool_is_out(floor):
    # One diagnosis interface is out with nobody's job, the other with the brakes job.
    _lend(floor, 1, floor.tech)
    _lend(floor, 2, floor.mech, floor.jobs["brakes"])

    run = run_for(floor)

    assert run.status == PlanningStatus.DONE
    diagnosis = floor.jobs["diagnosis"]
    assert diagnosis.pk not in {a["job_id"] for a in run.result["assignments"]}
    [left_out] = [u for u in run.result["unplaced"] if u["job_id"] == diagnosis.pk]
    assert left_out["text"] == ["The tools room has no usable copy of the special tool ICOM-NEXT."]
    assert run.result["tools"] == {
        "83 30 2 408 593": 1,
        "83 30 0 493 933": 1,
        "83 30 2 447 478": 1,
    }


def test_a_job_works_with_the_copy_checked_out_for_it(floor):
    _lend(floor, 1, floor.tech, floor.jobs["diagnosis"])
    _lend(floor, 2, floor.mech)

    run = run_for(floor)

    diagnosis = assignment(run, floor.jobs["diagnosis"])
    assert diagnosis["technician_id"] in (floor.senior.pk, floor.tech.pk)
    assert run.result["unplaced"] == []
