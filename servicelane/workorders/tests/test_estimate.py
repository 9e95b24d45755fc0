"""Estimates: jobs priced at the network's menu price or at flat rate with the workshop's rate,
discounts only with a reason, the customer's answer job by job through a link that works
once and expires, and work found during the repair put to the customer before it starts."""

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
from django.core.exceptions import ValidationError

from servicelane.testing.refusals import refusal
from servicelane.testing.scenarios import approve_all, priced_job, walk_in
from servicelane.workorders.choices import (
    EstimateStatus,
    EventKind,
    JobSource,
    JobStatus,
    LineKind,
    ROStatus,
)
from servicelane.workorders.estimate.services import (
    estimate_answer,
    estimate_send,
    job_add,
    job_line_add,
    job_remove,
)
from servicelane.workorders.handover.selectors import handover_blockers, invoiceable_jobs
from servicelane.workorders.models import Job, JobLine
from servicelane.workorders.pricing import totals
from servicelane.workorders.reception.selectors import deferred_jobs_of
from servicelane.workorders.work.services import job_clock_on, job_finish, job_pause

pytestmark = pytest.mark.django_db


@pytest.fixture
def ro(freiburg, advisor):
    return walk_in(freiburg, advisor)


def answer(estimate, signed_name="Eva Kundin", ip="192.0.2.7", **by_title: bool):
    decisions = {job.pk: by_title[job.title] for job in estimate.jobs.all()}
    return estimate_answer(estimate=estimate, decisions=decisions, signed_name=signed_name, ip=ip)


def part(job: Job, advisor, **fields) -> JobLine:
    values = {"description": "Brake pads, front", "code": "34 11 6 860 016", "unit_price": "84.50"}
    values.update(fields)
    return job_line_add(actor=advisor, job=job, kind=LineKind.PART, **values)


# ---------------------------------------------------------------- prices


def test_menu_price_for_standard_maintenance_and_flat_rate_with_the_workshops_rate(
    ro, advisor, freiburg
):
    assert freiburg.labour_rate == Decimal("140.00")

    job = priced_job(ro, advisor, "OIL-SERVICE", "BRAKES-FRONT", title="Service and brakes")

    oil, brakes = job.lines.order_by("id")
    # The network's fixed price in the workshop's currency.
    assert (oil.code, oil.menu_price, oil.quantity, oil.unit_price) == (
        "OIL-SERVICE",
        True,
        Decimal("1"),
        Decimal("89.00"),
    )
    # No menu price: 18 flat-rate units (1.5 h) at 140.00 an hour, 11.6667 a unit.
    assert (brakes.code, brakes.menu_price, brakes.quantity, brakes.unit_price) == (
        "BRAKES-FRONT",
        False,
        Decimal("18"),
        Decimal("11.6667"),
    )
    assert brakes.time_units == 18
    assert brakes.net_amount == Decimal("210.00")  # exactly 1.5 h at the rate
    assert job.net_total() == Decimal("299.00")


def test_the_same_operations_in_beijing_are_priced_in_yuan_at_its_rate(beijing, advisor_bj):
    ro = walk_in(beijing, advisor_bj)

    job = priced_job(ro, advisor_bj, "OIL-SERVICE", "BRAKES-FRONT")

    oil, brakes = job.lines.order_by("id")
    assert (oil.quantity, oil.unit_price) == (Decimal("1"), Decimal("450.00"))
    assert (brakes.quantity, brakes.unit_price) == (Decimal("18"), Decimal("40.00"))  # 480 / h
    assert totals([job], beijing) == {
        "net": Decimal("1170.00"),
        "vat": Decimal("152.10"),  # 13 %
        "gross": Decimal("1322.10"),
    }


def test_the_estimate_carries_its_totals_with_the_workshops_vat(ro, advisor):
    job = priced_job(ro, advisor, "OIL-SERVICE", "BRAKES-FRONT")
    part(job, advisor, quantity="2", unit_price="42.25")

    estimate = estimate_send(actor=advisor, repair_order=ro)

    # 89.00 + 210.00 + 2 × 42.25 = 383.50 net; 19 % VAT 72.87.
    assert (estimate.net_total, estimate.gross_total) == (Decimal("383.50"), Decimal("456.37"))
    assert estimate.expires_at == estimate.sent_at + dt.timedelta(hours=72)
    assert ro.events.get(kind=EventKind.ESTIMATE_SENT).data["gross"] == "456.37"


def test_an_unknown_operation_is_refused(ro, advisor):
    with pytest.raises(ValidationError) as exc:
        priced_job(ro, advisor, "BRAKES-FRONT", "FLUX-CAPACITOR")

    assert exc.value.message_dict == {
        "operation_code": ["Unknown labour operation: FLUX-CAPACITOR."]
    }
    assert not ro.jobs.exists()


