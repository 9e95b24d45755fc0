"""The car owner's links: approving an estimate job by job and following the repair, no login,
in the customer's language and the workshop's time zone."""

import datetime as dt
import io
import itertools
import random
import re
from typing import cast
from urllib.parse import urlsplit

import pytest
from django.conf import settings
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from PIL import Image

from servicelane.appointments.tests.factories import BERLIN, book
from servicelane.customers.models import Customer
from servicelane.customers.tests.factories import CustomerFactory
from servicelane.demo.customers import make_vin
from servicelane.testing.clock import NOW
from servicelane.testing.scenarios import (
    approve_all,
    handover_answers,
    pass_qc,
    priced_job,
    walk_in,
    work_all,
)
from servicelane.vehicles.services import vehicle_register
from servicelane.workorders.catalogue import ensure_catalogue
from servicelane.workorders.choices import EstimateStatus, JobStatus, ROStatus
from servicelane.workorders.estimate.services import estimate_answer, estimate_send
from servicelane.workorders.handover.services import repair_order_hand_over
from servicelane.workorders.links import estimate_token, progress_token
from servicelane.workorders.models import Estimate, Job, Photo, RepairOrder
from servicelane.workorders.reception.selectors import deferred_jobs_of
from servicelane.workorders.reception.services import photo_add, repair_order_check_in
from servicelane.workorders.work.services import job_assign, job_clock_on

pytestmark = pytest.mark.django_db

_serials = itertools.count(700_000)


def order_speaking(workshop, advisor, language: str, *, plate: str = "FR-SL 77") -> RepairOrder:
    """A walk-in whose customer reads ``language``."""
    ensure_catalogue(workshop.network)
    customer = cast(
        Customer,
        CustomerFactory(workshop=workshop, email=f"{language}@example.org", language=language),
    )
    vehicle, _ = vehicle_register(
        actor=advisor,
        workshop=workshop,
        vin=make_vin(random.Random(11), "WBA", next(_serials)),
        plate=plate,
        owner=customer,
    )
    return repair_order_check_in(
        actor=advisor, workshop=workshop, customer=customer, vehicle=vehicle, mileage=31_000
    )


def send_estimate(ro, advisor, capture) -> Estimate:
    with capture(execute=True):
        return estimate_send(actor=advisor, repair_order=ro)


def two_job_estimate(ro, advisor, capture) -> tuple[Estimate, Job, Job]:
    brakes = priced_job(ro, advisor, "BRAKES-FRONT", title="Front brakes")
    wipers = priced_job(ro, advisor, "WIPER-BLADES", title="Wiper blades")
    return send_estimate(ro, advisor, capture), brakes, wipers


def estimate_link(estimate: Estimate) -> str:
    return reverse("customer:estimate", kwargs={"token": estimate_token(estimate)})


def progress_link(ro: RepairOrder) -> str:
    return reverse("customer:progress", kwargs={"token": progress_token(ro)})


def png(color: str = "red") -> SimpleUploadedFile:
    out = io.BytesIO()
    Image.new("RGB", (64, 48), color).save(out, "PNG")
    return SimpleUploadedFile("car.png", out.getvalue(), content_type="image/png")


@pytest.fixture
def phone() -> Client:
    """The car owner's phone: no login, a browser that asks for English."""
    return Client(headers={"Accept-Language": "en"}, REMOTE_ADDR="203.0.113.9")


# ---------------------------------------------------------------- answering an estimate


