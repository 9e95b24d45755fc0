"""The bay screens: the technician's tablet (my jobs, the clock) and the quality checks."""

import datetime as dt
import io
from typing import TYPE_CHECKING

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from PIL import Image

from servicelane.testing.clients import client_of
from servicelane.testing.personas import technician_of
from servicelane.testing.scenarios import (
    approve_all,
    priced_job,
    ready_order,
    tick_all,
    walk_in,
    work_all,
)
from servicelane.workorders.choices import (
    QC_CHECKLIST,
    JobSource,
    JobStatus,
    QCLevel,
    ROStatus,
)
from servicelane.workorders.estimate.services import estimate_send, job_add, job_line_add
from servicelane.workorders.models import ClockEntry, Job, Photo, QualityCheck, RepairOrder
from servicelane.workorders.work.services import job_clock_on

if TYPE_CHECKING:
    from django.test.client import _MonkeyPatchedWSGIResponse

pytestmark = pytest.mark.django_db


CONCERNS = "Squeaks when braking\nOnly in the morning"


def approved_order(workshop, advisor, *titles: str, concerns: str = "") -> RepairOrder:
    """A walk-in whose brake jobs (level 3) the customer approved. Concerns become the first
    job, priced with the brake operation and a part."""
    ro = walk_in(workshop, advisor, concerns=concerns)
    if concerns:
        concern_job = ro.jobs.get()
        job_line_add(actor=advisor, job=concern_job, kind="labour", operation_code="BRAKES-FRONT")
        job_line_add(
            actor=advisor,
            job=concern_job,
            kind="part",
            code="34116860242",
            description="Brake pads front",
            quantity=1,
            unit_price="89.90",
        )
    for title in titles or (() if concerns else ("Brakes",)):
        priced_job(ro, advisor, title=title)
    approve_all(estimate_send(actor=advisor, repair_order=ro))
    ro.refresh_from_db()
    return ro


def job_of(ro: RepairOrder, position: int = 1) -> Job:
    return ro.jobs.get(position=position)


def qc_url(ro: RepairOrder, level: int) -> str:
    return reverse("bay:qc", kwargs={"repair_order_id": ro.pk, "level": level})


def qc_post(client: Client, ro: RepairOrder, level: int, **data) -> "_MonkeyPatchedWSGIResponse":
    body = {"result": "pass"}
    body.update({f"point_{pk}": "on" for pk in tick_all(ro.workshop, QC_CHECKLIST[QCLevel(level)])})
    body.update(data)
    return client.post(qc_url(ro, level), body)


def png_bytes() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (64, 48), (200, 30, 30)).save(out, "PNG")
    return out.getvalue()


# ---------------------------------------------------------------- my jobs


def test_my_jobs_shows_the_approved_job_and_not_the_customer(freiburg, advisor, tech):
    ro = approved_order(freiburg, advisor, concerns=CONCERNS)

    page = client_of(tech).get(reverse("bay:my_jobs"))

    assert page.status_code == 200
    text = page.content.decode()
    assert "FR-SL 42" in text
    assert "Squeaks when braking" in text  # the job made of the first line
    assert ro.number in text
    assert "Only in the morning" in text  # the customer's words
    assert "1:30 h" in text  # BRAKES-FRONT: 18 units of five minutes
    assert "Jobs you can take" in text
    assert ro.customer.last_name not in text
    assert ro.customer.email not in text
    assert 'hx-trigger="every 30s"' in text


def test_junior_does_not_see_a_job_needing_a_technician(freiburg, advisor, tech, junior):
    approved_order(freiburg, advisor, "Front brakes")

    junior_page = client_of(junior).get(reverse("bay:my_jobs")).content.decode()
    tech_page = client_of(tech).get(reverse("bay:my_jobs")).content.decode()

    assert "Front brakes" not in junior_page
    assert "No open jobs for your level." in junior_page
    assert "Front brakes" in tech_page


