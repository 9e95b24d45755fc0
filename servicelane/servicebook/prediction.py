"""When each maintenance item of a car falls due (docs/servicebook.md).

Pure functions over plain values, so one vehicle on a screen and a million in
the nightly batch are computed by the same code.

For every item the car needs:
- the interval (months and/or km, the vehicle type's own when it has one) runs
  from the item's last service, or from first registration when it was never
  done;
- when the car itself reported the item (Condition Based Service data read at
  reception) after that service, the car's due date and km win;
- a due mileage becomes a date with the car's own driving: km per day from its
  mileage history, a robust slope (median of the slopes between readings, so one
  mistyped reading or a year in a garage does not throw it off); a sensible
  default when there is no history;
- the item is due on the earlier of the due date and the day it reaches the km.
"""

import calendar
import datetime as dt
import statistics
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from servicelane.servicebook.choices import DueBasis, DueStatus

# Readings closer together than this say little about driving (same-day visits).
MIN_GAP_DAYS = 7
# Only the most recent readings count: habits change.
MAX_POINTS = 12
MAX_KM_PER_DAY = 1000.0


@dataclass(frozen=True)
class Interval:
    months: int | None
    km: int | None


@dataclass(frozen=True)
class Point:
    """A mileage the car had on a day."""

    day: dt.date
    km: int


@dataclass(frozen=True)
class CarReading:
    """What the car said about one item."""

    read_on: dt.date
    due_date: dt.date | None
    due_km: int | None


@dataclass(frozen=True)
class DueItem:
    code: str
    due_date: dt.date | None
    due_km: int | None
    expected_on: dt.date
    basis: str
    cycle: dt.date
    status: str
    last_service: Point | None


def add_months(day: dt.date, months: int) -> dt.date:
    """The same day ``months`` later; the 31st becomes the month's last day."""
    index = day.month - 1 + months
    year, month = day.year + index // 12, index % 12 + 1
    return day.replace(
        year=year, month=month, day=min(day.day, calendar.monthrange(year, month)[1])
    )


def km_per_day(
    points: Iterable[Point], first_registration: dt.date | None, default: float
) -> float:
    """How far the car goes in a day, from its mileage history.

    The median of the slopes between every two readings at least a week apart
    (Theil-Sen): robust to a typing error and to long gaps between visits. First
    registration counts as a reading of 0 km.
    """
    history = sorted(points, key=lambda p: p.day)[-MAX_POINTS:]
    if first_registration and (not history or history[0].day > first_registration):
        history.insert(0, Point(first_registration, 0))
    slopes = [
        (b.km - a.km) / (b.day - a.day).days
        for i, a in enumerate(history)
        for b in history[i + 1 :]
        if (b.day - a.day).days >= MIN_GAP_DAYS
    ]
    if not slopes:
        return default
    rate = statistics.median(slopes)
    return min(rate, MAX_KM_PER_DAY) if rate > 0 else default


def latest(points: list[Point], start: dt.date) -> Point:
    """The newest known mileage; a car with none stands at 0 km on its start date."""
    return max(points, key=lambda p: (p.day, p.km)) if points else Point(start, 0)


def expected_km(anchor: Point, rate: float, on: dt.date) -> int:
    """The mileage the car most likely shows on a day."""
    return max(anchor.km, round(anchor.km + rate * (on - anchor.day).days))


def day_reaching(anchor: Point, rate: float, km: int) -> dt.date:
    """The day the car is expected to show ``km`` (in the past when already passed)."""
    return anchor.day + dt.timedelta(days=round((km - anchor.km) / rate))


def status_of(expected_on: dt.date, today: dt.date, horizon_days: int) -> str:
    if expected_on < today:
        return DueStatus.OVERDUE
    if (expected_on - today).days <= horizon_days:
        return DueStatus.DUE_SOON
    return DueStatus.OK


def due_items(
    *,
    today: dt.date,
    first_registration: dt.date | None,
    points: list[Point],
    intervals: Mapping[str, Interval],
    last_services: Mapping[str, Point],
    car_readings: Mapping[str, CarReading],
    horizon_days: int,
    default_km_per_day: float,
) -> list[DueItem]:
    """Every item the car needs, earliest first."""
    start = first_registration or min((p.day for p in points), default=None)
    if start is None:
        return []  # nothing known about the car's age or use
    rate = km_per_day(points, first_registration, default_km_per_day)
    anchor = latest(points, start)
    found = []
    for code, interval in intervals.items():
        last = last_services.get(code)
        base = last or Point(start, 0)
        basis = DueBasis.LAST_SERVICE if last else DueBasis.FIRST_REGISTRATION
        due_date = add_months(base.day, interval.months) if interval.months else None
        due_km = base.km + interval.km if interval.km else None
        reading = car_readings.get(code)
        if reading and reading.read_on >= base.day:
            due_date, due_km, basis = reading.due_date, reading.due_km, DueBasis.CAR_DATA
        candidates = [d for d in (due_date,) if d]
        if due_km is not None:
            candidates.append(day_reaching(anchor, rate, due_km))
        if not candidates:
            continue
        expected_on = min(candidates)
        found.append(
            DueItem(
                code=code,
                due_date=due_date,
                due_km=due_km,
                expected_on=expected_on,
                basis=basis,
                cycle=base.day,
                status=status_of(expected_on, today, horizon_days),
                last_service=last,
            )
        )
    return sorted(found, key=lambda d: (d.expected_on, d.code))