def test_customer_approves_one_job_and_declines_another_through_the_link(
    freiburg, advisor, phone, django_capture_on_commit_callbacks
):
    ro = walk_in(freiburg, advisor)
    estimate, brakes, wipers = two_job_estimate(ro, advisor, django_capture_on_commit_callbacks)
    url = estimate_link(estimate)

    page = phone.get(url)

    assert page.status_code == 200
    html = page.content.decode()
    assert f'name="job_{brakes.pk}"' in html and f'name="job_{wipers.pk}"' in html
    assert "checked" not in html  # nothing is chosen for the customer
    assert 'name="signed_name"' in html
    assert estimate.gross_total.to_eng_string().replace(".", ",") in html  # German amounts

    answer = phone.post(
        url,
        {f"job_{brakes.pk}": "approve", f"job_{wipers.pk}": "decline", "signed_name": "Eva Kundin"},
    )

    assert answer.status_code == 200
    thanks = answer.content.decode()
    assert "Eva Kundin" in thanks
    assert "Front brakes" in thanks and "Wiper blades" in thanks
    estimate.refresh_from_db()
    assert estimate.status == EstimateStatus.ANSWERED
    assert estimate.answered_at == NOW
    assert estimate.signed_name == "Eva Kundin"
    assert estimate.signed_ip == "203.0.113.9"
    brakes.refresh_from_db()
    wipers.refresh_from_db()
    assert brakes.status == JobStatus.APPROVED
    assert wipers.status == JobStatus.DECLINED
    ro.refresh_from_db()
    assert ro.status == ROStatus.APPROVED
    deferred = deferred_jobs_of(ro.vehicle, freiburg)
    assert [job.pk for job in deferred] == [wipers.pk]


def test_the_same_link_a_second_time_is_refused_and_changes_nothing(
    freiburg, advisor, phone, django_capture_on_commit_callbacks
):
    ro = walk_in(freiburg, advisor)
    estimate, brakes, wipers = two_job_estimate(ro, advisor, django_capture_on_commit_callbacks)
    url = estimate_link(estimate)
    phone.post(
        url,
        {f"job_{brakes.pk}": "approve", f"job_{wipers.pk}": "decline", "signed_name": "Eva Kundin"},
    )

    again = Client(REMOTE_ADDR="198.51.100.1").post(
        url,
        {f"job_{brakes.pk}": "decline", f"job_{wipers.pk}": "approve", "signed_name": "Someone"},
    )

    assert again.status_code == 410
    assert "Someone" not in again.content.decode()
    estimate.refresh_from_db()
    assert (estimate.signed_name, estimate.signed_ip) == ("Eva Kundin", "203.0.113.9")
    assert Job.objects.get(pk=brakes.pk).status == JobStatus.APPROVED
    assert Job.objects.get(pk=wipers.pk).status == JobStatus.DECLINED
    shown = phone.get(url)
    assert shown.status_code == 410
    assert "Eva Kundin" in shown.content.decode()  # what was answered, not a new form
    assert 'name="signed_name"' not in shown.content.decode()


def test_an_expired_link_is_refused_and_changes_nothing(
    freiburg, advisor, phone, time_machine, django_capture_on_commit_callbacks
):
    ro = walk_in(freiburg, advisor)
    estimate, brakes, wipers = two_job_estimate(ro, advisor, django_capture_on_commit_callbacks)
    url = estimate_link(estimate)
    time_machine.move_to(NOW + dt.timedelta(hours=settings.ESTIMATE_LINK_HOURS, minutes=1))

    shown = phone.get(url)
    answer = phone.post(
        url,
        {f"job_{brakes.pk}": "approve", f"job_{wipers.pk}": "approve", "signed_name": "Eva Kundin"},
    )

    assert shown.status_code == 410
    assert 'name="signed_name"' not in shown.content.decode()
    assert answer.status_code == 410
    estimate.refresh_from_db()
    assert estimate.status == EstimateStatus.SENT
    assert estimate.answered_at is None
    assert set(ro.jobs.values_list("status", flat=True)) == {JobStatus.PENDING}
    assert RepairOrder.objects.get(pk=ro.pk).status == ROStatus.ESTIMATE_SENT


def test_a_replaced_estimate_is_refused_and_points_to_the_current_one(
    freiburg, advisor, phone, django_capture_on_commit_callbacks
):
    ro = walk_in(freiburg, advisor)
    old, brakes, wipers = two_job_estimate(ro, advisor, django_capture_on_commit_callbacks)
    priced_job(ro, advisor, "BRAKE-FLUID", title="Brake fluid")
    new = send_estimate(ro, advisor, django_capture_on_commit_callbacks)

    answer = phone.post(
        estimate_link(old),
        {f"job_{brakes.pk}": "approve", f"job_{wipers.pk}": "approve", "signed_name": "Eva Kundin"},
    )

    assert answer.status_code == 410
    assert estimate_link(new) in answer.content.decode()
    old.refresh_from_db()
    new.refresh_from_db()
    assert old.status == EstimateStatus.WITHDRAWN and old.answered_at is None
    assert new.status == EstimateStatus.SENT
    assert set(ro.jobs.values_list("status", flat=True)) == {JobStatus.PENDING}


