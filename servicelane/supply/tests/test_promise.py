"""When a centre has a line packed and when it arrives: the promises of docs/parts.md
on a Chinese centre's calendar (Asia/Shanghai, 08:00 to 20:00, cut-offs super-urgent
18:00, urgent 16:00, stock 12:00, the country's public holidays closed)."""

import datetime as dt
from decimal import Decimal
from zoneinfo import ZoneInfo

import holidays
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from servicelane.supply.choices import OrderKind
from servicelane.supply.models import CentreClosedDay
from servicelane.supply.promise import PICK_TIME, CentreCalendar, arrival_at, ready_at
from servicelane.supply.selectors import centre_calendar

SHANGHAI = ZoneInfo("Asia/Shanghai")
YEARS = (2026, 2027, 2028)
CN_HOLIDAYS = frozenset(holidays.country_holidays("CN", years=YEARS))
CALENDAR = CentreCalendar(
    zone=SHANGHAI,
    opens=dt.time(8),
    closes=dt.time(20),
    cutoffs={
        OrderKind.SUPER_URGENT: dt.time(18),
        OrderKind.URGENT: dt.time(16),
        OrderKind.STOCK: dt.time(12),
    },
    closed=CN_HOLIDAYS,
)
# 2026-11-20 is a Friday, 2026-11-23 a Monday. National Day 2026: Thursday 1 to
# Wednesday 7 October are days off (the 8th is the next working day).


def local(day: str, time: str) -> dt.datetime:
    return dt.datetime.fromisoformat(f"{day}T{time}").replace(tzinfo=SHANGHAI)


def ready(kind: str, day: str, time: str) -> dt.datetime:
    return ready_at(kind, local(day, time), CALENDAR).astimezone(SHANGHAI)


def test_national_day_week_is_closed_by_the_holidays_package():
    week = [dt.date(2026, 10, d) for d in range(1, 8)]
    assert [CALENDAR.is_working_day(d) for d in week] == [False] * 7
    assert CALENDAR.is_working_day(dt.date(2026, 10, 8))
    assert CALENDAR.next_working_day(dt.date(2026, 9, 30)) == dt.date(2026, 10, 8)


# ---------------------------------------------------------------- vehicle off road


@pytest.mark.parametrize(
    ("day", "time", "expected"),
    [
        ("2026-11-23", "10:00", local("2026-11-23", "11:30")),  # Monday, working hours
        ("2026-11-22", "23:30", local("2026-11-23", "01:00")),  # Sunday night
        ("2026-11-21", "03:00", local("2026-11-21", "04:30")),  # Saturday, small hours
        ("2026-10-02", "19:00", local("2026-10-02", "20:30")),  # National Day, after cut-off
    ],
)
def test_vehicle_off_road_is_packed_within_90_minutes_around_the_clock(day, time, expected):
    assert ready(OrderKind.VOR, day, time) == expected


# ---------------------------------------------------------------- super-urgent


@pytest.mark.parametrize(
    ("day", "time", "expected"),
    [
        ("2026-11-23", "10:00", local("2026-11-23", "11:30")),  # before the cut-off
        ("2026-11-23", "17:59", local("2026-11-23", "19:29")),  # a minute before it
        ("2026-11-23", "18:00", local("2026-11-24", "09:30")),  # at the cut-off: next day
        ("2026-11-23", "22:15", local("2026-11-24", "09:30")),  # evening
        ("2026-11-23", "06:30", local("2026-11-23", "09:30")),  # before opening
        ("2026-11-20", "19:00", local("2026-11-23", "09:30")),  # Friday evening → Monday
        ("2026-11-21", "11:00", local("2026-11-23", "09:30")),  # Saturday → Monday
        ("2026-09-30", "18:30", local("2026-10-08", "09:30")),  # eve of National Day
        ("2026-10-03", "10:00", local("2026-10-08", "09:30")),  # during the holidays
    ],
)
def test_super_urgent_is_packed_90_minutes_after_placing_or_after_the_next_opening(
    day, time, expected
):
    assert ready(OrderKind.SUPER_URGENT, day, time) == expected


