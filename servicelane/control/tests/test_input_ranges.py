"""Dates far outside the calendar a workshop lives in (9999-12-31, 0001-01-01) and ids
no row can have (beyond a 64-bit integer) are refused like any other wrong input: a 400
with the field in the API, an inline error or today's page on the screens; nothing is
half-written (no planning run left queued)."""

import datetime as dt
import json

import pytest
from django.core.exceptions import ValidationError

from servicelane.control.jobs.selectors import plan_of
from servicelane.control.models import Absence, PlanningRun, Shift
from servicelane.control.planning import runs
from servicelane.control.roster import services as roster_services
from servicelane.testing.clients import bearer_client
from servicelane.workorders.models import Job

pytestmark = pytest.mark.django_db

API = "/api/v1/control"
RANGE = "Choose a date between 2000-01-01 and 2100-12-31."
HUGE = 99999999999999999999999
FAR = ["9999-12-31", "0001-01-01"]


@pytest.fixture
def api(floor):
    return bearer_client(floor.foreman)


def _send(api, method, url, data=None):
    body = json.dumps(data) if data is not None else None
    return getattr(api, method)(url, body, content_type="application/json")


@pytest.mark.parametrize("day", FAR)
@pytest.mark.parametrize(
    "path,name",
    [
        ("board?date={}", "date"),
        ("efficiency?date={}", "date"),
        ("efficiency?period=month&date={}", "date"),
        ("efficiency?period=day&date={}", "date"),
        ("attendance?date={}", "date"),
        ("roster?week={}", "week"),
    ],
)
def test_the_api_refuses_days_out_of_range(api, path, name, day):
    response = api.get(f"{API}/{path.format(day)}")

    assert response.status_code == 400
    assert response.json()["errors"] == {name: [RANGE]}


@pytest.mark.parametrize("day", FAR)
@pytest.mark.parametrize(
    "page", ["/control/?date={}", "/control/efficiency/?date={}", "/control/attendance/?date={}"]
)
def test_pages_fall_back_to_today_for_days_out_of_range(foreman_client, page, day):
    response = foreman_client.get(page.format(day))

    assert response.status_code == 200
    assert response.context["day"].isoformat() == "2026-11-24"


@pytest.mark.parametrize("day", FAR)
def test_the_roster_page_shows_this_week_for_a_week_out_of_range(foreman_client, day):
    response = foreman_client.get(f"/control/roster/?week={day}")

    assert response.status_code == 200
    assert response.context["week"].monday.isoformat() == "2026-11-23"


def test_the_efficiency_page_says_why_it_shows_today(foreman_client):
    response = foreman_client.get("/control/efficiency/?date=9999-12-31&period=month")

    assert response.context["errors"] == {"date": [RANGE]}


@pytest.mark.parametrize("day", FAR)
def test_no_run_is_left_behind_for_a_day_out_of_range(api, foreman_client, day):
    response = _send(api, "post", f"{API}/planning-runs", {"date": day})
    page = foreman_client.post("/control/plan/", {"date": day})

    assert response.status_code == 400
    assert response.json()["errors"] == {"date": [RANGE]}
    assert page.status_code == 302
    assert not PlanningRun.objects.exists()


def test_the_planning_service_refuses_before_it_creates_a_run(floor):
    with pytest.raises(ValidationError) as refused:
        runs.planning_run_request(
            actor=floor.foreman, workshop=floor.workshop, day=dt.date(9999, 12, 31)
        )

    assert refused.value.message_dict == {"date": [RANGE]}
    assert not PlanningRun.objects.exists()


@pytest.mark.parametrize("start", ["9999-12-31T23:59:00", "0001-01-01T00:00:00"])
def test_a_job_is_not_moved_to_a_time_out_of_range(api, floor, start):
    job = floor.jobs["brakes"]

    response = _send(
        api,
        "post",
        f"{API}/jobs/{job.pk}/reassign",
        {"technician_id": floor.mech.pk, "start": start},
    )

    assert response.status_code == 400
    assert response.json()["errors"] == {"start": [RANGE]}
    assert plan_of(Job.objects.get(pk=job.pk)).planned_start is None


@pytest.mark.parametrize("day", FAR)
def test_the_move_form_shows_a_day_out_of_range_at_the_start(foreman_client, floor, day):
    job = floor.jobs["brakes"]

    response = foreman_client.post(
        f"/control/jobs/{job.pk}/reassign/",
        {"technician": floor.mech.pk, "start": "23:59", "date": day},
    )

    assert response.status_code == 400
    assert response.context["reassign"]["form"].errors["start"] == [RANGE]
    assert plan_of(Job.objects.get(pk=job.pk)).planned_start is None