# ---------------------------------------------------------------- lines and discounts


def test_a_discount_with_its_reason_lowers_the_line(ro, advisor):
    job = priced_job(ro, advisor)

    line = part(job, advisor, discount_percent="10", discount_reason="  Loyal customer ")

    assert (line.discount_percent, line.discount_reason) == (Decimal("10.00"), "Loyal customer")
    assert line.net_amount == Decimal("76.05")  # 84.50 less 8.45


@pytest.mark.parametrize("reason", ["", "   "])
def test_a_discount_without_a_reason_is_refused(ro, advisor, reason):
    job = priced_job(ro, advisor)

    with pytest.raises(ValidationError) as exc:
        part(job, advisor, discount_percent="15", discount_reason=reason)

    assert exc.value.message_dict == {"discount_reason": ["A discount needs a reason."]}
    assert job.lines.count() == 1  # only the labour line


@pytest.mark.parametrize("percent", ["-5", "100.01", "lots"])
def test_a_discount_outside_0_to_100_percent_is_refused(ro, advisor, percent):
    job = priced_job(ro, advisor)

    with pytest.raises(ValidationError) as exc:
        part(job, advisor, discount_percent=percent, discount_reason="Goodwill")

    assert "discount_percent" in exc.value.message_dict
    assert job.lines.count() == 1


@pytest.mark.parametrize(
    ("fields", "errors"),
    [
        ({"quantity": "-1"}, {"quantity": ["Enter a number greater than zero."]}),
        ({"quantity": "0"}, {"quantity": ["Enter a number greater than zero."]}),
        ({"quantity": "two"}, {"quantity": ["Enter a number."]}),
        ({"unit_price": "-84.50"}, {"unit_price": ["Enter a number that is not negative."]}),
        ({"unit_price": ""}, {"unit_price": ["Enter the part's price."]}),
        ({"description": "  ", "code": ""}, {"description": ["Describe the part."]}),
        ({"description": "  "}, {"code": ["No part with this number in the catalogue."]}),
    ],
)
def test_a_part_line_with_bad_numbers_is_refused(ro, advisor, fields, errors):
    job = priced_job(ro, advisor)

    with pytest.raises(ValidationError) as exc:
        part(job, advisor, **fields)

    assert exc.value.message_dict == errors
    assert not job.lines.filter(kind=LineKind.PART).exists()


@pytest.mark.parametrize(
    ("field", "value"),
    [("quantity", "NaN"), ("quantity", "Infinity"), ("quantity", "1e12"), ("unit_price", "1e15")],
)
def test_a_part_line_with_a_number_no_till_can_hold_is_refused(ro, advisor, field, value):
    job = priced_job(ro, advisor)

    with pytest.raises(ValidationError) as exc:
        part(job, advisor, **{field: value})

    assert list(exc.value.message_dict) == [field]
    assert not job.lines.filter(kind=LineKind.PART).exists()


def test_a_line_of_unknown_kind_is_refused(ro, advisor):
    job = priced_job(ro, advisor)

    with pytest.raises(ValidationError) as exc:
        job_line_add(actor=advisor, job=job, kind="sublet", description="Towing")

    assert exc.value.message_dict == {"kind": ["Choose labour or part."]}


# ---------------------------------------------------------------- sending


def test_a_job_without_lines_cannot_be_put_to_the_customer(ro, advisor):
    priced_job(ro, advisor)
    job_add(actor=advisor, repair_order=ro, title="Rattle from the dashboard")

    with pytest.raises(ValidationError) as exc:
        estimate_send(actor=advisor, repair_order=ro)

    assert refusal(exc) == "Price job(s) 2 first: a job without lines cannot be approved."
    ro.refresh_from_db()
    assert ro.status == ROStatus.CHECKED_IN
    assert not ro.estimates.exists()


def test_nothing_to_estimate_is_said(ro, advisor):
    with pytest.raises(ValidationError) as exc:
        estimate_send(actor=advisor, repair_order=ro)

    assert refusal(exc) == "There is no draft job to put to the customer."


def test_an_estimated_completion_in_the_past_is_refused(ro, advisor):
    priced_job(ro, advisor)

    with pytest.raises(ValidationError) as exc:
        estimate_send(
            actor=advisor,
            repair_order=ro,
            estimated_completion_at=dt.datetime(2026, 11, 23, 5, 0, tzinfo=dt.UTC),
        )

    assert exc.value.message_dict == {"estimated_completion_at": ["This time is in the past."]}
    assert not ro.estimates.exists()


