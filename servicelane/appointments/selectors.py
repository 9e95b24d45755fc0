"""Reads of capacity and bookings, scoped to what the user may see."""

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any, TypeVar
from zoneinfo import ZoneInfo

from django.core.exceptions import ValidationError
from django.db.models import Prefetch, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from servicelane.appointments.capacity import (
    BookingPlan,
    LaneDay,
    WorkshopCalendar,
    plan_for,
)
from servicelane.appointments.choices import HOLDING_STATUSES
from servicelane.appointments.models import (
    Appointment,
    Closure,
    Lane,
    OpeningHours,
    ServiceType,
)
from servicelane.core.holidays import public_holidays
from servicelane.core.models import Workshop
from servicelane.core.permissions import Perm
from servicelane.core.schema_types import MAX_DB_ID
from servicelane.core.tenancy import get_for_user
from servicelane.customers.models import Customer
from servicelane.vehicles.models import MileageReading, Vehicle
from servicelane.vehicles.selectors import (
    current_owner,
    latest_mileage_reading,
    vehicle_by_vin,
    workshop_registered_vehicle,
    workshop_vehicle_by_plate,
)

MAX_AVAILABILITY_DAYS = 42
ONE_DAY = dt.timedelta(days=1)


@dataclass(frozen=True)
class FreeSlot:
    starts_at: dt.datetime
    ends_at: dt.datetime
    lane: Lane


def workshop_calendar(workshop: Workshop) -> WorkshopCalendar:
    hours = {h.weekday: (h.opens, h.closes) for h in OpeningHours.objects.filter(workshop=workshop)}
    # A workshop closes a handful of days a year: all of them, so past weeks show theirs too.
    closures = dict(Closure.objects.filter(workshop=workshop).values_list("date", "reason"))
    return WorkshopCalendar(
        zone=workshop.zone,
        hours=hours,
        closures=closures,
        country=workshop.country,
        subdivision=workshop.subdivision,
    )


def bookable_service_types(workshop: Workshop) -> QuerySet[ServiceType]:
    return (
        ServiceType.objects.filter(workshop=workshop, active=True, lane__active=True)
        .select_related("lane")
        .order_by("lane__kind", "duration_minutes", "name_en")
    )


def service_type_ids(workshop: Workshop, given: list[int | str] | str) -> list[int]:
    """Ids from ids or codes (``oil-service,brakes`` or ``1,4``); unknown ones are refused."""
    if isinstance(given, str):
        given = [part.strip() for part in given.split(",") if part.strip()]
    by_code = dict(ServiceType.objects.filter(workshop=workshop).values_list("code", "pk"))
    ids = []
    for item in given:
        text = str(item)
        if text.isdigit() and int(text) <= MAX_DB_ID:
            ids.append(int(text))
        elif text in by_code:
            ids.append(by_code[text])
        else:
            raise ValidationError(
                {"service_types": [_("Unknown service type: %(code)s.") % {"code": text}]}
            )
    return ids


def booking_plan(workshop: Workshop, service_type_ids: Iterable[int]) -> BookingPlan:
    """The plan for these service types of ``workshop``; unknown ids are refused."""
    ids = list(dict.fromkeys(int(i) for i in service_type_ids))
    services = list(bookable_service_types(workshop).filter(pk__in=ids))
    if len(services) != len(ids):
        raise ValidationError({"service_types": [_("Unknown service type for this workshop.")]})
    lanes = list(Lane.objects.filter(workshop=workshop))
    return plan_for(services, lanes)


