"""Surveys after handover: sent to the contact frozen at delivery, answered once, a detractor
alerts the managers once in their own language, and the manager's figures (NPS, periods by
the workshop's calendar, advisors) add up."""

import datetime as dt

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.test import TestCase

from servicelane.core.choices import NetworkRole, WorkshopRole
from servicelane.customers.services import customer_update
from servicelane.followup.links import survey_from_token, survey_token
from servicelane.followup.models import Survey
from servicelane.followup.selectors import nps, survey_list_for_user, survey_results
from servicelane.followup.services import (
    SurveyAlreadyAnswered,
    survey_alert_managers,
    survey_answer,
)
from servicelane.followup.tests.survey_factories import hand_over, survey_of_visit
from servicelane.testing.personas import member, network_staff
from servicelane.testing.scenarios import declined_order, ready_for_handover
from servicelane.workorders.models import RepairOrder

# The repair order floor's day (servicelane.testing.clock); photos in a directory of its own.
pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("pinned_now", "media_in_tmp")]

UTC = dt.UTC


@pytest.fixture
def managers(freiburg):
    """Freiburg's two managers, one reading German, one Chinese."""
    return [
        member(freiburg, WorkshopRole.MANAGER, email="chefin@freiburg.test", language="de"),
        member(freiburg, WorkshopRole.MANAGER, email="jingli@freiburg.test", language="zh-hans"),
    ]


@pytest.fixture
def survey(freiburg, advisor, time_machine):
    return survey_of_visit(freiburg, advisor, time_machine)


def answer(survey, satisfaction=5, recommend=10, comment="", ip="192.0.2.10"):
    with TestCase.captureOnCommitCallbacks(execute=True):
        return survey_answer(
            survey=survey, satisfaction=satisfaction, recommend=recommend, comment=comment, ip=ip
        )


# ---------------------------------------------------------------- sending


def test_handover_sends_the_survey_link_to_the_contact_in_their_language(freiburg, advisor):
    ro = declined_order(freiburg, advisor)
    mail.outbox.clear()

    survey = hand_over(ro, advisor)

    assert survey.email == "walkin@example.de"
    assert survey.language == "de"
    assert survey.sent_at is not None
    message = mail.outbox[-1]
    assert message.to == ["walkin@example.de"]
    token = message.body.split("/c/survey/")[1].split("/")[0]
    assert survey_from_token(token) == survey


def test_changing_the_e_mails_after_handover_does_not_redirect_the_survey(
    freiburg, advisor, tech, foreman
):
    ro = ready_for_handover(freiburg, advisor, tech, foreman)
    mail.outbox.clear()

    with TestCase.captureOnCommitCallbacks(execute=False) as pending:
        hand_over(ro, advisor, send=False)
    # Before the e-mail leaves, staff change the customer's and the order's address.
    customer_update(actor=advisor, customer=ro.customer, email="someone.else@example.org")
    RepairOrder.objects.filter(pk=ro.pk).update(contact_email="someone.else@example.org")
    for callback in pending:
        callback()

    survey = Survey.objects.get(repair_order_ref=ro.pk)
    assert survey.email == "walkin@example.de"
    assert [m.to for m in mail.outbox if "/c/survey/" in m.body] == [["walkin@example.de"]]


def test_an_order_without_a_contact_e_mail_gets_a_survey_that_is_not_sent(freiburg, advisor):
    ro = declined_order(freiburg, advisor)
    RepairOrder.objects.filter(pk=ro.pk).update(contact_email="")
    ro.refresh_from_db()
    mail.outbox.clear()

    survey = hand_over(ro, advisor)

    assert (survey.email, survey.sent_at) == ("", None)
    assert mail.outbox == []


# ---------------------------------------------------------------- answering


def test_an_answer_is_stored_with_the_client_address(survey):
    answer(survey, satisfaction="4", recommend="9", comment="  Quick and friendly.  ")

    survey.refresh_from_db()
    assert (survey.satisfaction, survey.recommend) == (4, 9)
    assert survey.comment == "Quick and friendly."
    assert survey.answer_ip == "192.0.2.10"
    assert survey.answered_at is not None


def test_a_second_answer_is_refused_and_changes_nothing(survey):
    answer(survey, satisfaction=5, recommend=10, comment="Great")

    with pytest.raises(SurveyAlreadyAnswered):
        answer(survey, satisfaction=1, recommend=0, comment="Changed my mind")

    survey.refresh_from_db()
    assert (survey.satisfaction, survey.recommend, survey.comment) == (5, 10, "Great")


