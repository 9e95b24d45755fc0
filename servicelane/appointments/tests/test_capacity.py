"""What can be booked when: lane capacity, closed days, time zones and promises."""

import datetime as dt

import holidays
import pytest
from django.core.exceptions import ValidationError

from servicelane.appointments.choices import LaneKind
from servicelane.appointments.models import Appointment, Closure
from servicelane.appointments.selectors import availability, booking_plan, week_plan
from servicelane.appointments.services import SlotUnavailable, appointment_cancel
from servicelane.appointments.tests.factories import UTC, book, capacity
from servicelane.core.tests.factories import WorkshopFactory
from servicelane.customers.models import Customer
from servicelane.testing.clock import TODAY, TUESDAY
from servicelane.vehicles.models import Vehicle


def offered(workshop, cap, *codes, day, to=None):
    """Local start times ("09:30") offered on ``day``, or the days offered up to ``to``."""
    slots = availability(
        workshop=workshop,
        plan=booking_plan(workshop, cap.ids(*codes)),
        date_from=day,
        date_to=to or day,
    )
    local = [s.starts_at.astimezone(workshop.zone) for s in slots]
    if to is not None:
        return sorted({moment.date() for moment in local})
    return [moment.strftime("%H:%M") for moment in local]


def at(day: dt.date, hour: int, minute: int = 0) -> dt.datetime:
    """A naive time: the workshop's local time."""
    return dt.datetime.combine(day, dt.time(hour, minute))


def message_of(error: pytest.ExceptionInfo[ValidationError]) -> str:
    return " ".join(error.value.messages)


# --- lane capacity ------------------------------------------------------------


@pytest.mark.django_db
def test_an_hour_booked_at_nine_in_a_one_bay_lane_blocks_nine_and_half_past_but_not_ten(
    freiburg, fr_cap, advisor
):
    assert "09:00" in offered(freiburg, fr_cap, "diagnosis", day=TUESDAY)

    book(freiburg, fr_cap, "diagnosis", at=at(TUESDAY, 9), actor=advisor)

    times = offered(freiburg, fr_cap, "diagnosis", day=TUESDAY)
    assert "08:00" in times
    assert "08:30" not in times  # would run into the taken 09:00 slot
    assert "09:00" not in times
    assert "09:30" not in times
    assert "10:00" in times


@pytest.mark.django_db
def test_a_longer_booking_uses_every_slot_it_covers(freiburg, fr_cap, advisor):
    book(freiburg, fr_cap, "oil-service", at=at(TUESDAY, 9), actor=advisor)  # 09:00–10:30

    times = offered(freiburg, fr_cap, "diagnosis", day=TUESDAY)

    assert "10:00" not in times
    assert "10:30" in times
    with pytest.raises(SlotUnavailable):
        book(freiburg, fr_cap, "diagnosis", at=at(TUESDAY, 10), actor=advisor)


@pytest.mark.django_db
def test_work_that_would_run_past_closing_time_is_never_offered_and_is_refused(
    freiburg, fr_cap, advisor
):
    times = offered(freiburg, fr_cap, "oil-service", day=TUESDAY)  # 90 minutes, closes 17:00

    assert times[0] == "08:00"
    assert times[-1] == "15:30"
    with pytest.raises(ValidationError) as error:
        book(freiburg, fr_cap, "oil-service", at=at(TUESDAY, 16), actor=advisor)
    assert "within opening hours" in message_of(error)
    assert not Appointment.objects.exists()


@pytest.mark.django_db
def test_a_start_off_the_slot_grid_is_refused(freiburg, fr_cap, advisor):
    with pytest.raises(ValidationError) as error:
        book(freiburg, fr_cap, "diagnosis", at=at(TUESDAY, 9, 10), actor=advisor)

    assert "every 30 minutes" in message_of(error)


@pytest.mark.django_db
def test_booking_a_full_slot_raises_slot_unavailable_with_the_next_free_times(
    freiburg, fr_cap, advisor
):
    book(freiburg, fr_cap, "diagnosis", at=at(TUESDAY, 9), actor=advisor)

    with pytest.raises(SlotUnavailable) as taken:
        book(freiburg, fr_cap, "diagnosis", at=at(TUESDAY, 9), actor=advisor)

    alternatives = [s.starts_at.astimezone(freiburg.zone) for s in taken.value.alternatives]
    assert [a.strftime("%Y-%m-%d %H:%M") for a in alternatives] == [
        "2026-11-24 10:00",
        "2026-11-24 10:30",
        "2026-11-24 11:00",
    ]
    # The refused booking left nothing behind: no second booking, customer or car.
    assert Appointment.objects.count() == 1
    assert Customer.objects.count() == 1
    assert Vehicle.objects.count() == 1