def lane_days(
    *,
    lane: Lane,
    calendar: WorkshopCalendar,
    date_from: dt.date,
    date_to: dt.date,
    exclude_appointment_id: int | None = None,
) -> dict[dt.date, LaneDay]:
    """Each open day of the range with the capacity already booked in ``lane``."""
    days: dict[dt.date, LaneDay] = {}
    day = date_from
    while day <= date_to:
        window = calendar.window(day)
        if window is not None:
            days[day] = LaneDay(lane=lane, opens=window[0], closes=window[1])
        day += ONE_DAY
    if not days:
        return days
    first = min(d.opens for d in days.values())
    last = max(d.closes for d in days.values())
    booked = Appointment.objects.filter(
        lane=lane, status__in=HOLDING_STATUSES, starts_at__lt=last, ends_at__gt=first
    )
    if exclude_appointment_id is not None:
        booked = booked.exclude(pk=exclude_appointment_id)
    for starts_at, ends_at in booked.values_list("starts_at", "ends_at"):
        lane_day = days.get(calendar.local_date(starts_at))
        if lane_day is not None:
            lane_day.add((starts_at, ends_at))
    return days


def earliest_day(plan: BookingPlan, calendar: WorkshopCalendar, now: dt.datetime) -> dt.date:
    """The first day the plan may be booked for (a promise may need notice)."""
    return calendar.local_date(now) + dt.timedelta(days=plan.min_days_ahead)


def free_slots(
    *,
    workshop: Workshop,
    plan: BookingPlan,
    date_from: dt.date,
    date_to: dt.date,
    now: dt.datetime | None = None,
    exclude_appointment_id: int | None = None,
    limit: int | None = None,
    not_before: dt.datetime | None = None,
) -> list[FreeSlot]:
    """Start times where the whole plan fits: never past, closed or full."""
    now = now or timezone.now()
    not_before = max(now, not_before) if not_before else now
    calendar = workshop_calendar(workshop)
    date_from = max(date_from, earliest_day(plan, calendar, now))
    if date_to < date_from:
        return []
    duration = dt.timedelta(minutes=plan.duration_minutes)
    found: list[FreeSlot] = []
    days = lane_days(
        lane=plan.lane,
        calendar=calendar,
        date_from=date_from,
        date_to=date_to,
        exclude_appointment_id=exclude_appointment_id,
    )
    for lane_day in days.values():
        for start in lane_day.slot_starts():
            if start > now and start >= not_before and lane_day.fits(start, plan.duration_minutes):
                found.append(FreeSlot(start, start + duration, plan.lane))
                if limit and len(found) >= limit:
                    return found
    return found


def availability(
    *,
    workshop: Workshop,
    plan: BookingPlan,
    date_from: dt.date,
    date_to: dt.date,
    exclude_appointment_id: int | None = None,
) -> list[FreeSlot]:
    """Free start times for a booking plan (see ``booking_plan``) in ``workshop``.

    The one selector behind the API, the public page and the advisor's form.
    """
    if date_to < date_from:
        raise ValidationError({"date_to": [_("The end of the range is before its start.")]})
    if (date_to - date_from).days >= MAX_AVAILABILITY_DAYS:
        raise ValidationError(
            {
                "date_to": [
                    _("Ask for at most %(days)s days at once.") % {"days": MAX_AVAILABILITY_DAYS}
                ]
            }
        )
    return free_slots(
        workshop=workshop,
        plan=plan,
        date_from=date_from,
        date_to=date_to,
        exclude_appointment_id=exclude_appointment_id,
    )


def next_free_slots(
    *,
    workshop: Workshop,
    plan: BookingPlan,
    after: dt.datetime,
    count: int = 3,
    exclude_appointment_id: int | None = None,
) -> list[FreeSlot]:
    """The first free start times at or after ``after``, looking two weeks ahead."""
    day = after.astimezone(workshop.zone).date()
    slots = free_slots(
        workshop=workshop,
        plan=plan,
        date_from=day,
        date_to=day + dt.timedelta(days=14),
        not_before=after,
        exclude_appointment_id=exclude_appointment_id,
        limit=count,
    )
    return slots


# --- bookings --------------------------------------------------------------


Appointments = TypeVar("Appointments", bound=QuerySet[Appointment])


def _with_details(queryset: Appointments) -> Appointments:
    # The repair order opened at check-in, if any: the screens link to it.
    return queryset.select_related(
        "workshop", "customer", "vehicle", "lane", "advisor", "repair_order"
    ).prefetch_related(
        Prefetch(
            "service_types", queryset=ServiceType.objects.select_related("lane").order_by("name_en")
        )
    )


