"""The dispatch board screens: the board and its own refresh, planning the rest of the
day with the proposal beside the board, applying it, moving a job by hand, and the
technicians' tablets showing their new order."""

import re

import pytest
from django.test import Client

from servicelane.control.board.services import job_reassign
from servicelane.control.choices import PlanningStatus
from servicelane.control.jobs.selectors import plan_of
from servicelane.control.models import PlanningRun
from servicelane.testing.clients import client_of as logged_in
from servicelane.testing.floor import TODAY, approved_walk_in, local
from servicelane.workorders.models import Job
from servicelane.workorders.work import services as ro_services

pytestmark = pytest.mark.django_db

BOARD = "/control/"


def plan_now(client: Client):
    return client.post("/control/plan/", {"date": TODAY.isoformat(), "time_limit_s": "2"})


def test_the_foreman_sees_the_technicians_the_jobs_to_plan_and_the_promise(foreman_client, floor):
    response = foreman_client.get(BOARD)

    assert response.status_code == 200
    html = response.content.decode()
    for name in ("Katrin Vogel", "Tom Technik", "Mia Mechatronik", "Jan Junior"):
        assert name in html
    assert "To plan" in html and "Brakes front" in html and "HV battery" in html
    assert floor.orders["express"].number in html and 'data-remaining="3600"' in html
    assert "Plan the rest of the day" in html
    assert 'hx-trigger="every 15s"' in html


def test_the_board_refresh_returns_only_the_board(foreman_client, floor):
    response = foreman_client.get(f"{BOARD}?date={TODAY}", headers={"HX-Request": "true"})

    html = response.content.decode()
    assert response.status_code == 200
    assert html.lstrip().startswith('<section id="board"')
    assert "<html" not in html and "Plan the rest of the day" not in html


def test_a_technician_may_not_see_the_board(floor):
    response = logged_in(floor.tech).get(BOARD)

    assert response.status_code == 403


def test_an_advisor_sees_the_board_but_may_not_plan(floor, advisor):
    client = logged_in(advisor)

    assert "Plan the rest of the day" not in client.get(BOARD).content.decode()
    assert plan_now(client).status_code == 403
    assert not PlanningRun.objects.exists()


def test_the_board_page_reads_in_a_fixed_number_of_queries(
    foreman_client, floor, advisor, django_assert_max_num_queries
):

    for n in range(5):
        approved_walk_in(floor.workshop, advisor, "OIL-SERVICE", title=f"Oil {n}")
    with django_assert_max_num_queries(30):
        assert foreman_client.get(BOARD).status_code == 200


def test_plan_shows_the_proposal_beside_the_board_then_apply_plans_the_jobs(foreman_client, floor):
    response = plan_now(foreman_client)

    run = PlanningRun.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"{BOARD}?date={TODAY}&run={run.pk}"
    page = foreman_client.get(response["Location"]).content.decode()
    assert 'id="proposal"' in page and 'id="board"' in page
    assert "Manual order (earliest promise first)" in page
    assert "Proven best plan." in page
    assert f"/control/runs/{run.pk}/apply/" in page and "Discard" in page
    # The same proposal stays beside the board until it is decided on.
    assert 'id="proposal"' in foreman_client.get(BOARD).content.decode()

    applied = foreman_client.post(f"/control/runs/{run.pk}/apply/", follow=True)

    html = applied.content.decode()
    assert "The plan is applied: 4 jobs planned." in html
    assert not Job.objects.filter(plan__planned_start__isnull=True).exists()
    assert 'id="proposal"' not in html
    assert html.count('class="board-block state-planned') == 4
    run.refresh_from_db()
    assert run.status == PlanningStatus.APPLIED


def test_a_stale_proposal_is_refused_with_the_reason(foreman_client, floor):
    plan_now(foreman_client)
    run = PlanningRun.objects.get()
    ro_services.job_clock_on(actor=floor.tech, job=floor.jobs["brakes"])

    response = foreman_client.post(f"/control/runs/{run.pk}/apply/", follow=True)

    assert "The proposal is out of date" in response.content.decode()
    assert not Job.objects.filter(plan__planned_start__isnull=False).exists()


def test_discard_keeps_the_current_plan(foreman_client, floor):
    plan_now(foreman_client)
    run = PlanningRun.objects.get()

    response = foreman_client.post(f"/control/runs/{run.pk}/discard/", follow=True)

    assert "Proposal discarded; the current plan stays." in response.content.decode()
    assert 'id="proposal"' not in response.content.decode()
    assert not Job.objects.filter(plan__planned_start__isnull=False).exists()
    run.refresh_from_db()
    assert run.status == PlanningStatus.DISCARDED and run.discarded_by == floor.foreman
    # Called up again, it says so and offers neither apply nor discard.
    html = foreman_client.get(BOARD, {"run": run.pk}).content.decode()
    assert 'id="proposal"' in html and "Discarded." in html
    assert f"/control/runs/{run.pk}/apply/" not in html
    assert f"/control/runs/{run.pk}/discard/" not in html