@pytest.mark.django_db
def test_alternatives_for_a_full_next_day_express_slot_include_later_times_that_day(
    freiburg, fr_cap, advisor
):
    book(freiburg, fr_cap, "express-oil", at=at(TUESDAY, 9), actor=advisor)

    with pytest.raises(SlotUnavailable) as taken:
        book(freiburg, fr_cap, "express-oil", at=at(TUESDAY, 9), actor=advisor)

    first = taken.value.alternatives[0].starts_at.astimezone(freiburg.zone)
    assert first == dt.datetime(2026, 11, 24, 10, 0, tzinfo=freiburg.zone)


@pytest.mark.django_db
def test_a_cancelled_booking_frees_its_capacity(freiburg, fr_cap, advisor):
    first = book(freiburg, fr_cap, "diagnosis", at=at(TUESDAY, 9), actor=advisor)
    assert "09:00" not in offered(freiburg, fr_cap, "diagnosis", day=TUESDAY)

    appointment_cancel(actor=advisor, appointment=first, reason="Customer called")

    assert "09:00" in offered(freiburg, fr_cap, "diagnosis", day=TUESDAY)
    second = book(freiburg, fr_cap, "diagnosis", at=at(TUESDAY, 9), actor=advisor)
    assert second.starts_at == first.starts_at


@pytest.mark.django_db
def test_a_lane_with_two_bays_takes_two_parallel_bookings_and_refuses_a_third(freiburg, advisor):
    cap = capacity(freiburg, general_bays=2)

    book(freiburg, cap, "diagnosis", at=at(TUESDAY, 9), actor=advisor)
    assert "09:00" in offered(freiburg, cap, "diagnosis", day=TUESDAY)
    book(freiburg, cap, "diagnosis", at=at(TUESDAY, 9), actor=advisor)

    assert "09:00" not in offered(freiburg, cap, "diagnosis", day=TUESDAY)
    with pytest.raises(SlotUnavailable):
        book(freiburg, cap, "diagnosis", at=at(TUESDAY, 9), actor=advisor)
    assert Appointment.objects.count() == 2


@pytest.mark.django_db
def test_lanes_are_independent(freiburg, fr_cap, advisor):
    book(freiburg, fr_cap, "diagnosis", at=at(TUESDAY, 9), actor=advisor)

    assert "09:00" in offered(freiburg, fr_cap, "express-oil", day=TUESDAY)


# --- closed days --------------------------------------------------------------


@pytest.mark.parametrize(
    ("day", "reason"),
    [
        (dt.date(2026, 11, 29), "closed on this weekday"),  # a Sunday: no opening hours
        (dt.date(2026, 12, 25), "Christmas Day"),  # public holiday in DE-BW
        (dt.date(2026, 11, 27), "Inventur"),  # the workshop's own closure
    ],
)
@pytest.mark.django_db
def test_a_closed_day_is_not_offered_and_booking_it_names_the_reason(
    freiburg, fr_cap, advisor, day, reason
):
    Closure.objects.create(workshop=freiburg, date=dt.date(2026, 11, 27), reason="Inventur")

    days = offered(freiburg, fr_cap, "diagnosis", day=day - dt.timedelta(days=1), to=day)

    assert days == [day - dt.timedelta(days=1)]
    with pytest.raises(ValidationError) as error:
        book(freiburg, fr_cap, "diagnosis", at=at(day, 10), actor=advisor)
    assert "closed" in message_of(error)
    assert reason in message_of(error)
    assert not Appointment.objects.exists()


@pytest.mark.django_db
def test_a_past_weeks_plan_still_shows_its_closure(freiburg, fr_cap):
    Closure.objects.create(workshop=freiburg, date=dt.date(2026, 11, 13), reason="Ausflug")

    plan = week_plan(workshop=freiburg, monday=dt.date(2026, 11, 9))

    reasons = {d["day"]: d["closed_reason"] for d in plan["days"]}
    assert reasons[dt.date(2026, 11, 13)] == "Ausflug"


