"""When an order line is packed and when it arrives: pure functions of the order
kind, the moment of placing, the centre's calendar and the route's transport time.

The promises (docs/parts.md):
- vehicle off road: the emergency shift packs within 90 minutes around the clock,
  every day; the courier delivers (within 24 hours anywhere in the network);
- super-urgent: packed within 90 minutes of placing on a working day before the
  cut-off (else 90 minutes after the next working day opens); courier;
- urgent: packed within 3 hours the same way; the daily tour;
- stock replenishment: packed by the close of the third working day counting the
  order day (the next working day after the cut-off); the daily tour.
"""

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from zoneinfo import ZoneInfo

from servicelane.supply.choices import OrderKind

# Keyed by the kind's value: callers pass the order's ``kind`` field, a plain str
# (OrderKind members are str and hash as their value, so both look up the same).
PICK_TIME: dict[str, dt.timedelta] = {
    OrderKind.VOR: dt.timedelta(minutes=90),
    OrderKind.SUPER_URGENT: dt.timedelta(minutes=90),
    OrderKind.URGENT: dt.timedelta(hours=3),
}
STOCK_WORKING_DAYS = 3
# Kinds that travel by courier rather than on the daily tour.
BY_COURIER = (OrderKind.VOR, OrderKind.SUPER_URGENT)
# Never look further than this for a working day (a calendar closed for good).
MAX_SEARCH_DAYS = 60


class NoWorkingDay(Exception):
    """The centre's calendar has no working day in sight."""


@dataclass(frozen=True)
class CentreCalendar:
    zone: ZoneInfo
    opens: dt.time
    closes: dt.time
    cutoffs: dict[str, dt.time]
    closed: frozenset[dt.date]

    def is_working_day(self, day: dt.date) -> bool:
        return day.weekday() < 5 and day not in self.closed

    def next_working_day(self, day: dt.date) -> dt.date:
        """The first working day after ``day``."""
        for offset in range(1, MAX_SEARCH_DAYS + 1):
            candidate = day + dt.timedelta(days=offset)
            if self.is_working_day(candidate):
                return candidate
        raise NoWorkingDay(day)

    def at(self, day: dt.date, time: dt.time) -> dt.datetime:
        return dt.datetime.combine(day, time, tzinfo=self.zone).astimezone(dt.UTC)

    def order_day(self, placed_at: dt.datetime, kind: str) -> tuple[dt.date, bool]:
        """The working day the centre handles an order on, and whether that is the
        day of placing (before the cut-off) or a later one."""
        local = placed_at.astimezone(self.zone)
        if self.is_working_day(local.date()) and local.time() < self.cutoffs[kind]:
            return local.date(), True
        return self.next_working_day(local.date()), False


def ready_at(kind: str, placed_at: dt.datetime, calendar: CentreCalendar) -> dt.datetime:
    """When the centre has the line packed for dispatch."""
    if kind == OrderKind.VOR:
        return placed_at + PICK_TIME[kind]
    day, same_day = calendar.order_day(placed_at, kind)
    if kind == OrderKind.STOCK:
        for _ in range(STOCK_WORKING_DAYS - 1):
            day = calendar.next_working_day(day)
        return calendar.at(day, calendar.closes)
    opening = calendar.at(day, calendar.opens)
    start = max(placed_at, opening) if same_day else opening
    return start + PICK_TIME[kind]


def arrival_at(
    kind: str, ready: dt.datetime, transport_hours: Decimal, express_hours: Decimal
) -> dt.datetime:
    hours = express_hours if kind in BY_COURIER else transport_hours
    return ready + dt.timedelta(hours=float(hours))