def appointment_list_for_user(
    *, user: Any, filters: dict[str, Any] | None = None, workshop: Workshop | None = None
) -> QuerySet[Appointment]:
    queryset = Appointment.objects.visible_to(user, Perm.APPOINTMENT_VIEW)
    if workshop is not None:
        queryset = queryset.filter(workshop=workshop)
    filters = filters or {}
    if filters.get("date_from") or filters.get("date_to"):
        queryset = queryset.filter(
            _local_days(queryset, filters.get("date_from"), filters.get("date_to"), workshop)
        )
    if filters.get("lane"):
        queryset = queryset.filter(lane__kind=filters["lane"])
    if filters.get("status"):
        queryset = queryset.filter(status=filters["status"])
    return _with_details(queryset).order_by("starts_at", "id")


def _local_days(
    queryset: QuerySet[Appointment],
    date_from: dt.date | None,
    date_to: dt.date | None,
    workshop: Workshop | None,
) -> Q:
    """Bookings on these days as each workshop counts days: in its own time zone."""
    if workshop is not None:
        zones = {workshop.time_zone: [workshop.pk]}
    else:
        zones = {}
        ids = queryset.values("workshop_id")
        for pk, zone in Workshop.objects.filter(id__in=ids).values_list("id", "time_zone"):
            zones.setdefault(zone, []).append(pk)
    condition = Q(pk__in=[])
    for zone, workshop_ids in zones.items():
        part = Q(workshop_id__in=workshop_ids)
        if date_from:
            part &= Q(starts_at__gte=dt.datetime.combine(date_from, dt.time.min, ZoneInfo(zone)))
        if date_to:
            end = dt.datetime.combine(date_to + ONE_DAY, dt.time.min, ZoneInfo(zone))
            part &= Q(starts_at__lt=end)
        condition |= part
    return condition


def upcoming_holidays(workshop: Workshop, count: int = 12) -> list[tuple[dt.date, str]]:
    """The workshop's next public holidays, named in the active language."""
    today = timezone.now().astimezone(workshop.zone).date()
    found = {
        **public_holidays(workshop.country, workshop.subdivision, today.year),
        **public_holidays(workshop.country, workshop.subdivision, today.year + 1),
    }
    return sorted((day, name) for day, name in found.items() if day >= today)[:count]


def _day_start(day: dt.date, workshop: Workshop) -> dt.datetime:
    return dt.datetime.combine(day, dt.time.min, tzinfo=workshop.zone)


def appointment_get_for_user(*, user: Any, appointment_id: int) -> Appointment:
    return get_for_user(
        _with_details(Appointment.objects.all()),
        user,
        Perm.APPOINTMENT_VIEW,
        pk=appointment_id,
    )


def appointment_locked_for_check_in(appointment: Appointment) -> Appointment:
    """The booking re-read under a lock of its own row only (on PostgreSQL a lock cannot
    reach the car of a booking whose car is not confirmed yet: a nullable join)."""
    return (
        Appointment.objects.select_for_update(of=("self",))
        .select_related("workshop", "customer", "vehicle")
        .get(pk=appointment.pk)
    )


def appointments_on(*, workshop: Workshop, day: dt.date) -> QuerySet[Appointment]:
    """The workshop's bookings arriving on ``day`` (its local date)."""
    start = _day_start(day, workshop)
    return _with_details(
        Appointment.objects.filter(
            workshop=workshop, starts_at__gte=start, starts_at__lt=start + ONE_DAY
        )
    ).order_by("starts_at", "id")


@dataclass
class LaneLoad:
    lane: Lane
    lane_day: LaneDay | None
    appointments: list[Appointment]

    @property
    def load_percent(self) -> int:
        return round(self.lane_day.load() * 100) if self.lane_day else 0

    def rows(self) -> list[dict[str, Any]]:
        """One row per time slot: its start, booked share and the arrivals in it."""
        if self.lane_day is None:
            return []
        capacity = self.lane.slot_capacity
        rows = []
        for start in self.lane_day.slot_starts():
            end = start + self.lane_day.slot
            used = self.lane_day.used.get(start, 0)
            rows.append(
                {
                    "start": start,
                    "percent": round(used * 100 / capacity),
                    "arrivals": [a for a in self.appointments if start <= a.starts_at < end],
                }
            )
        return rows