def test_my_jobs_puts_the_running_job_on_top_with_its_clock(freiburg, advisor, tech):
    ro = approved_order(freiburg, advisor, "Front brakes", "Rear brakes")
    job_clock_on(actor=tech, job=job_of(ro, 2))

    text = client_of(tech).get(reverse("bay:my_jobs")).content.decode()

    assert text.index("Clocked on") < text.index("Rear brakes") < text.index("Front brakes")
    assert 'data-elapsed="0"' in text
    assert "0:00:00" in text


def test_my_jobs_marks_work_awaiting_approval_and_counts_down_a_promise(freiburg, advisor, tech):
    ro = approved_order(freiburg, advisor, "Front brakes")
    RepairOrder.objects.filter(pk=ro.pk).update(
        promised_at=ro.checked_in_at + dt.timedelta(hours=2)
    )
    job_add(actor=advisor, repair_order=ro, title="Wiper blades")

    text = client_of(tech).get(reverse("bay:my_jobs")).content.decode()

    assert "More work awaiting approval" in text
    assert 'data-remaining="7200"' in text
    assert "2:00:00" in text


def test_my_jobs_htmx_refresh_returns_only_the_list(freiburg, advisor, tech):
    approved_order(freiburg, advisor)

    response = client_of(tech).get(reverse("bay:my_jobs"), headers={"HX-Request": "true"})

    assert response.status_code == 200
    assert "<html" not in response.content.decode()
    assert "Brakes" in response.content.decode()


def test_my_jobs_query_count_does_not_grow_with_the_jobs(
    freiburg, advisor, tech, django_assert_max_num_queries
):
    approved_order(freiburg, advisor, "Front brakes")
    client = client_of(tech)
    client.get(reverse("bay:my_jobs"))  # session and caches warm

    with CaptureQueriesContext(connection) as one:
        client.get(reverse("bay:my_jobs"))
    for n in range(3):
        ro = approved_order(freiburg, advisor, f"Brakes {n}", f"Discs {n}")
        job_add(actor=advisor, repair_order=ro, title=f"Found {n}")
    job_clock_on(actor=tech, job=job_of(ro))

    with django_assert_max_num_queries(len(one)):
        page = client.get(reverse("bay:my_jobs"))

    assert page.content.decode().count('<article class="bay-card') == 7
    assert len(one) <= 12


def test_nobody_without_the_clock_right_sees_my_jobs(freiburg, advisor, foreman):
    assert client_of(advisor).get(reverse("bay:my_jobs")).status_code == 403
    nav = client_of(advisor).get(reverse("bay:qc_queue")).content.decode()
    assert "Quality checks" in nav
    assert f'href="{reverse("bay:my_jobs")}"' not in nav
    assert "My jobs" not in nav


# ---------------------------------------------------------------- one job and its clock


def test_job_page_shows_the_work_the_time_and_the_car(freiburg, advisor, tech):
    ro = approved_order(freiburg, advisor, concerns=CONCERNS)
    job = job_of(ro)

    page = client_of(tech).get(reverse("bay:job", kwargs={"job_id": job.pk}))

    text = page.content.decode()
    assert page.status_code == 200
    assert "BRAKES-FRONT" in text
    assert "90 min" in text
    assert ro.vehicle.vin in text
    assert "Only in the morning" in text
    assert "Brake pads front" in text
    assert ro.customer.last_name not in text
    assert 'capture="environment"' in text and 'accept="image/*"' in text
    assert "Clock on" in text


def test_clock_on_then_a_second_job_is_refused_and_nothing_changes(freiburg, advisor, tech):
    ro = approved_order(freiburg, advisor, "Front brakes", "Rear brakes")
    first, second = job_of(ro, 1), job_of(ro, 2)
    client = client_of(tech)

    response = client.post(reverse("bay:clock_on", kwargs={"job_id": first.pk}))
    assert response.status_code == 302
    assert response["Location"] == reverse("bay:job", kwargs={"job_id": first.pk})

    refused = client.post(reverse("bay:clock_on", kwargs={"job_id": second.pk}))

    assert refused.status_code == 400
    assert f"You are clocked on job 1 of {ro.number}" in refused.content.decode()
    second.refresh_from_db()
    assert second.status == JobStatus.APPROVED
    assert second.technician is None
    assert list(ClockEntry.objects.values_list("job_id", flat=True)) == [first.pk]
    first.refresh_from_db()
    assert first.status == JobStatus.IN_PROGRESS
    assert first.technician == tech