@pytest.mark.parametrize("day", FAR)
def test_an_absence_out_of_range_is_refused(api, foreman_client, floor, day):
    response = _send(
        api,
        "post",
        f"{API}/roster/absences",
        {"technician_id": floor.mech.pk, "starts_at": f"{day}T00:00", "ends_at": f"{day}T01:00"},
    )
    page = foreman_client.post(
        "/control/roster/absences/",
        {"technician": floor.mech.pk, "starts_at": f"{day}T00:00", "ends_at": f"{day}T01:00"},
    )

    assert response.status_code == 400
    assert response.json()["errors"] == {"starts_at": [RANGE], "ends_at": [RANGE]}
    assert page.status_code == 400
    assert page.context["form"].errors["starts_at"] == [RANGE]
    assert not Absence.objects.exists()


def test_the_roster_services_refuse_days_out_of_range(floor):
    with pytest.raises(ValidationError) as absence:
        roster_services.absence_add(
            actor=floor.foreman,
            workshop=floor.workshop,
            technician=floor.mech,
            starts_at=dt.datetime(1, 1, 1, tzinfo=dt.UTC),
            ends_at=dt.datetime(1, 1, 1, 1, tzinfo=dt.UTC),
        )
    with pytest.raises(ValidationError) as shift:
        roster_services.shift_set(
            actor=floor.foreman,
            workshop=floor.workshop,
            technician=floor.mech,
            date=dt.date(9999, 12, 31),
            starts_at=dt.time(8),
            ends_at=dt.time(17),
        )

    assert absence.value.message_dict == {"starts_at": [RANGE]}
    assert shift.value.message_dict == {"date": [RANGE]}
    assert not Shift.objects.filter(date__year=9999).exists()


def test_a_shift_out_of_range_is_refused(api, foreman_client, floor):
    response = _send(
        api,
        "put",
        f"{API}/roster/shifts",
        {
            "technician_id": floor.mech.pk,
            "date": "9999-12-31",
            "starts_at": "08:00",
            "ends_at": "17:00",
        },
    )
    page = foreman_client.post(
        "/control/roster/shifts/",
        {
            "technician": floor.mech.pk,
            "date": "9999-12-31",
            "starts_at": "08:00",
            "ends_at": "17:00",
        },
    )

    assert response.status_code == 400
    assert response.json()["errors"] == {"date": [RANGE]}
    assert page.status_code == 400
    assert not Shift.objects.filter(date__year=9999).exists()


def test_tools_are_not_lent_or_calibrated_out_of_range(api, floor):
    tool = floor.tools[("ICOM-NEXT", 1)]

    lent = _send(
        api,
        "post",
        f"{API}/tools/{tool.pk}/check-out",
        {"technician_id": floor.mech.pk, "due_back_at": "9999-12-31T23:59"},
    )
    calibrated = _send(
        api, "post", f"{API}/tools/{tool.pk}/calibration", {"calibration_due": "9999-12-31"}
    )

    assert lent.json()["errors"] == {"due_back_at": [RANGE]}
    assert calibrated.json()["errors"] == {"calibration_due": [RANGE]}


# ---------------------------------------------------------------- ids beyond any row


def _huge_requests(floor):
    job, tool = floor.jobs["brakes"].pk, floor.tools[("ICOM-NEXT", 1)].pk
    tech = floor.mech.pk
    later = {"starts_at": "2026-11-25T08:00", "ends_at": "2026-11-25T09:00"}
    return [
        ("post", f"jobs/{job}/reassign", {"technician_id": HUGE, "start": "2026-11-24T10:00"}),
        (
            "post",
            f"jobs/{job}/reassign",
            {"technician_id": tech, "bay_id": HUGE, "start": "2026-11-24T10:00"},
        ),
        ("post", f"tools/{tool}/check-out", {"technician_id": HUGE}),
        ("post", f"tools/{tool}/check-out", {"technician_id": tech, "job_id": HUGE}),
        ("post", "roster/absences", {"technician_id": HUGE, **later}),
        (
            "put",
            "roster/shifts",
            {"technician_id": HUGE, "date": "2026-11-25", "starts_at": "08:00", "ends_at": "17:00"},
        ),
        ("delete", f"roster/shifts?technician_id={HUGE}&date=2026-11-25", None),
    ]


def test_ids_no_row_can_have_are_field_errors(api, floor):
    for method, path, data in _huge_requests(floor):
        response = _send(api, method, f"{API}/{path}", data)

        assert response.status_code == 400, path
        [(field, messages)] = response.json()["errors"].items()
        assert field in ("technician_id", "bay_id", "job_id")
        assert messages == ["No record has this id."]


@pytest.mark.parametrize(
    "method,path",
    [
        ("put", f"roster/technicians/{HUGE}"),
        ("get", f"tools/{HUGE}"),
        ("get", f"planning-runs/{HUGE}"),
        ("delete", f"roster/absences/{HUGE}"),
    ],
)
def test_a_path_id_no_row_can_have_is_not_found(api, method, path):
    data = {"level": 2, "skills": []} if method == "put" else None

    response = _send(api, method, f"{API}/{path}", data)

    assert response.status_code == 404
