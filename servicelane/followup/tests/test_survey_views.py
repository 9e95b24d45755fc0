"""The owner's survey page (signed link, their language, answered once) and the manager's
results page (periods, chart, advisors, comments), scoped to the user's workshops."""

import datetime as dt

import pytest
from django.core import mail
from django.test import Client

from servicelane.core.choices import NetworkRole, WorkshopRole
from servicelane.followup.links import survey_path
from servicelane.followup.tests.survey_factories import survey_of_visit
from servicelane.testing.personas import member, network_staff

# The repair order floor's day (servicelane.testing.clock); photos in a directory of its own.
pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("pinned_now", "media_in_tmp")]

SURVEYS = "/follow-up/surveys/"


@pytest.fixture
def survey(freiburg, advisor, time_machine):
    return survey_of_visit(freiburg, advisor, time_machine)


@pytest.fixture
def owner() -> Client:
    """The car owner's phone: no account, an English browser."""
    return Client(HTTP_ACCEPT_LANGUAGE="en", REMOTE_ADDR="198.51.100.23")


@pytest.fixture
def manager_client(manager) -> Client:
    client = Client()
    client.force_login(manager)
    return client


def text(response) -> str:
    return response.content.decode()


# ---------------------------------------------------------------- the owner's page


def test_the_survey_page_speaks_the_surveys_language(owner, survey):
    response = owner.get(survey_path(survey))

    assert response.status_code == 200
    assert response["Content-Language"] == "de"
    page = text(response)
    assert '<html lang="de">' in page
    assert "23. November 2026" in page  # the delivery day, as a German reads it
    assert survey.repair_order_number in page
    assert page.count('type="radio" name="satisfaction"') == 5
    assert page.count('type="radio" name="recommend"') == 11
    assert 'name="comment"' in page and 'maxlength="2000"' in page


def test_an_answer_is_stored_once_with_the_client_address(owner, survey):
    url = survey_path(survey)

    response = owner.post(url, {"satisfaction": "4", "recommend": "9", "comment": "Schnell!"})

    assert response.status_code == 200
    assert "Vielen Dank" in text(response)  # thank you, in German
    survey.refresh_from_db()
    assert (survey.satisfaction, survey.recommend, survey.comment) == (4, 9, "Schnell!")
    assert survey.answer_ip == "198.51.100.23"

    again = owner.post(url, {"satisfaction": "1", "recommend": "0", "comment": "Doch nicht"})

    assert again.status_code == 200
    assert "Sie haben bereits geantwortet, vielen Dank" in text(again)  # in German
    survey.refresh_from_db()
    assert (survey.satisfaction, survey.recommend, survey.comment) == (4, 9, "Schnell!")
    assert "Sie haben bereits geantwortet" in text(owner.get(url))


def test_out_of_range_answers_are_shown_inline_and_nothing_is_stored(owner, survey):
    response = owner.post(
        survey_path(survey), {"satisfaction": "7", "recommend": "11", "comment": "x"}
    )

    assert response.status_code == 400
    page = text(response)
    assert "Wählen Sie Ihre Zufriedenheit von 1 bis 5." in page
    assert "Wählen Sie von 0 bis 10, wie wahrscheinlich Sie uns weiterempfehlen." in page
    assert 'id="satisfaction-error"' in page
    survey.refresh_from_db()
    assert survey.answered_at is None


def test_a_missing_answer_keeps_what_was_chosen(owner, survey):
    response = owner.post(survey_path(survey), {"satisfaction": "5", "comment": "Top"})

    assert response.status_code == 400
    page = text(response)
    assert 'name="satisfaction" value="5" checked' in page
    assert "Top</textarea>" in page
    assert "von 0 bis 10" in page


def test_a_bad_link_is_a_friendly_404(owner, survey):
    response = owner.get("/c/survey/not-a-token/")

    assert response.status_code == 404
    assert "This link is not valid" in text(response)
    tampered = survey_path(survey).rstrip("/")[:-3] + "abc/"
    assert owner.post(tampered, {"satisfaction": "5", "recommend": "10"}).status_code == 404


def test_an_expired_link_says_so_and_takes_no_answer(owner, survey, time_machine):
    time_machine.move_to(survey.delivered_at + dt.timedelta(days=31), tick=False)

    response = owner.post(survey_path(survey), {"satisfaction": "5", "recommend": "10"})

    assert response.status_code == 404
    assert response["Content-Language"] == "de"
    assert "Diese Befragung ist abgeschlossen" in text(response)
    survey.refresh_from_db()
    assert survey.answered_at is None


