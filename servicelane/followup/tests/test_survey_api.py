"""The survey API: the list of surveys and the summary the manager's page shows, read only
and scoped to the user's workshops."""

import datetime as dt

import pytest

from servicelane.core.choices import NetworkRole
from servicelane.followup.tests.survey_factories import survey_of_visit
from servicelane.testing.clients import bearer_client
from servicelane.testing.personas import network_staff

# The repair order floor's day (servicelane.testing.clock); photos in a directory of its own.
pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("pinned_now", "media_in_tmp")]

URL = "/api/v1/surveys"
UTC = dt.UTC


@pytest.fixture
def boss(manager):
    return bearer_client(manager)


@pytest.fixture
def surveys(freiburg, beijing, advisor, advisor_bj, time_machine):
    """Freiburg: a promoter on 2 Nov, a detractor on 20 Nov, one still open (today);
    Beijing: a promoter."""
    return {
        "promoter": survey_of_visit(
            freiburg,
            advisor,
            time_machine,
            dt.datetime(2026, 11, 2, 9, tzinfo=UTC),
            (5, 10, "Prima"),
        ),
        "detractor": survey_of_visit(
            freiburg,
            advisor,
            time_machine,
            dt.datetime(2026, 11, 20, 9, tzinfo=UTC),
            (2, 5, "Zu teuer"),
        ),
        "open": survey_of_visit(freiburg, advisor, time_machine),
        "beijing": survey_of_visit(beijing, advisor_bj, time_machine, answer=(5, 9)),
    }


def test_the_list_shows_answered_and_pending_surveys_newest_first(boss, surveys, advisor):
    response = boss.get(URL)

    assert response.status_code == 200
    body = response.json()
    assert body["count"] == 3
    assert [s["id"] for s in body["items"]] == [
        surveys["open"].pk,
        surveys["detractor"].pk,
        surveys["promoter"].pk,
    ]
    bad = body["items"][1]
    assert bad["workshop"] == "FR"
    assert bad["repair_order_number"] == surveys["detractor"].repair_order_number
    assert (bad["satisfaction"], bad["recommend"], bad["comment"]) == (2, 5, "Zu teuer")
    assert bad["group"] == "detractor"
    assert bad["advisor_name"] == advisor.full_name
    assert bad["delivered_at"] == "2026-11-20T09:00:00Z"
    assert bad["delivered_on"] == "2026-11-20"
    assert body["items"][0]["answered_at"] is None and body["items"][0]["group"] is None
    assert "email" not in bad and "answer_ip" not in bad


def test_the_list_filters_by_answered_and_local_delivery_day(boss, surveys):
    answered = boss.get(URL, {"answered": "true"}).json()
    pending = boss.get(URL, {"answered": "false"}).json()
    early = boss.get(URL, {"date_from": "2026-11-01", "date_to": "2026-11-10"}).json()
    beijing = boss.get(URL, {"workshop": "BJ"}).json()

    assert answered["count"] == 2
    assert [s["id"] for s in pending["items"]] == [surveys["open"].pk]
    assert [s["id"] for s in early["items"]] == [surveys["promoter"].pk]
    assert beijing["count"] == 0  # not one of the manager's workshops


def test_a_bad_filter_answers_400_by_field(boss, surveys):
    response = boss.get(URL, {"date_from": "yesterday"})

    assert response.status_code == 400
    assert "date_from" in response.json()["errors"]


def test_the_list_is_paginated(boss, freiburg, advisor, time_machine, settings):
    for _ in range(3):
        survey_of_visit(freiburg, advisor, time_machine)

    body = boss.get(URL, {"page_size": 2, "page": 2}).json()

    assert body["count"] == 3 and len(body["items"]) == 1


def test_the_summary_has_periods_and_advisors(boss, surveys, advisor):
    response = boss.get(f"{URL}/summary", {"period": "month"})

    assert response.status_code == 200
    body = response.json()
    assert body["period"] == "month"
    assert body["workshops"] == ["FR"]
    assert len(body["periods"]) == 12
    november = body["periods"][-1]
    assert (november["start"], november["end"], november["label"]) == (
        "2026-11-01",
        "2026-11-30",
        "November 2026",
    )
    assert (november["sent"], november["answered"], november["response_rate"]) == (3, 2, 67)
    assert (november["promoters"], november["passives"], november["detractors"]) == (1, 0, 1)
    assert november["nps"] == 0
    assert november["avg_satisfaction"] == "3.5"
    assert body["periods"][0]["nps"] is None
    assert body["total"]["answered"] == 2
    assert body["advisors"] == [
        {
            "advisor_id": advisor.pk,
            "name": advisor.full_name,
            "workshop": "FR",
            "sent": 3,
            "answered": 2,
            "response_rate": 67,
            "avg_satisfaction": "3.5",
            "promoters": 1,
            "passives": 0,
            "detractors": 1,
            "nps": 0,
        }
    ]


def test_the_summary_by_week_and_quarter(boss, surveys):
    weeks = boss.get(f"{URL}/summary", {"period": "week"}).json()["periods"]
    quarters = boss.get(f"{URL}/summary", {"period": "quarter"}).json()["periods"]

    assert [(w["start"], w["answered"]) for w in weeks[-4:]] == [
        ("2026-11-02", 1),
        ("2026-11-09", 0),
        ("2026-11-16", 1),
        ("2026-11-23", 0),
    ]
    assert (quarters[-1]["label"], quarters[-1]["answered"]) == ("Q4 2026", 2)


def test_a_bad_period_or_a_foreign_workshop_answers_400(boss, surveys):
    period = boss.get(f"{URL}/summary", {"period": "year"})
    foreign = boss.get(f"{URL}/summary", {"workshop": "BJ"})

    assert period.status_code == 400 and "period" in period.json()["errors"]
    assert foreign.status_code == 400
    assert foreign.json()["errors"] == {"workshop": ["Unknown workshop or not allowed for you."]}


def test_network_staff_read_every_workshop_and_may_narrow_to_one(network, surveys):
    staff = bearer_client(network_staff(network, NetworkRole.NETWORK_ADMIN))

    everything = staff.get(URL).json()
    beijing = staff.get(f"{URL}/summary", {"workshop": "bj"}).json()

    assert everything["count"] == 4
    assert beijing["workshops"] == ["BJ"]
    assert beijing["total"]["answered"] == 1 and beijing["total"]["nps"] == 100


def test_roles_without_survey_results_get_403(api, surveys):
    assert api.get(URL).status_code == 403  # the advisor
    assert api.get(f"{URL}/summary").status_code == 403
    assert api.get(URL).json()["detail"] == "Your role does not allow this."


def test_surveys_cannot_be_changed_through_the_api(boss, surveys):
    survey = surveys["open"]

    for method in ("post", "put", "patch", "delete"):
        response = getattr(boss, method)(
            URL, {"email": "elsewhere@example.org"}, content_type="application/json"
        )
        assert response.status_code == 405
    survey.refresh_from_db()
    assert survey.email == "walkin@example.de"
