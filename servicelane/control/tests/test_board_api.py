"""The dispatch board and planning runs in the API: the board of a day, a run requested,
read and applied, a job moved by hand; errors as JSON with the reason by field."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from servicelane.control.choices import PlanningStatus
from servicelane.control.models import PlanningRun
from servicelane.control.planning import runs
from servicelane.testing.clients import bearer_client
from servicelane.testing.floor import TODAY
from servicelane.workorders.models import Job

pytestmark = pytest.mark.django_db

API = "/api/v1/control"


@pytest.fixture
def api(floor):
    return bearer_client(floor.foreman)


def test_the_board_lists_technicians_jobs_to_plan_and_promises(api, floor):
    response = api.get(f"{API}/board", {"date": TODAY.isoformat()})

    assert response.status_code == 200
    body = response.json()
    assert body["workshop"] == floor.workshop.code
    assert [row["name"] for row in body["rows"]] == [
        "Katrin Vogel",
        "Mia Mechatronik",
        "Tom Technik",
        "Jan Junior",
    ]
    assert {b["title"] for b in body["to_plan"]} == {
        "Express-Ölservice",
        "Brakes front",
        "Warning light",
        "HV battery",
    }
    [promise] = body["promises"]
    assert (promise["kind"], promise["seconds_left"], promise["at_risk"]) == (
        "express",
        3600,
        False,
    )


def test_a_run_is_planned_read_and_applied(api, floor):
    created = api.post(
        f"{API}/planning-runs",
        {"date": TODAY.isoformat(), "time_limit_s": "2"},
        content_type="application/json",
    )

    assert created.status_code == 201
    run = created.json()
    assert run["status"] == "done"
    assert run["metrics"]["broken_promises"] == 0
    assert run["baseline"]["broken_promises"] == 0
    assert len(run["assignments"]) == 4 and run["unplaced"] == []
    hv = next(a for a in run["assignments"] if a["job_id"] == floor.jobs["hv"].pk)
    assert (hv["technician"], hv["bay_code"]) == ("Katrin Vogel", "B5")

    assert api.get(f"{API}/planning-runs/{run['id']}").json()["assignments"] == run["assignments"]
    applied = api.post(f"{API}/planning-runs/{run['id']}/apply")

    assert applied.status_code == 200 and applied.json()["status"] == "applied"
    assert not Job.objects.filter(plan__planned_start__isnull=True).exists()
    again = api.post(f"{API}/planning-runs/{run['id']}/apply")
    assert again.status_code == 400
    assert again.json()["detail"] == "This proposal has been applied already."


def test_a_discarded_run_reads_as_discarded_and_cannot_be_applied(api, floor):
    created = api.post(
        f"{API}/planning-runs",
        {"date": TODAY.isoformat(), "time_limit_s": "2"},
        content_type="application/json",
    ).json()
    runs.planning_run_discard(actor=floor.foreman, run=PlanningRun.objects.get(pk=created["id"]))

    run = api.get(f"{API}/planning-runs/{created['id']}").json()

    assert (run["status"], run["status_label"], run["discarded"]) == (
        "discarded",
        "Discarded",
        True,
    )
    assert run["discarded_at"] == "2026-11-24T07:00:00Z"
    assert len(run["assignments"]) == 4  # the proposal stays readable
    refused = api.post(f"{API}/planning-runs/{created['id']}/apply")
    assert refused.status_code == 400
    assert refused.json()["detail"] == "This proposal was discarded."
    assert not Job.objects.filter(plan__planned_start__isnull=False).exists()


def test_a_large_day_is_accepted_and_planned_in_the_background(
    api, floor, settings, django_capture_on_commit_callbacks
):
    settings.PLANNING_SYNC_MAX_JOBS = 1

    with django_capture_on_commit_callbacks(execute=True):
        created = api.post(
            f"{API}/planning-runs", {"time_limit_s": 1}, content_type="application/json"
        )
        assert created.status_code == 202 and created.json()["status"] == "queued"

    assert api.get(f"{API}/planning-runs/{created.json()['id']}").json()["status"] == "done"


def test_a_bad_time_limit_is_refused_by_field(api, floor):
    response = api.post(
        f"{API}/planning-runs", {"time_limit_s": 600}, content_type="application/json"
    )

    assert response.status_code == 400
    assert response.json()["errors"] == {
        "time_limit_s": ["The time limit is between 0.1 and 60 seconds."]
    }
    assert not PlanningRun.objects.exists()


def test_a_job_is_moved_by_hand_or_refused_with_the_reason_by_field(api, floor):
    url = f"{API}/jobs/{floor.jobs['brakes'].pk}/reassign"

    refused = api.post(
        url,
        {
            "technician_id": floor.junior.pk,
            "bay_id": floor.bays["B6"].pk,
            "start": "2026-11-24T10:00",
        },
        content_type="application/json",
    )
    moved = api.post(
        url,
        {
            "technician_id": floor.tech.pk,
            "bay_id": floor.bays["B1"].pk,
            "start": "2026-11-24T10:00",
        },
        content_type="application/json",
    )

    assert refused.status_code == 400
    assert refused.json()["errors"] == {
        "technician_id": ["This job needs a technician of level “Technician” or above."],
        "bay_id": ["Bay B6 lacks the equipment this job needs: Lift."],
    }
    assert moved.status_code == 200
    assert moved.json()["technician_id"] == floor.tech.pk
    assert moved.json()["planned_start"] == "2026-11-24T09:00:00Z"  # 10:00 in Freiburg
    assert moved.json()["planned_end"] == "2026-11-24T10:30:00Z"


def test_a_technician_gets_403_and_another_workshop_404(floor, beijing, advisor_bj):
    technician = bearer_client(floor.tech)
    assert technician.get(f"{API}/board").status_code == 403
    assert (
        technician.post(f"{API}/planning-runs", {}, content_type="application/json").status_code
        == 403
    )

    run = PlanningRun.objects.create(
        workshop=floor.workshop, date=TODAY, status=PlanningStatus.DONE
    )
    stranger = bearer_client(advisor_bj)
    assert stranger.get(f"{API}/planning-runs/{run.pk}").status_code == 404
    assert (
        stranger.post(
            f"{API}/jobs/{floor.jobs['brakes'].pk}/reassign",
            {"technician_id": floor.tech.pk, "start": "2026-11-24T10:00"},
            content_type="application/json",
        ).status_code
        == 404
    )


# ---------------------------------------------------------------- runs listed and discarded


def _runs(floor, count: int, day=TODAY) -> list[PlanningRun]:
    return [
        PlanningRun.objects.create(
            workshop=floor.workshop,
            date=day,
            status=PlanningStatus.DONE,
            requested_by=floor.foreman,
            result={"assignments": [], "unplaced": []},
        )
        for _ in range(count)
    ]


def test_runs_are_listed_newest_first_by_day_and_paginated(api, floor):
    today = _runs(floor, 3)
    _runs(floor, 1, TODAY + dt.timedelta(days=1))

    first = api.get(f"{API}/planning-runs", {"date": TODAY.isoformat(), "page_size": 2})
    second = api.get(f"{API}/planning-runs", {"date": TODAY.isoformat(), "page_size": 2, "page": 2})
    every = api.get(f"{API}/planning-runs")

    assert first.status_code == 200
    assert first.json()["count"] == 3
    ids = [r["id"] for r in first.json()["items"] + second.json()["items"]]
    assert ids == [run.pk for run in reversed(today)]
    assert every.json()["count"] == 4
    assert first.json()["items"][0]["status"] == "done"


def test_listing_runs_takes_the_same_queries_for_one_run_or_many(api, floor):
    _runs(floor, 1)
    api.get(f"{API}/planning-runs")  # the token's first use is recorded once
    with CaptureQueriesContext(connection) as one:
        api.get(f"{API}/planning-runs")
    _runs(floor, 9)
    with CaptureQueriesContext(connection) as ten:
        response = api.get(f"{API}/planning-runs")

    assert response.json()["count"] == 10
    assert len(ten) == len(one)


def test_runs_of_another_workshop_are_not_listed(floor, beijing, advisor_bj):
    _runs(floor, 2)

    response = bearer_client(advisor_bj).get(f"{API}/planning-runs")

    assert response.status_code == 200
    assert response.json() == {"items": [], "count": 0}


def test_a_run_is_discarded_through_the_api(api, floor):
    [run] = _runs(floor, 1)

    response = api.post(f"{API}/planning-runs/{run.pk}/discard")
    again = api.post(f"{API}/planning-runs/{run.pk}/discard")
    applied = api.post(f"{API}/planning-runs/{run.pk}/apply")

    assert response.status_code == 200
    assert (response.json()["status"], response.json()["discarded"]) == ("discarded", True)
    run.refresh_from_db()
    assert run.discarded_by == floor.foreman
    assert again.status_code == 200
    assert applied.status_code == 400
    assert applied.json()["detail"] == "This proposal was discarded."


def test_an_applied_run_cannot_be_discarded_and_an_advisor_may_not(api, floor):
    [run, other] = _runs(floor, 2)
    PlanningRun.objects.filter(pk=run.pk).update(status=PlanningStatus.APPLIED)

    refused = api.post(f"{API}/planning-runs/{run.pk}/discard")
    by_advisor = bearer_client(floor.advisor).post(f"{API}/planning-runs/{other.pk}/discard")

    assert refused.status_code == 400
    assert refused.json()["detail"] == "This proposal has been applied already."
    assert by_advisor.status_code == 403
    assert PlanningRun.objects.get(pk=other.pk).status == PlanningStatus.DONE


def test_another_workshops_run_is_not_found_for_discarding(floor, advisor_bj):
    [run] = _runs(floor, 1)

    response = bearer_client(advisor_bj).post(f"{API}/planning-runs/{run.pk}/discard")

    assert response.status_code == 404
    assert PlanningRun.objects.get(pk=run.pk).status == PlanningStatus.DONE
