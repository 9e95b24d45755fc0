"""What the dispatch board reads: technicians on shift along the day, jobs as blocks in
their state, jobs still to plan, promises with their countdown, in a fixed number of
queries."""

import datetime as dt

import pytest

from servicelane.control.board import selectors
from servicelane.control.board import services as board_services
from servicelane.control.models import Absence
from servicelane.parts.tests.factories import PartFactory
from servicelane.store import services as store_services
from servicelane.testing.floor import NOW, TODAY, approved_walk_in, local, shift, technician_with
from servicelane.testing.scenarios import approve_all, priced_job, walk_in
from servicelane.workorders.estimate.services import estimate_send, job_line_add
from servicelane.workorders.work.services import job_clock_on, job_finish, job_pause

pytestmark = pytest.mark.django_db


def plan(floor, key: str, who, bay: str, hour: int, minute: int = 0):
    return board_services.job_reassign(
        actor=floor.foreman,
        job=floor.jobs[key],
        technician=who,
        bay=floor.bays[bay],
        start=local(hour, minute),
    )


def blocks_of(board: dict) -> dict[int, dict]:
    found = {b["job_id"]: b for b in board["to_plan"]}
    for row in board["rows"]:
        found.update({b["job_id"]: b for b in row.blocks})
    return found


def row_of(board: dict, user) -> selectors.Row:
    return next(row for row in board["rows"] if row.technician_id == user.pk)


def test_rows_are_the_technicians_on_shift_with_working_time_breaks_and_absences(floor):
    technician_with(floor.workshop, "off@freiburg.test", "Olga Off", 3, [])  # no shift today
    Absence.objects.create(
        workshop=floor.workshop,
        technician=floor.tech,
        starts_at=local(14),
        ends_at=local(15),
        reason="Doctor",
    )

    board = selectors.board(floor.workshop, TODAY)

    assert [row.name for row in board["rows"]] == [
        "Katrin Vogel",
        "Mia Mechatronik",
        "Tom Technik",
        "Jan Junior",
    ]
    tom = row_of(board, floor.tech)
    assert (tom.level_label, tom.skill_labels) == ("Technician", ["Diagnosis"])
    assert [(w["start"], w["end"]) for w in tom.windows] == [
        (local(8), local(12, 30)),
        (local(13, 15), local(14)),
        (local(15), local(17)),
    ]
    assert [(b["start"], b["end"]) for b in tom.breaks] == [(local(12, 30), local(13, 15))]
    assert [a["reason"] for a in tom.absences] == ["Doctor"]
    # The time line runs 07:00-19:00; 13:00 is half way.
    assert (board["starts"], board["ends"]) == (local(7), local(19))
    assert next(h for h in board["hours"] if h["label"] == "13:00")["left"] == 50.0
    assert board["now_left"] == pytest.approx(100 / 12, abs=0.001)