@pytest.mark.django_db
def test_corpus_christi_closes_a_workshop_in_baden_wuerttemberg_but_not_in_berlin(
    time_machine, network, freiburg, fr_cap, advisor
):
    corpus_christi = dt.date(2026, 6, 4)
    assert corpus_christi in holidays.country_holidays("DE", subdiv="BW", years=2026)
    assert corpus_christi not in holidays.country_holidays("DE", subdiv="BE", years=2026)
    time_machine.move_to(dt.datetime(2026, 6, 1, 6, 0, tzinfo=UTC), tick=False)
    berlin = WorkshopFactory(network=network, code="BE", subdivision="BE", city="Berlin")
    berlin_cap = capacity(berlin)

    assert offered(freiburg, fr_cap, "diagnosis", day=corpus_christi) == []
    assert offered(berlin, berlin_cap, "diagnosis", day=corpus_christi)[0] == "08:00"
    with pytest.raises(ValidationError) as error:
        book(freiburg, fr_cap, "diagnosis", at=at(corpus_christi, 10), actor=advisor)
    assert "Corpus Christi" in message_of(error)


@pytest.mark.django_db
def test_national_day_closes_beijing(time_machine, beijing, bj_cap, advisor_bj):
    time_machine.move_to(dt.datetime(2026, 9, 28, 6, 0, tzinfo=UTC), tick=False)
    national_day = dt.date(2026, 10, 1)

    days = offered(beijing, bj_cap, "diagnosis", day=dt.date(2026, 9, 30), to=national_day)

    assert days == [dt.date(2026, 9, 30)]
    with pytest.raises(ValidationError) as error:
        book(beijing, bj_cap, "diagnosis", at=at(national_day, 10), actor=advisor_bj)
    assert "National Day" in message_of(error)


# --- time zones ---------------------------------------------------------------


@pytest.mark.django_db
def test_nine_oclock_local_is_a_different_instant_in_freiburg_and_beijing(
    freiburg, fr_cap, advisor, beijing, bj_cap, advisor_bj
):
    in_freiburg = book(freiburg, fr_cap, "diagnosis", at=at(TUESDAY, 9), actor=advisor)
    in_beijing = book(beijing, bj_cap, "diagnosis", at=at(TUESDAY, 9), actor=advisor_bj)

    assert in_freiburg.starts_at == dt.datetime(2026, 11, 24, 8, 0, tzinfo=UTC)  # CET
    assert in_beijing.starts_at == dt.datetime(2026, 11, 24, 1, 0, tzinfo=UTC)  # CST
    assert in_beijing.starts_at.astimezone(beijing.zone).hour == 9


@pytest.mark.django_db
def test_nine_oclock_in_a_freiburg_summer_is_seven_utc(time_machine, freiburg, fr_cap, advisor):
    time_machine.move_to(dt.datetime(2026, 6, 1, 6, 0, tzinfo=UTC), tick=False)

    appointment = book(freiburg, fr_cap, "diagnosis", at=at(dt.date(2026, 6, 2), 9), actor=advisor)

    assert appointment.starts_at == dt.datetime(2026, 6, 2, 7, 0, tzinfo=UTC)  # CEST


@pytest.mark.django_db
def test_an_aware_start_time_is_kept_as_the_instant_it_names(beijing, bj_cap, advisor_bj):
    appointment = book(
        beijing,
        bj_cap,
        "diagnosis",
        at=dt.datetime(2026, 11, 24, 2, 0, tzinfo=UTC),
        actor=advisor_bj,
    )

    assert appointment.starts_at.astimezone(beijing.zone).strftime("%H:%M") == "10:00"


@pytest.mark.django_db
def test_beijing_availability_runs_from_its_local_opening_to_closing(beijing, bj_cap):
    slots = availability(
        workshop=beijing,
        plan=booking_plan(beijing, bj_cap.ids("diagnosis")),
        date_from=TUESDAY,
        date_to=TUESDAY,
    )

    assert slots[0].starts_at == dt.datetime(2026, 11, 24, 0, 0, tzinfo=UTC)  # 08:00 in Beijing
    assert slots[-1].ends_at == dt.datetime(2026, 11, 24, 9, 0, tzinfo=UTC)  # 17:00 in Beijing