def test_pause_needs_a_reason_shown_on_the_form(freiburg, advisor, tech):
    ro = approved_order(freiburg, advisor)
    job = job_of(ro)
    client = client_of(tech)
    client.post(reverse("bay:clock_on", kwargs={"job_id": job.pk}))
    url = reverse("bay:pause", kwargs={"job_id": job.pk})

    no_reason = client.post(url, {"reason": "", "detail": ""})
    other_without_words = client.post(url, {"reason": "other", "detail": " "})

    assert no_reason.status_code == 400
    assert "A pause needs a reason." in no_reason.content.decode()
    assert other_without_words.status_code == 400
    assert "Say why you pause." in other_without_words.content.decode()
    assert ClockEntry.objects.get().ended_at is None

    paused = client.post(url, {"reason": "waiting_parts", "detail": "pads from stock"})

    assert paused.status_code == 302
    assert paused["Location"] == reverse("bay:my_jobs")
    entry = ClockEntry.objects.get()
    assert entry.ended_at is not None
    assert entry.pause_reason == "Waiting for parts: pads from stock"
    job.refresh_from_db()
    assert job.status == JobStatus.PAUSED
    history = client.get(reverse("bay:job", kwargs={"job_id": job.pk})).content.decode()
    assert "Waiting for parts: pads from stock" in history
    assert "Resume: clock on" in history


def test_a_second_tap_on_pause_says_the_clock_is_already_off(freiburg, advisor, tech):
    ro = approved_order(freiburg, advisor)
    job = job_of(ro)
    client = client_of(tech)
    client.post(reverse("bay:clock_on", kwargs={"job_id": job.pk}))
    url = reverse("bay:pause", kwargs={"job_id": job.pk})
    assert client.post(url, {"reason": "break"}).status_code == 302

    again = client.post(url, {"reason": "break"})

    assert again.status_code == 400
    assert "You are not clocked on this job." in again.content.decode()
    assert ClockEntry.objects.count() == 1


def test_finishing_the_last_job_sends_the_car_to_quality_check(freiburg, advisor, tech):
    ro = approved_order(freiburg, advisor)
    job = job_of(ro)
    client = client_of(tech)
    client.post(reverse("bay:clock_on", kwargs={"job_id": job.pk}))

    response = client.post(reverse("bay:finish", kwargs={"job_id": job.pk}), follow=True)

    assert response.status_code == 200
    assert "the car waits for its quality check" in response.content.decode()
    ro.refresh_from_db()
    assert ro.status == ROStatus.QUALITY_CHECK
    job.refresh_from_db()
    assert job.status == JobStatus.DONE


def test_finishing_without_being_clocked_on_is_refused(freiburg, advisor, tech):
    ro = approved_order(freiburg, advisor)
    job = job_of(ro)

    response = client_of(tech).post(reverse("bay:finish", kwargs={"job_id": job.pk}))

    assert response.status_code == 400
    assert "You are not clocked on this job." in response.content.decode()
    job.refresh_from_db()
    assert job.status == JobStatus.APPROVED


def test_found_work_becomes_a_draft_job_for_the_supplementary_estimate(freiburg, advisor, tech):
    ro = approved_order(freiburg, advisor)
    job = job_of(ro)
    client = client_of(tech)
    client.post(reverse("bay:clock_on", kwargs={"job_id": job.pk}))
    url = reverse("bay:found_work", kwargs={"job_id": job.pk})

    empty = client.post(url, {"title": " ", "description": ""})
    assert empty.status_code == 400
    assert "Say what the job is." in empty.content.decode()

    response = client.post(
        url, {"title": "Rear wiper blade torn", "description": "Rubber split on the left."}
    )

    assert response.status_code == 302
    found = ro.jobs.get(title="Rear wiper blade torn")
    assert found.status == JobStatus.DRAFT
    assert found.source == JobSource.FOUND
    assert found.description == "Rubber split on the left."
    # The technician does not see it among work to do until the customer approves.
    assert "Rear wiper blade torn" not in client.get(reverse("bay:my_jobs")).content.decode()


