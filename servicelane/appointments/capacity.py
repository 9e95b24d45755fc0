"""When a workshop can take a booking: opening hours, closed days and lane load.

Pure computation over rows loaded once; the selectors and the booking service
share it, so what the booking page offers is exactly what a booking accepts.
Times are aware datetimes in UTC; days are the workshop's local dates.
"""

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field
from zoneinfo import ZoneInfo

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from servicelane.appointments.choices import LaneKind
from servicelane.appointments.models import Lane, ServiceType
from servicelane.core.holidays import public_holidays

UTC = dt.UTC


@dataclass(frozen=True)
class BookingPlan:
    """What a set of services needs: one lane, a total duration, any promise."""

    lane: Lane
    services: tuple[ServiceType, ...]
    duration_minutes: int
    promise_hours: int | None
    min_days_ahead: int


def plan_for(services: Iterable[ServiceType], lanes: Iterable[Lane]) -> BookingPlan:
    """Combine services into one booking.

    Services of one lane stay in it. Mixed services go to the general lane,
    since only there can one bay do all of it. A promise holds only when every
    service carries one (express oil service plus a diagnosis is no longer
    express work, and needs no notice); the longest promise and notice apply.
    """
    services = tuple(services)
    if not services:
        raise ValidationError({"service_types": [_("Choose at least one service.")]})
    lane_ids = {s.lane_id for s in services}
    lane: Lane | None
    if len(lane_ids) == 1:
        lane = services[0].lane
    else:
        lane = next((ln for ln in lanes if ln.kind == LaneKind.GENERAL and ln.active), None)
        if lane is None:
            raise ValidationError(
                {"service_types": [_("These services cannot be booked together here.")]}
            )
    if not lane.active:
        raise ValidationError({"service_types": [_("This lane takes no bookings at the moment.")]})
    promises = [s.promise_hours for s in services if s.promise_hours]
    kept = len(promises) == len(services)
    # The notice a promise needs falls away with the promise.
    notice = [s.min_days_ahead for s in services if kept or not s.promise_hours]
    return BookingPlan(
        lane=lane,
        services=services,
        duration_minutes=sum(s.duration_minutes for s in services),
        promise_hours=max(promises) if kept else None,
        min_days_ahead=max(notice, default=0),
    )


@dataclass
class WorkshopCalendar:
    """Opening hours and closed days of one workshop."""

    zone: ZoneInfo
    hours: dict[int, tuple[dt.time, dt.time]]
    closures: dict[dt.date, str]
    country: str
    subdivision: str

    def closed_reason(self, day: dt.date) -> str | None:
        """Why the workshop takes no cars that day, or None when it is open."""
        if day in self.closures:
            return self.closures[day]
        holiday = public_holidays(self.country, self.subdivision, day.year).get(day)
        if holiday:
            return holiday
        if day.weekday() not in self.hours:
            return _("closed on this weekday")
        return None

    def window(self, day: dt.date) -> tuple[dt.datetime, dt.datetime] | None:
        """Opening and closing time of ``day`` in UTC, None when closed."""
        if self.closed_reason(day) is not None:
            return None
        opens, closes = self.hours[day.weekday()]
        return (
            dt.datetime.combine(day, opens, tzinfo=self.zone).astimezone(UTC),
            dt.datetime.combine(day, closes, tzinfo=self.zone).astimezone(UTC),
        )

    def local_date(self, moment: dt.datetime) -> dt.date:
        return moment.astimezone(self.zone).date()


def overlap_minutes(a: tuple[dt.datetime, dt.datetime], b: tuple[dt.datetime, dt.datetime]) -> int:
    start, end = max(a[0], b[0]), min(a[1], b[1])
    return max(0, int((end - start).total_seconds() // 60))


@dataclass
class LaneDay:
    """The slots of one lane on one day and the bay-minutes already booked in each."""

    lane: Lane
    opens: dt.datetime
    closes: dt.datetime
    used: dict[dt.datetime, int] = field(default_factory=dict)

    @property
    def slot(self) -> dt.timedelta:
        return dt.timedelta(minutes=self.lane.slot_minutes)

    def slot_starts(self) -> list[dt.datetime]:
        starts, moment = [], self.opens
        while moment < self.closes:
            starts.append(moment)
            moment += self.slot
        return starts

    def add(self, interval: tuple[dt.datetime, dt.datetime]) -> None:
        for start in self.slot_starts():
            minutes = overlap_minutes(interval, (start, start + self.slot))
            if minutes:
                self.used[start] = self.used.get(start, 0) + minutes

    def on_grid(self, start: dt.datetime) -> bool:
        offset = (start - self.opens).total_seconds()
        return offset >= 0 and offset % (self.lane.slot_minutes * 60) == 0

    def fits(self, start: dt.datetime, minutes: int) -> bool:
        """Does work of ``minutes`` starting at ``start`` fit the remaining capacity?"""
        end = start + dt.timedelta(minutes=minutes)
        if start < self.opens or end > self.closes:
            return False
        capacity = self.lane.slot_capacity
        for slot_start in self.slot_starts():
            need = overlap_minutes((start, end), (slot_start, slot_start + self.slot))
            if need and self.used.get(slot_start, 0) + need > capacity:
                return False
        return True

    def load(self) -> float:
        """Share of the day's capacity booked, 0 … 1."""
        slots = self.slot_starts()
        total = len(slots) * self.lane.slot_capacity
        return sum(self.used.get(s, 0) for s in slots) / total if total else 0.0