@pytest.mark.parametrize("time", ["08:00", "09:45", "12:00", "15:30", "17:00", "17:59"])
def test_super_urgent_placed_in_working_hours_before_the_cut_off_arrives_within_24_hours(time):
    placed = local("2026-11-24", time)
    packed = ready_at(OrderKind.SUPER_URGENT, placed, CALENDAR)
    arrival = arrival_at(OrderKind.SUPER_URGENT, packed, Decimal("30"), Decimal("22.5"))
    assert packed - placed == PICK_TIME[OrderKind.SUPER_URGENT]
    assert arrival - placed <= dt.timedelta(hours=24)


def test_super_urgent_placed_before_opening_counts_from_the_opening():
    """Placed at 02:00 the line is packed at 09:30; the 24 hours run from the opening."""
    placed = local("2026-11-24", "02:00")
    packed = ready_at(OrderKind.SUPER_URGENT, placed, CALENDAR)
    arrival = arrival_at(OrderKind.SUPER_URGENT, packed, Decimal("30"), Decimal("22.5"))
    assert arrival == local("2026-11-25", "08:00")
    assert arrival - local("2026-11-24", "08:00") <= dt.timedelta(hours=24)


# ---------------------------------------------------------------- urgent


@pytest.mark.parametrize(
    ("day", "time", "expected"),
    [
        ("2026-11-23", "10:00", local("2026-11-23", "13:00")),
        ("2026-11-23", "15:59", local("2026-11-23", "18:59")),
        ("2026-11-23", "16:00", local("2026-11-24", "11:00")),  # at the urgent cut-off
        ("2026-11-23", "17:00", local("2026-11-24", "11:00")),  # super-urgent would be today
        ("2026-11-23", "07:00", local("2026-11-23", "11:00")),  # before opening
        ("2026-11-20", "16:30", local("2026-11-23", "11:00")),  # Friday → Monday
        ("2026-09-30", "16:30", local("2026-10-08", "11:00")),  # over National Day
    ],
)
def test_urgent_is_packed_within_3_hours(day, time, expected):
    assert ready(OrderKind.URGENT, day, time) == expected


# ---------------------------------------------------------------- stock replenishment


@pytest.mark.parametrize(
    ("day", "time", "expected"),
    [
        # Monday before the cut-off: Monday, Tuesday, Wednesday.
        ("2026-11-23", "11:00", local("2026-11-25", "20:00")),
        # At the cut-off the order day is Tuesday: Tuesday, Wednesday, Thursday.
        ("2026-11-23", "12:00", local("2026-11-26", "20:00")),
        # Thursday morning: Thursday, Friday, (weekend) Monday.
        ("2026-11-26", "09:00", local("2026-11-30", "20:00")),
        # Thursday afternoon: Friday, Monday, Tuesday.
        ("2026-11-26", "14:00", local("2026-12-01", "20:00")),
        # Saturday: Monday, Tuesday, Wednesday.
        ("2026-11-21", "09:00", local("2026-11-25", "20:00")),
        # Tuesday before National Day: Tuesday, Wednesday, then Thursday 8 October.
        ("2026-09-29", "10:00", local("2026-10-08", "20:00")),
        # Wednesday after the cut-off: 8, 9 October, then Monday the 12th.
        ("2026-09-30", "13:00", local("2026-10-12", "20:00")),
        # New Year's Eve 2026 (Thursday): Thursday, (1 January is off) Monday, Tuesday.
        ("2026-12-31", "08:30", local("2027-01-05", "20:00")),
    ],
)
def test_stock_is_packed_by_the_close_of_the_third_working_day(day, time, expected):
    assert ready(OrderKind.STOCK, day, time) == expected


# ---------------------------------------------------------------- arrival