def test_a_job_put_to_the_customer_can_no_longer_be_repriced(ro, advisor):
    job = priced_job(ro, advisor)
    estimate_send(actor=advisor, repair_order=ro)

    with pytest.raises(ValidationError) as exc:
        part(job, advisor)

    assert refusal(exc) == "Job 1 is awaiting approval: only draft jobs can be changed."
    assert job.lines.count() == 1


def test_the_customer_gets_the_estimate_by_email_with_the_pdf_and_the_link(
    ro, advisor, mailoutbox, django_capture_on_commit_callbacks
):
    priced_job(ro, advisor)
    mailoutbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        estimate_send(actor=advisor, repair_order=ro)

    (message,) = mailoutbox
    assert message.to == ["walkin@example.de"]
    assert ro.number in message.subject
    ((name, content, mimetype),) = message.attachments
    assert (name, mimetype) == (f"{ro.number}-1.pdf", "application/pdf")
    assert content[:5] == b"%PDF-"
    assert "/c/estimate/" in message.body


def test_sending_again_replaces_the_unanswered_estimate_and_its_link(ro, advisor):
    priced_job(ro, advisor, title="Brakes")
    first = estimate_send(actor=advisor, repair_order=ro)
    priced_job(ro, advisor, "WIPER-BLADES", title="Wipers")

    second = estimate_send(actor=advisor, repair_order=ro)

    first.refresh_from_db()
    assert first.status == EstimateStatus.WITHDRAWN
    assert second.sequence == 2
    assert sorted(second.jobs.values_list("title", flat=True)) == ["Brakes", "Wipers"]
    with pytest.raises(ValidationError) as exc:
        approve_all(first)
    assert "already been answered or replaced" in refusal(exc)
    answer(second, Brakes=True, Wipers=False)
    assert ro.jobs.get(title="Brakes").status == JobStatus.APPROVED


# ---------------------------------------------------------------- the customer's answer


def test_the_customer_approves_one_job_and_declines_another_signing_with_their_name(
    ro, advisor, freiburg
):
    priced_job(ro, advisor, title="Brakes")
    priced_job(ro, advisor, "WIPER-BLADES", title="Wipers")
    estimate = estimate_send(actor=advisor, repair_order=ro)

    answer(estimate, signed_name="  Eva Kundin ", ip="2001:db8::7", Brakes=True, Wipers=False)

    estimate.refresh_from_db()
    assert estimate.status == EstimateStatus.ANSWERED
    assert (estimate.signed_name, estimate.signed_ip) == ("Eva Kundin", "2001:db8::7")
    assert estimate.answered_at == dt.datetime(2026, 11, 23, 6, 0, tzinfo=dt.UTC)
    brakes, wipers = ro.jobs.order_by("position")
    assert (brakes.status, wipers.status) == (JobStatus.APPROVED, JobStatus.DECLINED)
    assert brakes.decided_at == estimate.answered_at
    ro.refresh_from_db()
    assert ro.status == ROStatus.APPROVED
    # The declined job stays on the car for its next visit.
    assert deferred_jobs_of(ro.vehicle, freiburg) == [wipers]
    event = ro.events.get(kind=EventKind.ESTIMATE_ANSWERED)
    assert (event.data["approved"], event.data["declined"]) == ([1], [2])


def test_when_every_job_is_declined_the_car_is_ready_with_nothing_to_invoice(ro, advisor):
    priced_job(ro, advisor, title="Brakes")
    estimate = estimate_send(actor=advisor, repair_order=ro)

    answer(estimate, Brakes=False)

    ro.refresh_from_db()
    assert ro.status == ROStatus.READY
    assert ro.ready_at is not None
    assert invoiceable_jobs(ro) == []
    assert handover_blockers(ro) == []


def test_a_link_answers_only_once(ro, advisor):
    priced_job(ro, advisor, title="Brakes")
    estimate = estimate_send(actor=advisor, repair_order=ro)
    answer(estimate, Brakes=False)

    with pytest.raises(ValidationError) as exc:
        answer(estimate, signed_name="Someone Else", Brakes=True)

    assert refusal(exc) == "This estimate has already been answered or replaced."
    estimate.refresh_from_db()
    assert estimate.signed_name == "Eva Kundin"
    assert ro.jobs.get().status == JobStatus.DECLINED


def test_an_expired_link_is_refused(ro, advisor, time_machine):
    priced_job(ro, advisor, title="Brakes")
    estimate = estimate_send(actor=advisor, repair_order=ro)
    time_machine.move_to(estimate.expires_at + dt.timedelta(seconds=1), tick=False)

    with pytest.raises(ValidationError) as exc:
        answer(estimate, Brakes=True)

    assert refusal(exc) == "This link has expired. Please ask your service advisor for a new one."
    assert ro.jobs.get().status == JobStatus.PENDING