def test_a_photo_from_the_tablet_is_stored_and_a_non_photo_is_refused(freiburg, advisor, tech):
    ro = approved_order(freiburg, advisor)
    job = job_of(ro)
    client = client_of(tech)
    url = reverse("bay:photo", kwargs={"job_id": job.pk})

    bad = client.post(url, {"image": SimpleUploadedFile("notes.txt", b"not a photo")})
    assert bad.status_code == 400
    assert "This file is not a photo we can read" in bad.content.decode()

    response = client.post(
        url,
        {
            "image": SimpleUploadedFile("pads.png", png_bytes(), content_type="image/png"),
            "caption": "Worn pads",
            "shared": "on",
        },
    )

    assert response.status_code == 302
    photo = Photo.objects.get(repair_order=ro)
    assert photo.caption == "Worn pads"
    assert photo.taken_by == tech
    assert photo.image.name is not None
    assert photo.image.name.endswith(".jpg")


def test_another_workshops_job_is_not_found(freiburg, beijing, advisor_bj, tech):
    ro = approved_order(beijing, advisor_bj)
    job = job_of(ro)
    client = client_of(tech)

    assert client.get(reverse("bay:job", kwargs={"job_id": job.pk})).status_code == 404
    assert client.post(reverse("bay:clock_on", kwargs={"job_id": job.pk})).status_code == 404
    assert not ClockEntry.objects.exists()
    assert ro.vehicle.vin not in client.get(reverse("bay:my_jobs")).content.decode()


# ---------------------------------------------------------------- quality check


@pytest.fixture
def in_qc(freiburg, advisor, tech) -> RepairOrder:
    ro = approved_order(freiburg, advisor, concerns=CONCERNS)
    work_all(ro, tech)
    ro.refresh_from_db()
    assert ro.status == ROStatus.QUALITY_CHECK
    return ro


def test_qc_queue_lists_the_car_for_the_technician_then_the_foreman(in_qc, tech, foreman):
    tech_queue = client_of(tech).get(reverse("bay:qc_queue")).content.decode()
    assert in_qc.number in tech_queue
    assert qc_url(in_qc, 1) in tech_queue

    foreman_queue = client_of(foreman).get(reverse("bay:qc_queue"))
    text = foreman_queue.content.decode()
    assert foreman_queue.status_code == 200
    assert in_qc.number in text
    assert "Waiting for another level" in text
    assert qc_url(in_qc, 2) not in text

    qc_post(client_of(tech), in_qc, 1)

    text = client_of(foreman).get(reverse("bay:qc_queue")).content.decode()
    assert qc_url(in_qc, 2) in text
    assert "Start check" in text


def test_qc_page_shows_the_car_and_jobs_but_not_the_customer(in_qc, tech):
    page = client_of(tech).get(qc_url(in_qc, 1))

    text = page.content.decode()
    assert page.status_code == 200
    assert in_qc.vehicle.vin in text
    assert "FR-SL 42" in text
    assert "Squeaks when braking" in text
    assert "Bolts torqued to specification" in text
    assert in_qc.customer.last_name not in text
    assert in_qc.customer.email not in text


def test_level_2_before_level_1_is_refused(in_qc, foreman):
    response = qc_post(client_of(foreman), in_qc, 2)

    assert response.status_code == 400
    assert "The next check is the technician self/peer check." in response.content.decode()
    assert not QualityCheck.objects.exists()


def test_a_technician_posting_the_foremans_check_gets_403(in_qc, tech):
    response = qc_post(client_of(tech), in_qc, 2)

    assert response.status_code == 403
    assert "Your role does not allow this." in response.content.decode()
    assert client_of(tech).get(qc_url(in_qc, 3)).status_code == 403
    assert not QualityCheck.objects.exists()