@pytest.mark.django_db
def test_today_is_the_workshops_local_date(
    time_machine, freiburg, fr_cap, advisor, beijing, bj_cap, advisor_bj
):
    # 22:30 UTC on Monday: still Monday in Freiburg, already Tuesday 06:30 in Beijing.
    time_machine.move_to(dt.datetime(2026, 11, 23, 22, 30, tzinfo=UTC), tick=False)
    thursday = dt.date(2026, 11, 26)

    # Express oil needs a day's notice, counted from each workshop's own today.
    assert offered(freiburg, fr_cap, "express-oil", day=TODAY, to=thursday)[0] == TUESDAY
    assert offered(beijing, bj_cap, "express-oil", day=TODAY, to=thursday)[0] == dt.date(
        2026, 11, 25
    )
    book(freiburg, fr_cap, "express-oil", at=at(TUESDAY, 10), actor=advisor)
    with pytest.raises(ValidationError) as error:
        book(beijing, bj_cap, "express-oil", at=at(TUESDAY, 10), actor=advisor_bj)
    assert "Nov. 25, 2026" in message_of(error)
    # Beijing's Monday is over: nothing is offered for it any more.
    assert offered(beijing, bj_cap, "diagnosis", day=TODAY) == []
    assert offered(freiburg, fr_cap, "diagnosis", day=TODAY) == []  # 23:30: all past


# --- promises -----------------------------------------------------------------


@pytest.mark.django_db
def test_express_oil_is_not_offered_today_and_booking_it_today_is_refused(
    freiburg, fr_cap, advisor
):
    assert offered(freiburg, fr_cap, "diagnosis", day=TODAY)  # the workshop is open today
    assert offered(freiburg, fr_cap, "express-oil", day=TODAY) == []

    with pytest.raises(ValidationError) as error:
        book(freiburg, fr_cap, "express-oil", at=at(TODAY, 10), actor=advisor)

    message = message_of(error)
    assert "at least 1 day(s) ahead" in message
    assert "Nov. 24, 2026" in message
    assert not Appointment.objects.exists()


@pytest.mark.django_db
def test_express_oil_for_tomorrow_promises_completion_an_hour_after_arrival(
    freiburg, fr_cap, advisor
):
    appointment = book(freiburg, fr_cap, "express-oil", at=at(TUESDAY, 9), actor=advisor)

    assert appointment.lane.kind == LaneKind.EXPRESS
    assert appointment.promise_hours == 1
    assert appointment.promised_at == appointment.starts_at + dt.timedelta(hours=1)
    assert appointment.promised_at == dt.datetime(2026, 11, 24, 9, 0, tzinfo=UTC)


@pytest.mark.django_db
def test_small_body_paint_promises_completion_a_day_after_arrival(freiburg, advisor):
    cap = capacity(freiburg, slot_minutes=60)

    appointment = book(freiburg, cap, "small-body-paint", at=at(TODAY, 9), actor=advisor)

    assert appointment.lane.kind == LaneKind.BODY_PAINT
    assert appointment.promised_at == appointment.starts_at + dt.timedelta(hours=24)
    assert appointment.ends_at == appointment.starts_at + dt.timedelta(hours=4)


@pytest.mark.django_db
def test_express_oil_with_a_diagnosis_goes_to_the_general_lane_without_a_promise(
    freiburg, fr_cap, advisor
):
    appointment = book(
        freiburg, fr_cap, "express-oil", "diagnosis", at=at(TUESDAY, 9), actor=advisor
    )

    assert appointment.lane.kind == LaneKind.GENERAL
    assert appointment.promise_hours is None
    assert appointment.promised_at is None
    assert appointment.duration_minutes == 120
    assert set(appointment.service_types.values_list("code", flat=True)) == {
        "express-oil",
        "diagnosis",
    }
    # The general lane is taken for both hours; the express lane stays free.
    assert "10:00" not in offered(freiburg, fr_cap, "diagnosis", day=TUESDAY)
    assert "09:00" in offered(freiburg, fr_cap, "express-oil", day=TUESDAY)


@pytest.mark.django_db
def test_an_inactive_lane_offers_nothing_and_takes_no_booking(freiburg, fr_cap, advisor):
    fr_cap.lanes["express"].active = False
    fr_cap.lanes["express"].save()

    with pytest.raises(ValidationError) as error:
        offered(freiburg, fr_cap, "express-oil", day=TUESDAY)
    assert "service_types" in error.value.message_dict
    with pytest.raises(ValidationError):
        book(freiburg, fr_cap, "express-oil", at=at(TUESDAY, 9), actor=advisor)
