"""Due dates from intervals, the car's own data and how it is driven."""

import datetime as dt
from typing import Any

from servicelane.servicebook.choices import DueBasis, DueStatus
from servicelane.servicebook.prediction import (
    CarReading,
    Interval,
    Point,
    add_months,
    due_items,
    km_per_day,
)

TODAY = dt.date(2026, 11, 23)
OIL = {"engine_oil": Interval(12, 15000)}


def predict(**kwargs):
    values: dict[str, Any] = {
        "today": TODAY,
        "first_registration": dt.date(2022, 1, 10),
        "points": [],
        "intervals": OIL,
        "last_services": {},
        "car_readings": {},
        "horizon_days": 30,
        "default_km_per_day": 40.0,
    }
    values.update(kwargs)
    return due_items(**values)


def test_months_are_added_to_the_calendar_and_clip_to_the_month_end():
    assert add_months(dt.date(2026, 1, 31), 1) == dt.date(2026, 2, 28)
    assert add_months(dt.date(2024, 2, 29), 12) == dt.date(2025, 2, 28)
    assert add_months(dt.date(2026, 11, 23), 14) == dt.date(2028, 1, 23)


def test_km_per_day_ignores_one_mistyped_reading():
    first = dt.date(2022, 1, 1)
    points = [Point(first + dt.timedelta(days=365 * n), 10000 * n) for n in range(1, 5)]
    points.append(Point(dt.date(2024, 6, 1), 250000))  # a typo
    assert 26 < km_per_day(points, first, default=40) < 29  # 10,000 km a year


def test_km_per_day_survives_a_long_gap_between_visits():
    first = dt.date(2020, 1, 1)
    points = [Point(dt.date(2021, 1, 1), 20000), Point(dt.date(2025, 1, 1), 100000)]
    assert 54 < km_per_day(points, first, default=40) < 56  # 20,000 km a year throughout


def test_a_car_without_history_drives_the_default():
    assert km_per_day([], None, default=41.1) == 41.1
    # Same-day readings say nothing about driving.
    same_day = [Point(TODAY, 100), Point(TODAY, 120)]
    assert km_per_day(same_day, None, default=41.1) == 41.1


def test_first_registration_counts_as_zero_km():
    points = [Point(dt.date(2023, 1, 1), 36500)]
    assert km_per_day(points, dt.date(2022, 1, 1), default=40) == 100


def test_interval_runs_from_the_last_service_whichever_comes_first():
    last = Point(dt.date(2026, 3, 1), 40000)
    # 100 km a day from the last service: 15,000 km are reached after 150 days (2026-07-29),
    # well before the 12 months.
    points = [Point(dt.date(2025, 3, 1), 3500), last]
    (oil,) = predict(
        points=points, last_services={"engine_oil": last}, first_registration=dt.date(2025, 1, 25)
    )
    assert oil.due_km == 55000
    assert oil.due_date == dt.date(2027, 3, 1)
    assert oil.expected_on == dt.date(2026, 7, 29)
    assert oil.status == DueStatus.OVERDUE
    assert oil.basis == DueBasis.LAST_SERVICE
    assert oil.cycle == dt.date(2026, 3, 1)


def test_a_car_driven_little_is_due_by_time():
    last = Point(dt.date(2026, 1, 1), 20000)
    points = [Point(dt.date(2025, 1, 1), 17000), last]  # 3,000 km a year
    (oil,) = predict(points=points, last_services={"engine_oil": last})
    assert oil.expected_on == dt.date(2027, 1, 1)
    assert oil.status == DueStatus.OK


def test_due_soon_within_the_horizon():
    last = Point(dt.date(2025, 12, 10), 1000)
    points = [Point(dt.date(2025, 1, 1), 0), last]
    (oil,) = predict(points=points, last_services={"engine_oil": last})
    assert oil.expected_on == dt.date(2026, 12, 10)
    assert oil.status == DueStatus.DUE_SOON


def test_never_serviced_counts_from_first_registration():
    (oil,) = predict(first_registration=dt.date(2026, 6, 1))
    # 40 km a day from 0 km: 15,000 km after 375 days, so the 12 months come first.
    assert oil.basis == DueBasis.FIRST_REGISTRATION
    assert oil.expected_on == dt.date(2027, 6, 1)
    assert oil.cycle == dt.date(2026, 6, 1)


def test_the_cars_own_reading_wins_when_newer_than_the_service():
    last = Point(dt.date(2026, 1, 1), 20000)
    reading = CarReading(dt.date(2026, 10, 1), dt.date(2026, 12, 1), None)
    (oil,) = predict(
        points=[last], last_services={"engine_oil": last}, car_readings={"engine_oil": reading}
    )
    assert oil.basis == DueBasis.CAR_DATA
    assert oil.expected_on == dt.date(2026, 12, 1)
    assert oil.status == DueStatus.DUE_SOON


def test_an_older_car_reading_does_not_override_a_later_service():
    last = Point(dt.date(2026, 10, 1), 30000)
    stale = CarReading(dt.date(2026, 9, 1), dt.date(2026, 9, 30), 29000)
    (oil,) = predict(
        points=[last], last_services={"engine_oil": last}, car_readings={"engine_oil": stale}
    )
    assert oil.basis == DueBasis.LAST_SERVICE
    assert oil.status == DueStatus.OK


def test_items_come_earliest_first_and_time_only_items_need_no_mileage():
    intervals = {**OIL, "brake_fluid": Interval(24, None), "rear_brakes": Interval(None, 80000)}
    found = predict(intervals=intervals, first_registration=dt.date(2025, 1, 1), points=[])
    assert [d.code for d in found] == ["engine_oil", "brake_fluid", "rear_brakes"]
    assert found[1].due_km is None and found[1].expected_on == dt.date(2027, 1, 1)


def test_nothing_known_about_the_car_predicts_nothing():
    assert predict(first_registration=None, points=[]) == []
