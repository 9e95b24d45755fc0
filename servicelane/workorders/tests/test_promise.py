"""The express promise: a car booked with a promise and ready (all three checks passed) after
the promised time has its promised package's labour free, with the reason in the customer's
language, and the breach recorded. A customer who arrives late brings no promise."""

import datetime as dt
from decimal import Decimal

import pytest

from servicelane.appointments.tests.factories import book
from servicelane.core.models import AuditEntry
from servicelane.testing.scenarios import approve_all, pass_qc, priced_job, ready_order, work_all
from servicelane.workorders.choices import EventKind, JobSource, LineKind, ROStatus
from servicelane.workorders.estimate.services import estimate_send
from servicelane.workorders.handover.selectors import invoiceable_jobs
from servicelane.workorders.pricing import totals
from servicelane.workorders.reception.services import repair_order_check_in
from servicelane.workorders.tests.factories import local

pytestmark = pytest.mark.django_db

# Express oil service: one hour promised, bookable from the next day on.
TUESDAY_NINE = dt.datetime(2026, 11, 24, 9, 0)


@pytest.fixture
def express(freiburg, fr_cap):
    """Booked on Monday for Tuesday 09:00, promised back by 10:00."""
    appointment = book(
        freiburg, fr_cap, "express-oil", at=TUESDAY_NINE, language="de", email="eva@example.de"
    )
    assert appointment.promised_at == local(2026, 11, 24, 10)
    return appointment


def arrive(appointment, advisor, time_machine, minute: int):
    time_machine.move_to(local(2026, 11, 24, 9, minute), tick=False)
    return repair_order_check_in(actor=advisor, appointment=appointment, mileage=30_000)


def finish_at(ro, hour: int, minute: int, *, tech, foreman, advisor, time_machine) -> None:
    """The work done, and the last of the three checks passed at hour:minute."""
    work_all(ro, tech)
    time_machine.move_to(local(2026, 11, 24, hour, minute), tick=False)
    pass_qc(ro, tech, foreman, advisor)
    ro.refresh_from_db()
    assert ro.status == ROStatus.READY


def labour(ro, *, promised: bool):
    return ro.jobs.get(promised=promised).lines.get(kind=LineKind.LABOUR)


def test_checking_in_on_time_carries_the_promise_to_the_order(express, advisor, time_machine):
    ro = arrive(express, advisor, time_machine, minute=5)

    assert (ro.promise_hours, ro.promised_at) == (1, local(2026, 11, 24, 10))
    job = ro.jobs.get()
    assert (job.source, job.promised) == (JobSource.BOOKED, True)
    assert labour(ro, promised=True).net_amount == Decimal("89.00")  # menu price


def test_ready_after_the_promised_time_makes_the_promised_labour_free(
    express, advisor, tech, foreman, time_machine
):
    ro = arrive(express, advisor, time_machine, minute=5)
    # An extra job the customer approves on the spot: not part of the promise.
    priced_job(ro, advisor, "WIPER-BLADES", title="Wipers")
    approve_all(estimate_send(actor=advisor, repair_order=ro))

    finish_at(ro, 10, 30, tech=tech, foreman=foreman, advisor=advisor, time_machine=time_machine)

    assert ro.promise_broken is True
    assert ro.ready_at == local(2026, 11, 24, 10, 30)
    oil = labour(ro, promised=True)
    assert oil.discount_percent == Decimal("100")
    assert oil.net_amount == Decimal("0.00")
    # In the customer's language (German dates), printed on the invoice from the line.
    assert "24. November 2026 10:00" in oil.discount_reason
    assert "24. November 2026 10:30" in oil.discount_reason
    # The extra job keeps its price: 2 units at 11.6667.
    wipers = labour(ro, promised=False)
    assert (wipers.discount_percent, wipers.discount_reason) == (Decimal("0"), "")
    assert totals(invoiceable_jobs(ro), ro.workshop)["net"] == Decimal("23.33")
    event = ro.events.get(kind=EventKind.PROMISE_BROKEN)
    assert (event.data["minutes_late"], event.data["lines"]) == (30, 1)
    audit = AuditEntry.objects.get(action="promise_broken", target_id=str(ro.pk))
    assert audit.changes["promise_broken"] == [False, True]


def test_the_reason_is_written_for_an_english_customer_in_english(
    freiburg, fr_cap, advisor, tech, foreman, time_machine
):
    appointment = book(freiburg, fr_cap, "express-oil", at=TUESDAY_NINE, language="en")
    ro = arrive(appointment, advisor, time_machine, minute=0)

    finish_at(ro, 11, 15, tech=tech, foreman=foreman, advisor=advisor, time_machine=time_machine)

    assert labour(ro, promised=True).discount_reason == (
        "Promise missed (promised for Nov. 24, 2026, 10 a.m., ready at Nov. 24, 2026, 11:15 a.m.): "
        "labour free of charge."
    )


def test_ready_in_time_keeps_the_price(express, advisor, tech, foreman, time_machine):
    ro = arrive(express, advisor, time_machine, minute=5)

    finish_at(ro, 9, 55, tech=tech, foreman=foreman, advisor=advisor, time_machine=time_machine)

    assert ro.promise_broken is False
    oil = labour(ro, promised=True)
    assert (oil.discount_percent, oil.net_amount) == (Decimal("0"), Decimal("89.00"))
    assert not ro.events.filter(kind=EventKind.PROMISE_BROKEN).exists()


def test_ready_on_the_minute_promised_is_in_time(express, advisor, tech, foreman, time_machine):
    ro = arrive(express, advisor, time_machine, minute=5)

    finish_at(ro, 10, 0, tech=tech, foreman=foreman, advisor=advisor, time_machine=time_machine)

    assert ro.promise_broken is False
    assert labour(ro, promised=True).discount_percent == Decimal("0")


def test_arriving_within_the_grace_minutes_keeps_the_promise(
    express, advisor, time_machine, settings
):
    assert settings.PROMISE_GRACE_MINUTES == 10

    ro = arrive(express, advisor, time_machine, minute=10)

    assert ro.promised_at == local(2026, 11, 24, 10)


def test_a_customer_arriving_later_than_the_grace_minutes_brings_no_promise(
    express, advisor, tech, foreman, time_machine
):
    ro = arrive(express, advisor, time_machine, minute=11)

    assert (ro.promise_hours, ro.promised_at) == (None, None)
    assert ro.jobs.get().promised is False
    assert ro.events.get(kind=EventKind.CHECKED_IN).data["promise_void"] is True

    finish_at(ro, 12, 0, tech=tech, foreman=foreman, advisor=advisor, time_machine=time_machine)

    assert ro.promise_broken is False
    assert labour(ro, promised=False).net_amount == Decimal("89.00")
    assert not ro.events.filter(kind=EventKind.PROMISE_BROKEN).exists()


def test_the_grace_is_the_workshops_setting(express, advisor, time_machine, settings):
    settings.PROMISE_GRACE_MINUTES = 0

    ro = arrive(express, advisor, time_machine, minute=1)

    assert ro.promised_at is None


def test_a_walk_in_has_no_promise_to_break(freiburg, advisor, tech, foreman, time_machine):
    time_machine.move_to(local(2026, 11, 24, 18), tick=False)
    ro = ready_order(freiburg, advisor, tech, foreman)

    assert (ro.promised_at, ro.promise_broken) == (None, False)
    assert ro.jobs.get().lines.get().discount_percent == Decimal("0")