def day_plan(*, workshop: Workshop, day: dt.date) -> dict[str, Any]:
    """Per lane: slots with their load and the bookings starting in them."""
    calendar = workshop_calendar(workshop)
    appointments = list(appointments_on(workshop=workshop, day=day))
    lanes = []
    for lane in Lane.objects.filter(workshop=workshop).order_by("kind"):
        days = lane_days(lane=lane, calendar=calendar, date_from=day, date_to=day)
        lanes.append(
            LaneLoad(
                lane=lane,
                lane_day=days.get(day),
                appointments=[a for a in appointments if a.lane_id == lane.pk],
            )
        )
    return {"closed_reason": calendar.closed_reason(day), "lanes": lanes}


def week_plan(*, workshop: Workshop, monday: dt.date) -> dict[str, Any]:
    """Seven days by lanes: booked share and number of bookings."""
    calendar = workshop_calendar(workshop)
    sunday = monday + dt.timedelta(days=6)
    counts: dict[tuple[int, dt.date], int] = {}
    for lane_id, starts_at in Appointment.objects.filter(
        workshop=workshop,
        status__in=HOLDING_STATUSES,
        starts_at__gte=_day_start(monday, workshop),
        starts_at__lt=_day_start(sunday + ONE_DAY, workshop),
    ).values_list("lane_id", "starts_at"):
        key = (lane_id, calendar.local_date(starts_at))
        counts[key] = counts.get(key, 0) + 1
    days = [monday + dt.timedelta(days=i) for i in range(7)]
    lanes = []
    for lane in Lane.objects.filter(workshop=workshop).order_by("kind"):
        per_day = lane_days(lane=lane, calendar=calendar, date_from=monday, date_to=sunday)
        cells = []
        for day in days:
            lane_day = per_day.get(day)
            cells.append(
                {
                    "day": day,
                    "closed": lane_day is None,
                    "percent": round(lane_day.load() * 100) if lane_day else 0,
                    "count": counts.get((lane.pk, day), 0),
                }
            )
        lanes.append({"lane": lane, "cells": cells})
    return {
        "days": [{"day": d, "closed_reason": calendar.closed_reason(d)} for d in days],
        "lanes": lanes,
    }


# --- the booking's car at reception ---------------------------------------------


@dataclass(frozen=True)
class BookedCar:
    """What the network knows about the car typed with a booking, for the advisor who
    compares it with the car at reception. Never shown on the customer's pages."""

    vehicle: Vehicle | None  # the car the VIN (network) or plate (workshop) names
    linked: bool  # already one of the workshop's cars
    owner: Customer | None  # its current owner as this workshop knows it
    last_reading: MileageReading | None  # the network's latest reading
    other_network: bool  # the VIN is a car of another network


def car_for_reception(appointment: Appointment) -> BookedCar:
    """The car a booking names: the confirmed one, else the one its VIN or plate finds."""
    workshop = appointment.workshop
    vehicle = appointment.vehicle
    other_network = False
    if vehicle is None and appointment.entered_vin:
        vehicle = vehicle_by_vin(vin=appointment.entered_vin)
        if vehicle is not None and vehicle.network_id != workshop.network_id:
            vehicle, other_network = None, True
    if vehicle is None and not other_network and appointment.entered_plate:
        vehicle = workshop_vehicle_by_plate(workshop=workshop, plate=appointment.entered_plate)
    if vehicle is None:
        return BookedCar(None, False, None, None, other_network)
    owner = current_owner(workshop=workshop, vehicle=vehicle)
    return BookedCar(
        vehicle=vehicle,
        linked=workshop_registered_vehicle(workshop_id=workshop.pk, vehicle_id=vehicle.pk),
        owner=owner,
        last_reading=latest_mileage_reading(vehicle=vehicle),
        other_network=False,
    )