def test_an_applied_proposal_cannot_be_discarded(foreman_client, floor):
    plan_now(foreman_client)
    run = PlanningRun.objects.get()
    foreman_client.post(f"/control/runs/{run.pk}/apply/")

    response = foreman_client.post(f"/control/runs/{run.pk}/discard/", follow=True)

    assert "This proposal has been applied already." in response.content.decode()
    run.refresh_from_db()
    assert run.status == PlanningStatus.APPLIED and run.discarded_at is None


def test_a_proposal_in_the_works_is_polled_until_ready(foreman_client, floor):
    run = PlanningRun.objects.create(
        workshop=floor.workshop, date=TODAY, requested_by=floor.foreman
    )

    page = foreman_client.get(BOARD).content.decode()
    assert f'hx-get="/control/runs/{run.pk}/"' in page
    panel = foreman_client.get(f"/control/runs/{run.pk}/", headers={"HX-Request": "true"})
    assert "The planner is working on the day" in panel.content.decode()


def test_another_workshops_proposal_is_not_found(floor, beijing):
    run = PlanningRun.objects.create(workshop=beijing, date=TODAY, status=PlanningStatus.DONE)
    client = logged_in(floor.foreman)

    assert client.get(f"/control/runs/{run.pk}/", headers={"HX-Request": "true"}).status_code == 404
    assert client.post(f"/control/runs/{run.pk}/apply/").status_code == 404


# ---------------------------------------------------------------- one job by hand


def test_the_reassign_form_opens_beside_the_board(foreman_client, floor):
    job = floor.jobs["brakes"]

    response = foreman_client.get(
        f"/control/jobs/{job.pk}/reassign/?date={TODAY}", headers={"HX-Request": "true"}
    )

    html = response.content.decode()
    assert html.lstrip().startswith('<section id="reassign"')
    assert "Plan job 1 of" in html and "Bay equipment" in html and "Lift" in html


def test_a_job_moved_to_an_unqualified_technician_and_a_bay_without_a_lift_is_refused_inline(
    foreman_client, floor
):
    job = floor.jobs["brakes"]

    response = foreman_client.post(
        f"/control/jobs/{job.pk}/reassign/",
        {
            "technician": floor.junior.pk,
            "bay": floor.bays["B6"].pk,
            "start": "10:00",
            "date": TODAY.isoformat(),
        },
    )

    assert response.status_code == 400
    html = response.content.decode()
    assert "This job needs a technician of level “Technician” or above." in html
    assert "Bay B6 lacks the equipment this job needs: Lift." in html
    assert 'id="board"' in html  # the board stays in view
    job.refresh_from_db()
    assert job.technician_id is None and plan_of(job).planned_start is None


def test_a_job_outside_the_technicians_shift_is_refused(foreman_client, floor):
    job = floor.jobs["brakes"]

    response = foreman_client.post(
        f"/control/jobs/{job.pk}/reassign/",
        {"technician": floor.tech.pk, "bay": floor.bays["B1"].pk, "start": "12:00", "date": TODAY},
    )

    assert response.status_code == 400
    assert "12:00–13:30 is not within Tom Technik" in response.content.decode()


def test_a_job_moved_by_hand_shows_in_the_technicians_row(foreman_client, floor):
    job = floor.jobs["brakes"]

    response = foreman_client.post(
        f"/control/jobs/{job.pk}/reassign/",
        {"technician": floor.tech.pk, "bay": floor.bays["B1"].pk, "start": "09:00", "date": TODAY},
        follow=True,
    )

    html = response.content.decode()
    number = floor.orders["brakes"].number
    assert f"Job 1 of {number} planned for Tom Technik at 09:00." in html
    job.refresh_from_db()
    plan = plan_of(job)
    assert (job.technician, plan.bay, plan.planned_start, plan.planned_end) == (
        floor.tech,
        floor.bays["B1"],
        local(9),
        local(10, 30),
    )


def test_a_technician_may_not_move_jobs(floor):
    response = logged_in(floor.tech).post(
        f"/control/jobs/{floor.jobs['brakes'].pk}/reassign/",
        {"technician": floor.tech.pk, "start": "09:00", "date": TODAY},
    )

    assert response.status_code == 403


# ---------------------------------------------------------------- the tablets


def test_the_technicians_tablet_shows_their_jobs_in_the_planned_order(
    foreman_client, floor, advisor
):
    later = approved_walk_in(floor.workshop, advisor, "DIAGNOSIS", title="Later job")
    for job, hour, bay in ((later.jobs.get(), 13, "B7"), (floor.jobs["diagnosis"], 9, "B7")):
        job_reassign(
            actor=floor.foreman, job=job, technician=floor.tech, bay=floor.bays[bay],
            start=local(hour, 30 if hour == 13 else 0),
        )  # fmt: skip
    # Assigned but not planned: after the planned ones.
    ro_services.job_assign(actor=floor.foreman, job=floor.jobs["brakes"], technician=floor.tech)

    html = logged_in(floor.tech).get("/bay/").content.decode()

    mine = html[html.index('id="bay-assigned"') : html.index('id="bay-open"')]
    titles = re.findall(r'class="bay-title">([^<]+)<', mine)
    assert titles == ["Warning light", "Later job", "Brakes front"]
    assert "Planned <b>09:00–10:00</b> · Bay <b>B7</b>" in mine