@pytest.mark.parametrize(
    ("signed_name", "decisions", "field", "message"),
    [
        ("E", "all", "signed_name", "Type your full name to sign."),
        ("Eva Kundin", "first only", "decisions", "Approve or decline every job (missing: 2)."),
        ("Eva Kundin", "a stranger", "decisions", "Unknown job."),
        ("Eva Kundin", "not a number", "decisions", "Unknown job."),
    ],
)
def test_an_incomplete_answer_is_refused_and_nothing_is_decided(
    ro, advisor, signed_name, decisions, field, message
):
    priced_job(ro, advisor, title="Brakes")
    priced_job(ro, advisor, "WIPER-BLADES", title="Wipers")
    estimate = estimate_send(actor=advisor, repair_order=ro)
    first, second = estimate.jobs.order_by("position")
    answers: dict[str, dict[Any, bool]] = {
        "all": {first.pk: True, second.pk: True},
        "first only": {first.pk: True},
        "a stranger": {first.pk: True, second.pk: True, 999_999: True},
        "not a number": {first.pk: True, "second": True},
    }
    chosen = answers[decisions]

    with pytest.raises(ValidationError) as exc:
        estimate_answer(estimate=estimate, decisions=chosen, signed_name=signed_name, ip=None)

    assert exc.value.message_dict[field] == [message]
    assert set(ro.jobs.values_list("status", flat=True)) == {JobStatus.PENDING}
    estimate.refresh_from_db()
    assert estimate.status == EstimateStatus.SENT


# ---------------------------------------------------------------- supplementary estimate


@pytest.fixture
def in_progress(ro, advisor, tech):
    """The brake job approved and the technician on it."""
    priced_job(ro, advisor, title="Brakes")
    approve_all(estimate_send(actor=advisor, repair_order=ro))
    job_clock_on(actor=tech, job=ro.jobs.get())
    return ro


def test_work_found_during_the_repair_waits_for_the_customers_approval(in_progress, advisor, tech):
    ro = in_progress
    found = job_add(
        actor=tech, repair_order=ro, title="Wiper blades torn", operation_codes=["WIPER-BLADES"]
    )
    assert (found.source, found.status) == (JobSource.FOUND, JobStatus.DRAFT)
    brakes = ro.jobs.get(title="Brakes")
    job_pause(actor=tech, job=brakes, reason="Waiting for the customer")

    with pytest.raises(ValidationError) as exc:
        job_clock_on(actor=tech, job=found)
    assert refusal(exc) == "The customer has not approved this job yet."

    estimate = estimate_send(actor=advisor, repair_order=ro)
    assert estimate.supplementary is True
    assert list(estimate.jobs.all()) == [found]
    ro.refresh_from_db()
    assert ro.status == ROStatus.IN_PROGRESS
    with pytest.raises(ValidationError) as exc:
        job_clock_on(actor=tech, job=found)
    assert refusal(exc) == "The customer has not approved this job yet."

    approve_all(estimate)
    job_clock_on(actor=tech, job=found)
    found.refresh_from_db()
    assert found.status == JobStatus.IN_PROGRESS


def test_found_work_declined_after_the_rest_is_done_sends_the_car_to_quality_check(
    in_progress, advisor, tech
):
    ro = in_progress
    job_add(
        actor=tech, repair_order=ro, title="Wiper blades torn", operation_codes=["WIPER-BLADES"]
    )
    estimate = estimate_send(actor=advisor, repair_order=ro)
    job_finish(actor=tech, job=ro.jobs.get(title="Brakes"))
    ro.refresh_from_db()
    assert ro.status == ROStatus.IN_PROGRESS  # an answer is awaited

    answer(estimate, **{"Wiper blades torn": False})

    ro.refresh_from_db()
    assert ro.status == ROStatus.QUALITY_CHECK


def test_found_work_not_yet_put_to_the_customer_keeps_the_car_from_quality_check(
    in_progress, advisor, tech
):
    ro = in_progress
    found = job_add(
        actor=tech, repair_order=ro, title="Wiper blades torn", operation_codes=["WIPER-BLADES"]
    )

    job_finish(actor=tech, job=ro.jobs.get(title="Brakes"))

    ro.refresh_from_db()
    assert ro.status == ROStatus.IN_PROGRESS
    # The advisor decides not to offer it after all: the car moves on.
    job_remove(actor=advisor, job=found)
    ro.refresh_from_db()
    assert ro.status == ROStatus.QUALITY_CHECK