def test_jobs_show_in_their_state_where_and_when_they_run(floor, advisor, time_machine):
    plan(floor, "express", floor.mech, "B1", 8)
    plan(floor, "hv", floor.senior, "B5", 10)
    job_clock_on(actor=floor.tech, job=floor.jobs["brakes"])
    time_machine.move_to(local(8, 20), tick=False)
    # A pending supplementary job on the diagnosis order waits for the customer.
    extra = priced_job(floor.orders["diagnosis"], advisor, "WIPER-BLADES", title="Wipers")
    estimate_send(actor=advisor, repair_order=floor.orders["diagnosis"])
    # A paused job, a job waiting for parts, a finished job whose car is in QC.
    paused_ro = approved_walk_in(floor.workshop, advisor, "OIL-SERVICE", title="Oil")
    paused = paused_ro.jobs.get()
    job_clock_on(actor=floor.junior, job=paused)
    job_pause(actor=floor.junior, job=paused, reason="Break")
    parts_ro = walk_in(floor.workshop, advisor)
    waiting = priced_job(parts_ro, advisor, "BRAKES-REAR", title="Rear brakes")
    line = job_line_add(
        actor=advisor,
        job=waiting,
        kind="part",
        code=PartFactory(network=floor.workshop.network).number,
        quantity=1,
        unit_price="50.00",
    )
    approve_all(estimate_send(actor=advisor, repair_order=parts_ro))
    store_services.part_reserve(actor=advisor, job_line=line)
    qc_ro = approved_walk_in(floor.workshop, advisor, "WIPER-BLADES", title="Wipers")
    done = qc_ro.jobs.get()
    job_clock_on(actor=floor.junior, job=done)
    time_machine.move_to(local(8, 30), tick=False)
    job_finish(actor=floor.junior, job=done)

    board = selectors.board(floor.workshop, TODAY)
    blocks = blocks_of(board)

    states = {job_id: block["state"] for job_id, block in blocks.items()}
    assert states == {
        floor.jobs["express"].pk: "planned",
        floor.jobs["hv"].pk: "planned",
        floor.jobs["brakes"].pk: "running",
        floor.jobs["diagnosis"].pk: "unplanned",
        extra.pk: "waiting_approval",
        paused.pk: "paused",
        waiting.pk: "waiting_parts",
        done.pk: "qc",
    }
    running = blocks[floor.jobs["brakes"].pk]
    assert (running["running_since"], running["running_seconds"]) == (NOW, 30 * 60)
    assert running in row_of(board, floor.tech).blocks
    # 90 min flat rate, 30 clocked: expected to end an hour from now.
    assert (running["start"], running["end"]) == (local(8), local(9, 30))
    express = blocks[floor.jobs["express"].pk]
    assert express in row_of(board, floor.mech).blocks
    assert (express["bay_code"], express["start"], express["end"]) == ("B1", local(8), local(8, 30))
    assert express["left"] == pytest.approx(100 / 12, abs=0.001)
    assert express["width"] == pytest.approx(100 / 24, abs=0.001)
    assert blocks[done.pk] in row_of(board, floor.junior).blocks
    assert blocks[waiting.pk]["parts_expected"] is None
    to_plan = {b["job_id"] for b in board["to_plan"]}
    assert to_plan == {floor.jobs["diagnosis"].pk, extra.pk, paused.pk, waiting.pk}
    assert board["counts"]["running"] == 1


def test_a_job_planned_for_another_day_shows_on_that_day_only(floor):
    tomorrow = TODAY + dt.timedelta(days=1)

    shift(floor.workshop, floor.tech, day=tomorrow)
    plan_at = dt.datetime.combine(tomorrow, dt.time(9), tzinfo=floor.workshop.zone)
    board_services.job_reassign(
        actor=floor.foreman,
        job=floor.jobs["brakes"],
        technician=floor.tech,
        bay=floor.bays["B1"],
        start=plan_at,
    )

    assert floor.jobs["brakes"].pk not in blocks_of(selectors.board(floor.workshop, TODAY))
    tomorrows = selectors.board(floor.workshop, tomorrow)
    assert blocks_of(tomorrows)[floor.jobs["brakes"].pk]["start"] == plan_at
    assert [row.name for row in tomorrows["rows"]] == ["Tom Technik"]


def test_the_express_promise_counts_down_then_is_at_risk_then_broken(floor, time_machine):
    def promise():
        [found] = selectors.board(floor.workshop, TODAY)["promises"]
        return found

    now = promise()
    assert (now["kind"], now["seconds_left"], now["at_risk"], now["broken"]) == (
        "express",
        3600,
        False,
        False,
    )
    time_machine.move_to(local(8, 40), tick=False)
    soon = promise()
    assert (soon["seconds_left"], soon["at_risk"], soon["broken"]) == (1200, True, False)
    assert selectors.board(floor.workshop, TODAY)["at_risk"] == 1
    time_machine.move_to(local(9, 5), tick=False)
    late = promise()
    assert (late["seconds_left"], late["at_risk"], late["broken"]) == (-300, False, True)
    assert late["label"] == "Late by 5 min"


def test_the_board_reads_in_a_fixed_number_of_queries(
    floor, advisor, django_assert_num_queries, django_assert_max_num_queries
):
    plan(floor, "express", floor.mech, "B1", 8)
    job_clock_on(actor=floor.tech, job=floor.jobs["brakes"])
    with django_assert_max_num_queries(12) as few:
        selectors.board(floor.workshop, TODAY)
    for n, (hour, minute) in enumerate([(9, 0), (10, 0), (11, 0), (13, 15)]):
        ro = approved_walk_in(floor.workshop, advisor, "DIAGNOSIS", title=f"Light {n}")
        board_services.job_reassign(
            actor=floor.foreman,
            job=ro.jobs.get(),
            technician=floor.senior,
            bay=floor.bays["B7"],
            start=local(hour, minute),
        )
    with django_assert_num_queries(len(few.captured_queries)):
        board = selectors.board(floor.workshop, TODAY)
    assert len(row_of(board, floor.senior).blocks) == 4