def test_a_detractor_answer_through_the_page_alerts_the_manager(
    owner, survey, manager, django_capture_on_commit_callbacks
):
    mail.outbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        owner.post(
            survey_path(survey), {"satisfaction": "2", "recommend": "4", "comment": "Zu teuer"}
        )

    assert [m.to for m in mail.outbox] == [["manager@freiburg.test"]]
    assert "Zu teuer" in mail.outbox[0].body


# ---------------------------------------------------------------- the manager's results


def test_results_show_periods_chart_advisors_and_comments(
    manager_client, freiburg, advisor, time_machine
):
    survey_of_visit(freiburg, advisor, time_machine, answer=(5, 10, "Wunderbar"))
    survey_of_visit(freiburg, advisor, time_machine, answer=(4, 9))
    survey_of_visit(freiburg, advisor, time_machine, answer=(4, 7))
    bad = survey_of_visit(freiburg, advisor, time_machine, answer=(2, 3, "Zu langsam"))

    response = manager_client.get(SURVEYS)

    assert response.status_code == 200
    page = text(response)
    assert '<svg viewBox="0 0 720 280"' in page and 'role="img"' in page
    assert "November 2026: NPS 25, average satisfaction 3.8, 4 answers" in page
    assert "<title>October 2026: no answers</title>" in page
    assert page.count("<rect ") == 1  # one bar: only November was answered
    assert "Wunderbar" in page and "Zu langsam" in page
    assert f'href="/repair-orders/{bad.repair_order_ref}/"' in page
    assert 'class="detractor"' in page
    assert advisor.full_name in page
    assert "Visits delivered from Dec. 1, 2025 to Nov. 30, 2026" in page


def test_the_period_selector_changes_the_periods(manager_client, freiburg, advisor, time_machine):
    survey_of_visit(freiburg, advisor, time_machine, answer=(5, 10))

    weeks = text(manager_client.get(SURVEYS, {"period": "week"}))
    quarters = text(manager_client.get(SURVEYS, {"period": "quarter"}))
    wrong = manager_client.get(SURVEYS, {"period": "decade"})

    assert "Week 48, 2026: NPS 100" in weeks
    assert "Q4 2026: NPS 100" in quarters
    assert wrong.status_code == 200
    assert "Choose a week, a month or a quarter." in text(wrong)
    assert "November 2026: NPS 100" in text(wrong)


def test_results_page_query_count_does_not_grow_with_surveys(
    manager_client, freiburg, advisor, time_machine, django_assert_max_num_queries
):
    colleague = member(freiburg, WorkshopRole.ADVISOR, email="zweite@freiburg.test")
    survey_of_visit(freiburg, advisor, time_machine, answer=(5, 10, "a"))
    with django_assert_max_num_queries(10):
        assert manager_client.get(SURVEYS).status_code == 200
    for who in (advisor, colleague, colleague, advisor, colleague):
        survey_of_visit(freiburg, who, time_machine, answer=(3, 6, "b"))

    with django_assert_max_num_queries(10):
        response = manager_client.get(SURVEYS)

    assert text(response).count('class="detractor"') == 5


def test_results_are_scoped_to_the_users_workshop(
    manager_client, freiburg, beijing, advisor, advisor_bj, time_machine
):
    survey_of_visit(freiburg, advisor, time_machine, answer=(5, 10, "Freiburg comment"))
    survey_of_visit(beijing, advisor_bj, time_machine, answer=(1, 0, "北京的意见"))

    page = text(manager_client.get(SURVEYS))
    foreign = manager_client.get(SURVEYS, {"workshop": "BJ"})

    assert "Freiburg comment" in page and "北京的意见" not in page
    assert 'name="workshop"' not in page  # one workshop: nothing to choose
    assert "北京的意见" not in text(foreign)
    assert "Unknown workshop or not allowed for you." in text(foreign)


def test_network_staff_choose_a_workshop(
    network, freiburg, beijing, advisor, advisor_bj, time_machine
):
    survey_of_visit(freiburg, advisor, time_machine, answer=(5, 10, "Freiburg comment"))
    survey_of_visit(beijing, advisor_bj, time_machine, answer=(1, 0, "北京的意见"))
    client = Client()
    client.force_login(network_staff(network, NetworkRole.NETWORK_SUPPORT, language="en"))

    everything = text(client.get(SURVEYS))
    beijing_only = text(client.get(SURVEYS, {"workshop": "bj"}))

    assert "Freiburg comment" in everything and "北京的意见" in everything
    assert 'name="workshop"' in everything
    assert "北京的意见" in beijing_only and "Freiburg comment" not in beijing_only
    assert '<option value="BJ" selected>' in beijing_only


def test_roles_without_survey_results_are_refused(advisor_client):
    assert advisor_client.get(SURVEYS).status_code == 403
    assert Client().get(SURVEYS).status_code == 302  # to the login