@pytest.mark.parametrize(
    ("satisfaction", "recommend", "fields"),
    [
        (0, 5, {"satisfaction"}),
        (6, 5, {"satisfaction"}),
        (3, 11, {"recommend"}),
        (3, -1, {"recommend"}),
        ("", "", {"satisfaction", "recommend"}),
        ("4.5", "ten", {"satisfaction", "recommend"}),
        (None, True, {"satisfaction", "recommend"}),
    ],
)
def test_scores_out_of_range_are_refused_by_field(survey, satisfaction, recommend, fields):
    with pytest.raises(ValidationError) as exc:
        answer(survey, satisfaction=satisfaction, recommend=recommend)

    assert set(exc.value.message_dict) == fields
    survey.refresh_from_db()
    assert survey.answered_at is None and survey.satisfaction is None


def test_a_comment_longer_than_2000_characters_is_refused(survey):
    with pytest.raises(ValidationError) as exc:
        answer(survey, comment="x" * 2001)

    assert exc.value.message_dict == {
        "comment": ["Please keep your comment to 2000 characters (it has 2001)."]
    }
    answer(survey, comment="x" * 2000)
    survey.refresh_from_db()
    assert len(survey.comment) == 2000


def test_the_link_expires_30_days_after_delivery(survey, time_machine):
    token = survey_token(survey)
    time_machine.move_to(survey.delivered_at + dt.timedelta(days=30, minutes=1), tick=False)

    assert survey_from_token(token) is None
    assert survey_from_token(token, allow_expired=True) == survey
    with pytest.raises(ValidationError):
        answer(survey)
    survey.refresh_from_db()
    assert survey.answered_at is None


def test_a_forged_or_foreign_token_opens_nothing(survey):
    token = survey_token(survey)

    assert survey_from_token(token[:-2] + "xx") is None
    assert survey_from_token("set-password") is None


# ---------------------------------------------------------------- detractors


def test_a_detractor_alerts_every_manager_once_in_their_own_language(
    survey, managers, advisor, beijing
):
    member(beijing, WorkshopRole.MANAGER, email="manager@beijing.test")
    mail.outbox.clear()

    answer(survey, satisfaction=2, recommend=6, comment="Waited two hours.")

    alerts = {m.to[0]: m for m in mail.outbox}
    assert set(alerts) == {"chefin@freiburg.test", "jingli@freiburg.test"}
    ro = RepairOrder.objects.get(pk=survey.repair_order_ref)
    link = f"http://127.0.0.1:8000/repair-orders/{ro.pk}/"
    for message in alerts.values():
        assert ro.number in message.subject
        assert "6/10" in message.body and "2/5" in message.body
        assert "Waited two hours." in message.body
        assert link in message.body
    assert "Werkstattauftrag" in alerts["chefin@freiburg.test"].body
    assert "维修工单" in alerts["jingli@freiburg.test"].body
    survey.refresh_from_db()
    assert survey.manager_alerted_at is not None

    mail.outbox.clear()
    with TestCase.captureOnCommitCallbacks(execute=True):
        assert survey_alert_managers(survey=survey) == 0
    assert mail.outbox == []


@pytest.mark.parametrize("recommend", [7, 8, 9, 10])
def test_passives_and_promoters_alert_nobody(survey, managers, recommend):
    mail.outbox.clear()

    answer(survey, satisfaction=4, recommend=recommend)

    assert mail.outbox == []
    survey.refresh_from_db()
    assert survey.manager_alerted_at is None


def test_a_detractor_without_managers_is_kept_unstamped(survey):
    mail.outbox.clear()

    answer(survey, satisfaction=1, recommend=0)

    assert mail.outbox == []
    survey.refresh_from_db()
    assert (survey.recommend, survey.manager_alerted_at) == (0, None)


# ---------------------------------------------------------------- figures


@pytest.mark.parametrize(
    ("promoters", "detractors", "answered", "expected"),
    [
        (2, 1, 4, 25),
        (0, 0, 0, None),
        (0, 3, 3, -100),
        (3, 0, 3, 100),
        (1, 0, 3, 33),
        (2, 0, 3, 67),
        (1, 2, 8, -13),  # -12.5 rounds away from zero
        (0, 0, 5, 0),
    ],
)
def test_nps_is_promoters_minus_detractors_in_whole_percent(
    promoters, detractors, answered, expected
):
    assert nps(promoters, detractors, answered) == expected


def test_two_promoters_a_passive_and_a_detractor_make_an_nps_of_25(
    freiburg, advisor, manager, time_machine
):
    for scores in [(5, 10), (4, 9), (4, 7), (2, 3)]:
        survey_of_visit(freiburg, advisor, time_machine, answer=scores)
    survey_of_visit(freiburg, advisor, time_machine)  # sent, not answered

    results = survey_results(user=manager, period="month")

    november = results.periods[-1]
    assert november.start == dt.date(2026, 11, 1) and november.end == dt.date(2026, 11, 30)
    assert (november.sent, november.answered, november.response_rate) == (5, 4, 80)
    assert (november.promoters, november.passives, november.detractors) == (2, 1, 1)
    assert november.nps == 25
    assert str(november.avg_satisfaction) == "3.8"  # 15 / 4 = 3.75
    assert [p.nps for p in results.periods[:-1]] == [None] * 11
    assert len(results.periods) == 12 and results.periods[0].start == dt.date(2025, 12, 1)


