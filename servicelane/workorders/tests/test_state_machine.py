"""The repair order's state machine: the path every car takes, the steps refused on the way
(with the reason), the audit trail of each change, and cancellation."""

import pytest
from django.core.exceptions import ValidationError

from servicelane.core.models import AuditEntry
from servicelane.testing.refusals import refusal
from servicelane.testing.scenarios import (
    approve_all,
    decline_all,
    handover_answers,
    priced_job,
    ready_order,
    walk_in,
    work_all,
)
from servicelane.workorders.choices import (
    OPEN_STATUSES,
    TRANSITIONS,
    EstimateStatus,
    EventKind,
    JobStatus,
    ROStatus,
)
from servicelane.workorders.estimate.services import estimate_send, job_add
from servicelane.workorders.handover.selectors import handover_blockers
from servicelane.workorders.handover.services import (
    repair_order_cancel,
    repair_order_hand_over,
    repair_order_mark_invoiced,
)
from servicelane.workorders.models import RepairOrder
from servicelane.workorders.quality.services import quality_check_record
from servicelane.workorders.work.services import job_clock_on, job_pause

pytestmark = pytest.mark.django_db


S = ROStatus


def statuses_on_timeline(ro: RepairOrder) -> list[tuple[str, str]]:
    return [
        (e.data["from"], e.data["to"])
        for e in ro.events.filter(kind=EventKind.STATUS).order_by("at", "id")
    ]


# ---------------------------------------------------------------- the table


def test_every_status_declares_what_may_follow_and_closed_orders_stay_closed():
    assert set(TRANSITIONS) == set(ROStatus)
    for followers in TRANSITIONS.values():
        assert followers <= set(ROStatus)
    assert TRANSITIONS[S.DELIVERED] == set()
    assert TRANSITIONS[S.CANCELLED] == set()
    # Nothing goes back to reception, and a car is only delivered once it is ready.
    assert not any(S.CHECKED_IN in followers for followers in TRANSITIONS.values())
    assert {s for s, followers in TRANSITIONS.items() if S.DELIVERED in followers} == {
        S.READY,
        S.INVOICED,
    }
    assert S.DELIVERED not in OPEN_STATUSES and S.CANCELLED not in OPEN_STATUSES


# ---------------------------------------------------------------- the path


def test_a_walk_in_goes_through_every_step_to_ready_and_the_timeline_shows_each(
    freiburg, advisor, tech, foreman
):
    ro = ready_order(freiburg, advisor, tech, foreman)

    assert ro.status == S.READY
    assert statuses_on_timeline(ro) == [
        (S.CHECKED_IN, S.ESTIMATE_SENT),
        (S.ESTIMATE_SENT, S.APPROVED),
        (S.APPROVED, S.IN_PROGRESS),
        (S.IN_PROGRESS, S.QUALITY_CHECK),
        (S.QUALITY_CHECK, S.READY),
    ]
    assert ro.ready_at is not None


def test_every_status_change_is_audited_with_who_and_before_and_after(
    freiburg, advisor, tech, foreman
):
    ro = ready_order(freiburg, advisor, tech, foreman)

    entries = AuditEntry.objects.filter(
        action="status_changed", target_type="workorders.repairorder", target_id=str(ro.pk)
    ).order_by("at", "id")
    assert [(e.changes["status"], e.actor) for e in entries] == [
        ([S.CHECKED_IN, S.ESTIMATE_SENT], advisor),
        # The customer approves through the link: no user of ours.
        ([S.ESTIMATE_SENT, S.APPROVED], None),
        ([S.APPROVED, S.IN_PROGRESS], tech),
        ([S.IN_PROGRESS, S.QUALITY_CHECK], tech),
        ([S.QUALITY_CHECK, S.READY], advisor),
    ]
    assert all(e.workshop_id == freiburg.pk for e in entries)


def test_a_car_whose_customer_declines_everything_is_ready_and_can_be_delivered(freiburg, advisor):
    ro = walk_in(freiburg, advisor)
    priced_job(ro, advisor)
    estimate = estimate_send(actor=advisor, repair_order=ro)
    decline_all(estimate)
    repair_order_hand_over(
        actor=advisor,
        repair_order=ro,
        signed_name="Eva Kundin",
        mileage_out=ro.mileage,
        answers=handover_answers(freiburg),
    )

    ro.refresh_from_db()
    assert ro.status == S.DELIVERED
    assert statuses_on_timeline(ro)[-2:] == [
        (S.ESTIMATE_SENT, S.READY),
        (S.READY, S.DELIVERED),
    ]


# ---------------------------------------------------------------- refusals


def test_a_quality_check_on_a_car_just_checked_in_is_refused_with_the_reason(
    freiburg, advisor, tech
):
    ro = walk_in(freiburg, advisor)

    with pytest.raises(ValidationError) as exc:
        quality_check_record(actor=tech, repair_order=ro, level=1, passed=True)

    assert "not waiting for a quality check (it is checked in)" in refusal(exc)
    ro.refresh_from_db()
    assert ro.status == S.CHECKED_IN
    assert not ro.quality_checks.exists()


def test_invoicing_an_order_whose_work_is_not_done_is_refused(freiburg, advisor, tech):
    ro = walk_in(freiburg, advisor)
    priced_job(ro, advisor)
    approve_all(estimate_send(actor=advisor, repair_order=ro))
    job_clock_on(actor=tech, job=ro.jobs.get())

    with pytest.raises(ValidationError) as exc:
        repair_order_mark_invoiced(actor=advisor, repair_order=ro, number="FR-2026-1")

    assert refusal(exc) == "A repair order that is “In progress” cannot become “Invoiced”."
    ro.refresh_from_db()
    assert ro.status == S.IN_PROGRESS
    assert not ro.events.filter(kind=EventKind.INVOICED).exists()