def test_a_tampered_token_finds_nothing(
    freiburg, advisor, phone, django_capture_on_commit_callbacks
):
    ro = walk_in(freiburg, advisor)
    estimate, _, _ = two_job_estimate(ro, advisor, django_capture_on_commit_callbacks)
    forged_estimate = estimate_token(estimate)[:-3] + "xyz"
    forged_progress = progress_token(ro)[:-3] + "xyz"

    for url in (
        reverse("customer:estimate", kwargs={"token": forged_estimate}),
        reverse("customer:estimate_pdf", kwargs={"token": forged_estimate}),
        reverse("customer:progress", kwargs={"token": forged_progress}),
        # a valid progress token is not an estimate token, nor the other way round
        reverse("customer:estimate", kwargs={"token": progress_token(ro)}),
        reverse("customer:progress", kwargs={"token": estimate_token(estimate)}),
    ):
        response = phone.get(url)
        assert response.status_code == 404, url
        assert ro.number not in response.content.decode()
    assert (
        phone.post(
            reverse("customer:estimate", kwargs={"token": forged_estimate}), {"signed_name": "X"}
        ).status_code
        == 404
    )
    assert Estimate.objects.get(pk=estimate.pk).status == EstimateStatus.SENT


def test_missing_decision_or_name_shows_inline_errors_and_changes_nothing(
    freiburg, advisor, phone, django_capture_on_commit_callbacks
):
    ro = walk_in(freiburg, advisor)
    estimate, brakes, wipers = two_job_estimate(ro, advisor, django_capture_on_commit_callbacks)
    url = estimate_link(estimate)

    one_missing = phone.post(url, {f"job_{brakes.pk}": "approve", "signed_name": "Eva Kundin"})
    no_name = phone.post(url, {f"job_{brakes.pk}": "approve", f"job_{wipers.pk}": "decline"})
    nonsense = phone.post(
        url, {f"job_{brakes.pk}": "maybe", f"job_{wipers.pk}": "decline", "signed_name": "Eva"}
    )

    assert one_missing.status_code == 400
    html = one_missing.content.decode()
    found = re.search(rf'<fieldset[^>]*id="job-{wipers.pk}"', html)
    assert found is not None
    fieldset = found.group(0)
    assert "has-error" in fieldset  # the unanswered job is marked where it is
    assert f"(es fehlen: {wipers.position})" in html  # in the customer's German
    assert re.search(rf'value="approve"[^>]*id="id_job_{brakes.pk}_0"[^>]*checked', html)
    assert 'value="Eva Kundin"' in html  # what was typed is kept
    assert no_name.status_code == 400
    assert "Geben Sie zum Unterschreiben Ihren vollständigen Namen ein." in no_name.content.decode()
    assert nonsense.status_code == 400
    estimate.refresh_from_db()
    assert estimate.status == EstimateStatus.SENT and estimate.signed_name == ""
    assert set(ro.jobs.values_list("status", flat=True)) == {JobStatus.PENDING}


# ---------------------------------------------------------------- language and e-mail