@pytest.mark.parametrize(
    ("kind", "hours"),
    [
        (OrderKind.VOR, 3),
        (OrderKind.SUPER_URGENT, 3),
        (OrderKind.URGENT, 30.5),
        (OrderKind.STOCK, 30.5),
    ],
)
def test_arrival_adds_the_courier_or_the_daily_tour(kind, hours):
    packed = local("2026-11-24", "11:30")
    arrival = arrival_at(kind, packed, Decimal("30.5"), Decimal("3"))
    assert arrival - packed == dt.timedelta(hours=hours)


def test_a_placed_order_promises_its_arrival_from_the_packing_time():
    packed = ready_at(OrderKind.URGENT, local("2026-11-20", "15:00"), CALENDAR)
    arrival = arrival_at(OrderKind.URGENT, packed, Decimal("6"), Decimal("3"))
    assert arrival.astimezone(SHANGHAI) == local("2026-11-21", "00:00")


# ---------------------------------------------------------------- every moment


def _on_time(moment: dt.datetime, kind: str) -> bool:
    start = dt.datetime.combine(moment.date(), CALENDAR.opens)
    end = dt.datetime.combine(moment.date(), CALENDAR.closes) + PICK_TIME.get(kind, dt.timedelta(0))
    return start <= moment.replace(tzinfo=None) <= end


@settings(max_examples=400, deadline=None)
@given(
    placed=st.datetimes(
        min_value=dt.datetime(2026, 1, 1),
        max_value=dt.datetime(2027, 12, 31, 23, 59),
        timezones=st.just(dt.UTC),
    ),
    kind=st.sampled_from(OrderKind.values),
)
def test_ready_is_never_before_placing_and_falls_in_working_hours(placed, kind):
    packed = ready_at(kind, placed, CALENDAR)
    assert packed >= placed
    if kind == OrderKind.VOR:
        assert packed - placed == PICK_TIME[kind]
        return
    moment = packed.astimezone(SHANGHAI)
    assert CALENDAR.is_working_day(moment.date()), moment
    assert _on_time(moment, kind), moment
    assert packed - placed <= dt.timedelta(days=21)  # three weeks covers Spring Festival


# ---------------------------------------------------------------- the centre's calendar


def test_centre_calendar_closes_public_holidays_and_the_centres_own_days(centres):
    CentreClosedDay.objects.create(
        centre=centres.beijing, date=dt.date(2026, 11, 27), reason="Stock-taking"
    )
    CentreClosedDay.objects.create(centre=centres.beijing, date=dt.date(2027, 1, 4))
    CentreClosedDay.objects.create(centre=centres.beijing, date=dt.date(2029, 3, 1))

    beijing = centre_calendar(centres.beijing, dt.date(2026, 11, 23))
    shanghai = centre_calendar(centres.shanghai, dt.date(2026, 11, 23))

    assert beijing.zone == SHANGHAI
    assert (beijing.opens, beijing.closes) == (dt.time(8), dt.time(20))
    assert beijing.cutoffs[OrderKind.STOCK] == dt.time(12)
    assert not beijing.is_working_day(dt.date(2026, 10, 1))  # National Day
    assert not beijing.is_working_day(dt.date(2027, 1, 1))  # next year's New Year
    assert not beijing.is_working_day(dt.date(2026, 11, 27))  # stock-taking
    assert not beijing.is_working_day(dt.date(2027, 1, 4))
    assert dt.date(2029, 3, 1) not in beijing.closed  # beyond the two years read
    assert beijing.is_working_day(dt.date(2026, 11, 26))
    assert shanghai.is_working_day(dt.date(2026, 11, 27))  # Beijing's day only

    # Thursday evening: Friday is closed in Beijing, so Monday; Shanghai packs Friday.
    placed = local("2026-11-26", "19:00")
    assert ready_at(OrderKind.SUPER_URGENT, placed, beijing) == local("2026-11-30", "09:30")
    assert ready_at(OrderKind.SUPER_URGENT, placed, shanghai) == local("2026-11-27", "09:30")