def test_passing_needs_every_point_ticked(in_qc, tech):
    response = client_of(tech).post(qc_url(in_qc, 1), {"result": "pass"})

    assert response.status_code == 400
    assert "Tick every point before passing" in response.content.decode()
    assert not QualityCheck.objects.exists()


def test_failing_with_rework_sends_the_job_back_to_the_technician(in_qc, tech, foreman):
    job = job_of(in_qc)
    assert qc_post(client_of(tech), in_qc, 1).status_code == 302

    without_jobs = qc_post(client_of(foreman), in_qc, 2, result="fail", note="")
    assert without_jobs.status_code == 400
    assert "Choose the done job(s) to be redone." in without_jobs.content.decode()
    assert "Say what must be redone." in without_jobs.content.decode()

    response = qc_post(
        client_of(foreman),
        in_qc,
        2,
        result="fail",
        note="Left caliper bolt not torqued",
        rework_job_ids=[job.pk],
    )

    assert response.status_code == 302
    job.refresh_from_db()
    assert job.status == JobStatus.APPROVED
    assert job.rework_count == 1
    in_qc.refresh_from_db()
    assert in_qc.status == ROStatus.IN_PROGRESS
    check = QualityCheck.objects.get(level=QCLevel.FOREMAN)
    assert not check.passed
    assert list(check.rework_jobs.all()) == [job]
    my_jobs = client_of(tech).get(reverse("bay:my_jobs")).content.decode()
    assert "Squeaks when braking" in my_jobs
    assert "Rework" in my_jobs
    history = client_of(foreman).get(qc_url(in_qc, 2)).content.decode()
    assert "Left caliper bolt not torqued" in history
    assert "The car is not waiting for a quality check" in history


def test_passing_all_three_levels_makes_the_car_ready(in_qc, tech, foreman, advisor):
    assert qc_post(client_of(tech), in_qc, 1).status_code == 302
    assert qc_post(client_of(foreman), in_qc, 2).status_code == 302
    response = qc_post(client_of(advisor), in_qc, 3)

    assert response.status_code == 302
    assert response["Location"] == reverse("bay:qc_queue")
    in_qc.refresh_from_db()
    assert in_qc.status == ROStatus.READY
    assert list(
        QualityCheck.objects.order_by("level").values_list("level", "passed", "checked_by")
    ) == [(1, True, tech.pk), (2, True, foreman.pk), (3, True, advisor.pk)]


def test_another_workshops_quality_check_is_not_found(freiburg, beijing, advisor_bj, foreman):
    ro = approved_order(beijing, advisor_bj)
    work_all(ro, technician_of(beijing, level=3, email="tech@beijing.test"))

    client = client_of(foreman)
    assert client.get(qc_url(ro, 2)).status_code == 404
    assert qc_post(client, ro, 2).status_code == 404
    assert ro.number not in client.get(reverse("bay:qc_queue")).content.decode()
    assert not QualityCheck.objects.exists()


def test_found_work_on_a_ready_car_is_refused_visibly(freiburg, advisor, tech, foreman):
    ro = ready_order(freiburg, advisor, tech, foreman)
    job = job_of(ro)

    response = client_of(tech).post(
        reverse("bay:found_work", kwargs={"job_id": job.pk}), {"title": "Wipers"}
    )

    assert response.status_code == 400
    assert "The car is ready; open a new repair order for more work." in response.content.decode()
    assert not ro.jobs.filter(title="Wipers").exists()


def test_a_check_without_a_result_is_refused(in_qc, tech):
    response = client_of(tech).post(qc_url(in_qc, 1), {"result": "maybe"})

    assert response.status_code == 400
    assert "Choose passed or failed." in response.content.decode()
    assert not QualityCheck.objects.exists()


def test_an_unknown_level_is_not_found(in_qc, foreman):
    assert client_of(foreman).get(qc_url(in_qc, 4)).status_code == 404