def test_german_customer_gets_page_and_mail_in_german(
    freiburg, advisor, phone, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        ro = order_speaking(freiburg, advisor, "de")
    (welcome,) = mail.outbox
    assert "FR-SL 77" in welcome.body
    (progress_url,) = re.findall(r"https?://\S+/c/progress/\S+/", str(welcome.body))
    assert phone.get(urlsplit(progress_url).path).status_code == 200
    mail.outbox.clear()
    estimate, _, _ = two_job_estimate(ro, advisor, django_capture_on_commit_callbacks)

    page = phone.get(estimate_link(estimate))  # the phone's browser asks for English

    html = page.content.decode()
    assert '<html lang="de">' in html
    assert page["Content-Language"] == "de"
    assert "Fahrzeug" in html
    assert "Bremsbeläge und -scheiben vorn ersetzen" in html  # the operation in German
    assert "Donnerstag" in html  # answer by Thursday, in the workshop's time
    (message,) = mail.outbox
    assert message.to == ["de@example.org"]
    assert "Fahrzeug: FR-SL 77" in message.body
    assert "Donnerstag, 26. November 2026 07:00" in message.body
    progress = phone.get(progress_link(ro)).content.decode()
    assert '<html lang="de">' in progress and "Verlauf" in progress


def test_beijing_customer_gets_page_and_mail_in_chinese_in_beijing_time(
    beijing, advisor_bj, phone, django_capture_on_commit_callbacks
):
    ro = order_speaking(beijing, advisor_bj, "zh-hans", plate="京A·12345")
    mail.outbox.clear()
    estimate, _, _ = two_job_estimate(ro, advisor_bj, django_capture_on_commit_callbacks)

    page = phone.get(estimate_link(estimate))

    html = page.content.decode()
    assert '<html lang="zh-hans">' in html
    assert "车辆" in html
    assert "更换前制动片及制动盘" in html
    assert "CNY" in html
    assert "星期四" in html  # Thursday 14:00 in Beijing
    (message,) = mail.outbox
    assert "车辆: 京A·12345" in message.body
    assert "星期四" in message.body and "14:00" in message.body
    assert message.attachments[0][1].startswith(b"%PDF")


def test_estimate_mail_carries_the_pdf_and_a_link_that_works(
    freiburg, advisor, phone, django_capture_on_commit_callbacks
):
    ro = walk_in(freiburg, advisor)
    mail.outbox.clear()
    estimate, brakes, wipers = two_job_estimate(ro, advisor, django_capture_on_commit_callbacks)

    (message,) = mail.outbox
    filename, content, mimetype = message.attachments[0]
    assert filename == f"{ro.number}-{estimate.sequence}.pdf"
    assert mimetype == "application/pdf"
    assert content.startswith(b"%PDF")
    links = re.findall(r"https?://\S+/c/estimate/\S+/", str(message.body))
    assert len(links) == 1
    page = phone.get(urlsplit(links[0]).path)
    assert page.status_code == 200
    assert "Front brakes" in page.content.decode()
    answer = phone.post(
        urlsplit(links[0]).path,
        {f"job_{brakes.pk}": "approve", f"job_{wipers.pk}": "approve", "signed_name": "Eva K."},
    )
    assert answer.status_code == 200
    assert Estimate.objects.get(pk=estimate.pk).status == EstimateStatus.ANSWERED
    progress = re.findall(r"https?://\S+/c/progress/\S+/", str(message.body))
    assert phone.get(urlsplit(progress[0]).path).status_code == 200


def test_estimate_pdf_through_the_link(
    freiburg, advisor, phone, django_capture_on_commit_callbacks
):
    ro = walk_in(freiburg, advisor)
    estimate, _, _ = two_job_estimate(ro, advisor, django_capture_on_commit_callbacks)

    response = phone.get(
        reverse("customer:estimate_pdf", kwargs={"token": estimate_token(estimate)})
    )

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")


def test_estimate_pdf_is_refused_once_the_link_has_expired_like_its_page(
    freiburg, advisor, phone, time_machine, django_capture_on_commit_callbacks
):
    ro = walk_in(freiburg, advisor)
    estimate, _, _ = two_job_estimate(ro, advisor, django_capture_on_commit_callbacks)
    pdf_url = reverse("customer:estimate_pdf", kwargs={"token": estimate_token(estimate)})
    time_machine.move_to(NOW + dt.timedelta(hours=settings.ESTIMATE_LINK_HOURS, minutes=1))

    response = phone.get(pdf_url)
    page = phone.get(estimate_link(estimate))

    assert response.status_code == 410
    assert response["Content-Type"].startswith("text/html")
    assert not response.content.startswith(b"%PDF")
    assert page.status_code == 410
    heading = re.compile(r"<h1>(.*?)</h1>")
    assert heading.findall(response.content.decode()) == heading.findall(page.content.decode())
    assert 'name="signed_name"' not in response.content.decode()


# ---------------------------------------------------------------- progress page


def test_progress_page_shows_the_timeline_agreed_jobs_and_only_shared_photos(
    freiburg, advisor, tech, phone, django_capture_on_commit_callbacks
):
    ro = order_speaking(freiburg, advisor, "en")
    estimate, brakes, wipers = two_job_estimate(ro, advisor, django_capture_on_commit_callbacks)
    shared = photo_add(
        actor=advisor, repair_order=ro, upload=png(), caption="Worn front discs", shared=True
    )
    internal = photo_add(
        actor=advisor, repair_order=ro, upload=png("blue"), caption="Parking bay B", shared=False
    )
    url = progress_link(ro)

    waiting = phone.get(url).content.decode()
    assert "Your estimate is waiting for your approval." in waiting
    assert estimate_link(estimate) in waiting

    estimate_answer(
        estimate=estimate,
        decisions={brakes.pk: True, wipers.pk: False},
        signed_name="Ann Owner",
        ip="192.0.2.1",
    )
    job_assign(actor=advisor, job=brakes, technician=tech)
    job_clock_on(actor=tech, job=brakes)
    page = phone.get(url)

    assert page.status_code == 200
    html = page.content.decode()
    assert "Your car was checked in." in html
    assert "We sent you the estimate." in html
    assert "You answered the estimate." in html and "Declined: Wiper blades" in html
    assert "Work on your car has started." in html
    assert 'aria-current="step"' in html
    assert "Front brakes" in html and "In progress" in html
    assert "Your estimate is waiting" not in html
    assert (
        reverse("customer:photo", kwargs={"token": progress_token(ro), "photo_id": shared.pk})
        in html
    )
    assert "Worn front discs" in html
    assert "Parking bay B" not in html
    assert str(internal.pk) not in re.findall(r"/photos/(\d+)/", html)
    # the staff side stays out: no technician's surname, no signature address
    assert "Technik" not in html and "192.0.2.1" not in html
    # times are Freiburg's (07:00 local for 06:00 UTC)
    assert 'datetime="2026-11-23T07:00:00+01:00"' in html

    image = phone.get(
        reverse("customer:photo", kwargs={"token": progress_token(ro), "photo_id": shared.pk})
    )
    assert image.status_code == 200
    assert image["Content-Type"] == "image/jpeg"
    assert b"".join(image.streaming_content).startswith(b"\xff\xd8")
    hidden = phone.get(
        reverse("customer:photo", kwargs={"token": progress_token(ro), "photo_id": internal.pk})
    )
    assert hidden.status_code == 404


def test_a_photo_of_another_order_through_this_token_is_not_found(freiburg, advisor, phone):
    mine = walk_in(freiburg, advisor)
    other = walk_in(freiburg, advisor)
    theirs = photo_add(actor=advisor, repair_order=other, upload=png(), shared=True)

    response = phone.get(
        reverse("customer:photo", kwargs={"token": progress_token(mine), "photo_id": theirs.pk})
    )

    assert response.status_code == 404
    assert Photo.objects.filter(pk=theirs.pk, shared=True).exists()
    own_link = reverse(
        "customer:photo", kwargs={"token": progress_token(other), "photo_id": theirs.pk}
    )
    assert phone.get(own_link).status_code == 200


def test_progress_page_refreshes_itself_with_and_without_javascript(freiburg, advisor, phone):
    ro = walk_in(freiburg, advisor)
    url = progress_link(ro)

    full = phone.get(url).content.decode()
    partial = phone.get(url, headers={"HX-Request": "true"})

    assert 'hx-trigger="every 60s"' in full
    assert '<meta http-equiv="refresh" content="60">' in full
    assert partial.status_code == 200
    assert "<html" not in partial.content.decode()
    assert 'hx-trigger="every 60s"' in partial.content.decode()  # keeps polling


def test_progress_page_shows_the_finished_jobs_and_the_ready_car(
    freiburg, advisor, tech, foreman, phone
):
    ro = order_speaking(freiburg, advisor, "en")
    priced_job(ro, advisor, title="Brakes")
    approve_all(estimate_send(actor=advisor, repair_order=ro))
    work_all(ro, tech)
    pass_qc(ro, tech, foreman, advisor)

    html = phone.get(progress_link(ro)).content.decode()

    assert "Your car is ready for pick-up." in html
    assert "Job done: Brakes" in html
    assert "The work is done; we are checking its quality." in html
    current = (
        r'class="customer-step customer-step-current"[^>]*>\s*<span class="customer-step-label">'
    )
    assert re.search(current + "Ready", html)
    assert "Done" in html


def test_a_supplementary_estimate_is_answered_while_the_work_goes_on(
    freiburg, advisor, tech, phone, django_capture_on_commit_callbacks
):
    ro = order_speaking(freiburg, advisor, "en")
    brakes = priced_job(ro, advisor, title="Brakes")
    approve_all(estimate_send(actor=advisor, repair_order=ro))
    job_assign(actor=advisor, job=brakes, technician=tech)
    job_clock_on(actor=tech, job=brakes)
    found = priced_job(ro, advisor, "BRAKE-FLUID", title="Brake fluid")
    supplementary = send_estimate(ro, advisor, django_capture_on_commit_callbacks)
    assert supplementary.supplementary
    progress = phone.get(progress_link(ro)).content.decode()
    assert "We found more work on your car. Your approval is needed." in progress

    page = phone.get(estimate_link(supplementary))
    answer = phone.post(
        estimate_link(supplementary), {f"job_{found.pk}": "approve", "signed_name": "Ann Owner"}
    )

    assert "Supplementary estimate" in page.content.decode()
    assert "Brakes" not in page.content.decode().replace("Brake fluid", "")  # only the new work
    assert answer.status_code == 200
    assert Job.objects.get(pk=found.pk).status == JobStatus.APPROVED
    assert RepairOrder.objects.get(pk=ro.pk).status == ROStatus.IN_PROGRESS


def test_progress_page_queries_do_not_grow_with_photos_and_jobs(
    freiburg, advisor, phone, django_capture_on_commit_callbacks
):
    ro = order_speaking(freiburg, advisor, "en")
    two_job_estimate(ro, advisor, django_capture_on_commit_callbacks)
    photo_add(actor=advisor, repair_order=ro, upload=png(), shared=True)
    url = progress_link(ro)
    with CaptureQueriesContext(connection) as small:
        phone.get(url)
    for color in ("blue", "green", "white"):
        photo_add(actor=advisor, repair_order=ro, upload=png(color), shared=True)
    priced_job(ro, advisor, "BRAKE-FLUID", title="Brake fluid")
    send_estimate(ro, advisor, django_capture_on_commit_callbacks)

    with CaptureQueriesContext(connection) as large:
        page = phone.get(url)

    assert page.content.decode().count("/photos/") >= 4
    assert len(large) == len(small)


def test_progress_link_stops_working_some_days_after_handover(
    freiburg, advisor, phone, time_machine, django_capture_on_commit_callbacks
):
    ro = order_speaking(freiburg, advisor, "en")
    estimate, brakes, wipers = two_job_estimate(ro, advisor, django_capture_on_commit_callbacks)
    phone.post(
        estimate_link(estimate),
        {f"job_{brakes.pk}": "decline", f"job_{wipers.pk}": "decline", "signed_name": "Ann Owner"},
    )
    # nothing agreed: the car is ready to be picked up as it came
    assert RepairOrder.objects.get(pk=ro.pk).status == ROStatus.READY
    repair_order_hand_over(
        actor=advisor,
        repair_order=ro,
        answers=handover_answers(freiburg),
        signed_name="Ann Owner",
        mileage_out=ro.mileage + 3,
    )
    url = progress_link(ro)
    handed_over = phone.get(url)
    assert handed_over.status_code == 200
    assert "Your car was handed back to you." in handed_over.content.decode()

    time_machine.move_to(NOW + dt.timedelta(days=settings.PROGRESS_LINK_DAYS_AFTER, hours=1))

    assert phone.get(url).status_code == 404


def test_progress_page_shows_the_express_promise_with_the_time_left(
    freiburg, fr_cap, advisor, phone, time_machine
):
    appointment = book(
        freiburg, fr_cap, "express-oil", at=dt.datetime(2026, 11, 24, 9, 0), language="en"
    )
    time_machine.move_to(dt.datetime(2026, 11, 24, 8, 55, tzinfo=BERLIN), tick=False)
    ro = repair_order_check_in(actor=advisor, appointment=appointment, mileage=20_000)

    html = phone.get(progress_link(ro)).content.decode()

    assert "Ready by" in html
    assert (
        "Tuesday, Nov. 24, 2026, 10 a.m." in html
    )  # promised an hour after the 09:00 appointment, Freiburg time
    assert "1\xa0hour, 5\xa0minutes left" in html
    assert "Express oil service" in html and "Not started yet" in html