def test_handing_over_a_car_still_in_the_workshop_is_refused(freiburg, advisor):
    ro = walk_in(freiburg, advisor)

    with pytest.raises(ValidationError) as exc:
        repair_order_hand_over(
            actor=advisor,
            repair_order=ro,
            signed_name="Eva Kundin",
            mileage_out=ro.mileage,
            answers=handover_answers(freiburg),
        )

    assert "The repair order is checked in." in refusal(exc)
    ro.refresh_from_db()
    assert ro.status == S.CHECKED_IN
    assert ro.delivered_at is None


def test_more_work_on_a_ready_car_needs_a_new_order(freiburg, advisor, tech, foreman):
    ro = ready_order(freiburg, advisor, tech, foreman)

    with pytest.raises(ValidationError) as exc:
        job_add(actor=advisor, repair_order=ro, title="Wipers", operation_codes=[])

    assert "open a new repair order" in refusal(exc)
    assert ro.jobs.count() == 1


def test_a_delivered_order_cannot_be_cancelled(freiburg, advisor):
    ro = walk_in(freiburg, advisor)
    # Nothing to do: ready at once, handed back.
    priced_job(ro, advisor)
    estimate = estimate_send(actor=advisor, repair_order=ro)
    decline_all(estimate)
    repair_order_hand_over(
        actor=advisor,
        repair_order=ro,
        signed_name="Eva Kundin",
        mileage_out=ro.mileage,
        answers=handover_answers(freiburg),
    )

    with pytest.raises(ValidationError) as exc:
        repair_order_cancel(actor=advisor, repair_order=ro, reason="Mistake")

    assert refusal(exc) == "A repair order that is “Delivered” cannot become “Cancelled”."
    ro.refresh_from_db()
    assert ro.status == S.DELIVERED


# ---------------------------------------------------------------- cancel


def test_an_order_is_cancelled_with_a_reason_and_its_estimate_link_stops_working(freiburg, advisor):
    ro = walk_in(freiburg, advisor)
    priced_job(ro, advisor)
    estimate = estimate_send(actor=advisor, repair_order=ro)

    repair_order_cancel(
        actor=advisor, repair_order=ro, reason="  Customer took the car elsewhere  "
    )

    ro.refresh_from_db()
    assert ro.status == S.CANCELLED
    event = ro.events.get(kind=EventKind.CANCELLED)
    assert event.data["reason"] == "Customer took the car elsewhere"
    assert event.actor == advisor
    estimate.refresh_from_db()
    assert estimate.status == EstimateStatus.WITHDRAWN
    with pytest.raises(ValidationError) as exc:
        approve_all(estimate)
    assert "already been answered or replaced" in refusal(exc)
    assert not ro.jobs.filter(status=JobStatus.APPROVED).exists()


def test_a_cancelled_order_can_no_longer_be_changed(freiburg, advisor):
    ro = walk_in(freiburg, advisor)
    repair_order_cancel(actor=advisor, repair_order=ro, reason="Wrong car")

    with pytest.raises(ValidationError) as exc:
        job_add(actor=advisor, repair_order=ro, title="Brakes")

    assert "This repair order is cancelled; it can no longer be changed." in refusal(exc)
    assert not ro.jobs.exists()


@pytest.mark.parametrize("reason", ["", "   "])
def test_cancelling_without_a_reason_is_refused(freiburg, advisor, reason):
    ro = walk_in(freiburg, advisor)

    with pytest.raises(ValidationError) as exc:
        repair_order_cancel(actor=advisor, repair_order=ro, reason=reason)

    assert exc.value.message_dict == {"reason": ["Say why the order is cancelled."]}
    ro.refresh_from_db()
    assert ro.status == S.CHECKED_IN


def test_an_order_with_clocked_work_cannot_be_cancelled_even_when_paused(freiburg, advisor, tech):
    ro = walk_in(freiburg, advisor)
    priced_job(ro, advisor)
    approve_all(estimate_send(actor=advisor, repair_order=ro))
    job = ro.jobs.get()
    job_clock_on(actor=tech, job=job)
    job_pause(actor=tech, job=job, reason="Waiting for parts")

    with pytest.raises(ValidationError) as exc:
        repair_order_cancel(actor=advisor, repair_order=ro, reason="Customer left")

    assert "Work has been clocked on this order" in refusal(exc)
    ro.refresh_from_db()
    assert ro.status == S.IN_PROGRESS


def test_a_customer_who_approved_may_still_cancel_before_any_work_is_clocked(freiburg, advisor):
    ro = walk_in(freiburg, advisor)
    priced_job(ro, advisor)
    approve_all(estimate_send(actor=advisor, repair_order=ro))

    repair_order_cancel(actor=advisor, repair_order=ro, reason="Customer changed plans")

    ro.refresh_from_db()
    assert ro.status == S.CANCELLED


def test_a_car_in_quality_check_cannot_be_handed_over_and_the_advisor_sees_why(
    freiburg, advisor, tech, foreman
):
    ro = walk_in(freiburg, advisor)
    priced_job(ro, advisor)
    approve_all(estimate_send(actor=advisor, repair_order=ro))
    work_all(ro, tech)
    ro.refresh_from_db()
    assert ro.status == S.QUALITY_CHECK
    assert handover_blockers(ro) == [
        "The repair order is quality check.",
        "All three quality checks must pass first.",
        "Issue the invoice first.",
    ]
