"""A job moved by hand starts no earlier than the parts it waits for arrive, and only
when a usable copy of every special tool it needs is free for it."""

import pytest
from django.core.exceptions import ValidationError

from servicelane.control.board import services as board_services
from servicelane.control.jobs.selectors import plan_of
from servicelane.testing.clients import bearer_client
from servicelane.testing.floor import approved_walk_in, local
from servicelane.tools import services as tools_room
from servicelane.workorders.models import Job

pytestmark = pytest.mark.django_db


def move(floor, job, who, hour, minute=0, bay="B7"):
    return board_services.job_reassign(
        actor=floor.foreman,
        job=job,
        technician=who,
        bay=floor.bays[bay],
        start=local(hour, minute),
    )


def lend(floor, copy, technician, job=None):
    tools_room.tool_check_out(
        actor=floor.foreman,
        tool=floor.tools[("ICOM-NEXT", copy)],
        technician=technician,
        job_id=job.pk if job else None,
    )


@pytest.fixture
def two_diagnoses(floor, advisor):
    """A second diagnosis besides the floor's; one diagnosis interface is out with no
    job, so one copy is left for the day."""
    other = Job.objects.get(
        repair_order=approved_walk_in(floor.workshop, advisor, "DIAGNOSIS", title="Misfire")
    )
    lend(floor, 1, floor.mech)
    return floor.jobs["diagnosis"], other


def test_a_job_is_not_moved_to_a_time_its_tool_is_taken(floor, two_diagnoses):
    first, second = two_diagnoses
    move(floor, first, floor.senior, 10)

    with pytest.raises(ValidationError) as refused:
        move(floor, second, floor.tech, 10, bay="B1")

    number = first.repair_order.number
    assert refused.value.message_dict == {
        "start": [
            "Every usable copy of the special tool ICOM-NEXT is taken then "
            f"({number}/{first.position})."
        ]
    }
    assert plan_of(Job.objects.get(pk=second.pk)).planned_start is None
    # Once the first diagnosis is done the copy is free again.
    assert plan_of(move(floor, second, floor.tech, 14, bay="B1")).planned_start == local(14)


def test_a_copy_checked_out_for_the_job_is_its_own(floor, two_diagnoses):
    first, second = two_diagnoses
    move(floor, first, floor.senior, 10)
    lend(floor, 2, floor.tech, second)

    assert plan_of(move(floor, second, floor.tech, 10, bay="B1")).planned_start == local(10)


def test_a_job_needing_a_tool_with_no_usable_copy_is_refused(floor, two_diagnoses):
    first, _second = two_diagnoses
    lend(floor, 2, floor.tech)

    with pytest.raises(ValidationError) as refused:
        move(floor, first, floor.senior, 10)

    assert refused.value.message_dict == {
        "start": ["The tools room has no usable copy of the special tool ICOM-NEXT."]
    }


def test_a_job_does_not_start_before_its_parts_arrive(floor, monkeypatch):
    brakes = floor.jobs["brakes"]
    monkeypatch.setattr(
        board_services, "jobs_waiting_for_parts", lambda ids: {brakes.pk: local(10, 30)}
    )

    with pytest.raises(ValidationError) as refused:
        move(floor, brakes, floor.tech, 10, bay="B1")

    assert refused.value.message_dict == {
        "start": [
            "The parts for this job are expected at 10:30 on 2026-11-24; start it then or later."
        ]
    }
    moved = move(floor, brakes, floor.tech, 10, 30, bay="B1")
    assert plan_of(moved).planned_start == local(10, 30)


def test_parts_without_an_arrival_date_do_not_hold_a_job_moved_by_hand(floor, monkeypatch):
    brakes = floor.jobs["brakes"]
    monkeypatch.setattr(board_services, "jobs_waiting_for_parts", lambda ids: {brakes.pk: None})

    assert plan_of(move(floor, brakes, floor.tech, 10, bay="B1")).planned_start == local(10)


def test_the_api_names_the_start_for_a_taken_tool(floor, two_diagnoses):
    import json

    first, second = two_diagnoses
    move(floor, first, floor.senior, 10)

    response = bearer_client(floor.foreman).post(
        f"/api/v1/control/jobs/{second.pk}/reassign",
        json.dumps({"technician_id": floor.tech.pk, "start": "2026-11-24T10:00"}),
        content_type="application/json",
    )

    assert response.status_code == 400
    assert list(response.json()["errors"]) == ["start"]