def test_visits_count_in_the_period_of_the_workshops_local_day(
    freiburg, beijing, advisor, advisor_bj, network, time_machine
):
    # 23:30 UTC on 31 October is already 1 November in Freiburg (UTC+1)...
    survey_of_visit(
        freiburg, advisor, time_machine, dt.datetime(2026, 10, 31, 23, 30, tzinfo=UTC), (5, 10)
    )
    # ...and 17:00 UTC is 01:00 on 1 November in Beijing (UTC+8), but 18:00 in Freiburg.
    survey_of_visit(
        beijing, advisor_bj, time_machine, dt.datetime(2026, 10, 31, 17, 0, tzinfo=UTC), (1, 2)
    )
    survey_of_visit(
        freiburg, advisor, time_machine, dt.datetime(2026, 10, 31, 17, 0, tzinfo=UTC), (3, 8)
    )
    staff = network_staff(network, NetworkRole.NETWORK_SUPPORT)

    results = survey_results(user=staff, period="month")

    october, november = results.periods[-2], results.periods[-1]
    assert (october.answered, october.nps) == (1, 0)  # Freiburg's passive
    assert (november.answered, november.promoters, november.detractors) == (2, 1, 1)
    fr_only = survey_results(user=staff, period="month", workshop="fr")
    assert [p.answered for p in fr_only.periods[-2:]] == [1, 1]


def test_weeks_start_on_monday_and_quarters_on_the_quarter(
    freiburg, advisor, manager, time_machine
):
    # Sunday 22 November 22:30 in Freiburg is the week of 16 November; 23:10 UTC is already
    # Monday 00:10 there, this week.
    survey_of_visit(
        freiburg, advisor, time_machine, dt.datetime(2026, 11, 22, 21, 30, tzinfo=UTC), (5, 9)
    )
    survey_of_visit(
        freiburg, advisor, time_machine, dt.datetime(2026, 11, 22, 23, 10, tzinfo=UTC), (5, 10)
    )
    survey_of_visit(
        freiburg, advisor, time_machine, dt.datetime(2026, 9, 30, 12, 0, tzinfo=UTC), (1, 0)
    )

    weeks = survey_results(user=manager, period="week").periods
    assert [(p.start, p.answered) for p in weeks[-2:]] == [
        (dt.date(2026, 11, 16), 1),
        (dt.date(2026, 11, 23), 1),
    ]
    assert weeks[-1].label == "Week 48, 2026"
    quarters = survey_results(user=manager, period="quarter").periods
    assert [(p.label, p.answered, p.nps) for p in quarters[-2:]] == [
        ("Q3 2026", 1, -100),
        ("Q4 2026", 2, 100),
    ]
    assert quarters[0].start == dt.date(2024, 1, 1)


def test_figures_per_advisor(freiburg, advisor, manager, time_machine):
    colleague = member(
        freiburg, WorkshopRole.ADVISOR, email="zweite@freiburg.test", full_name="Zoe Zweite"
    )
    for scores in [(5, 10), (4, 9), (3, 5)]:
        survey_of_visit(freiburg, advisor, time_machine, answer=scores)
    survey_of_visit(freiburg, colleague, time_machine, answer=(2, 6))
    survey_of_visit(freiburg, colleague, time_machine)

    advisors = {a.name: a for a in survey_results(user=manager, period="month").advisors}

    mine = advisors[advisor.full_name]
    assert (mine.sent, mine.answered, mine.nps, str(mine.avg_satisfaction)) == (3, 3, 33, "4.0")
    theirs = advisors["Zoe Zweite"]
    assert (theirs.sent, theirs.answered, theirs.nps, str(theirs.avg_satisfaction)) == (
        2,
        1,
        -100,
        "2.0",
    )


def test_another_workshops_surveys_are_invisible(
    freiburg, beijing, advisor, advisor_bj, manager, time_machine
):
    survey_of_visit(freiburg, advisor, time_machine, answer=(5, 10, "Super"))
    survey_of_visit(beijing, advisor_bj, time_machine, answer=(1, 0, "太慢了"))

    results = survey_results(user=manager, period="month", comments=10)

    assert results.total.answered == 1 and results.total.nps == 100
    assert [s.comment for s in results.comments] == ["Super"]
    assert [s.workshop.code for s in survey_list_for_user(manager)] == ["FR"]
    with pytest.raises(ValidationError) as exc:
        survey_results(user=manager, workshop="BJ")
    assert "workshop" in exc.value.message_dict
    # An advisor reads no survey results at all.
    assert survey_results(user=advisor).total.sent == 0
    assert list(survey_list_for_user(advisor)) == []
