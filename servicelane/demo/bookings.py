"""Capacity and a week of bookings for the demo workshops."""

import datetime as dt
import random
from typing import TypedDict

from django.utils import timezone

from servicelane.appointments.capacity import LaneDay
from servicelane.appointments.choices import AppointmentStatus, Channel, EventKind, LaneKind
from servicelane.appointments.models import (
    Appointment,
    AppointmentEvent,
    Closure,
    Lane,
    OpeningHours,
    ServiceType,
)
from servicelane.appointments.selectors import workshop_calendar
from servicelane.appointments.services import appointment_reference
from servicelane.core.models import User, Workshop
from servicelane.vehicles.models import Ownership

# (code, English, German, Chinese, lane, minutes, promise hours, days ahead)
SERVICE_TYPES = [
    ("express-oil", "Express oil service", "Express-Ölservice", "快速机油保养",
     LaneKind.EXPRESS, 60, 1, 1),
    ("tyre-change", "Tyre change", "Reifenwechsel", "轮胎更换", LaneKind.EXPRESS, 30, None, 0),
    ("oil-service", "Oil service", "Ölservice", "机油保养", LaneKind.GENERAL, 90, None, 0),
    ("inspection", "Annual inspection", "Jahresinspektion", "年度检查",
     LaneKind.GENERAL, 120, None, 0),
    ("brakes", "Brake service", "Bremsenservice", "制动系统保养", LaneKind.GENERAL, 120, None, 0),
    ("diagnosis", "Diagnosis", "Fehlerdiagnose", "故障诊断", LaneKind.GENERAL, 60, None, 0),
    ("small-body-paint", "Small body & paint repair", "Kleine Karosserie- und Lackreparatur",
     "小面积钣金喷漆", LaneKind.BODY_PAINT, 240, 24, 0),
]  # fmt: skip


class CapacitySpec(TypedDict):
    """A demo workshop's opening hours by weekday, bays per lane and closed days."""

    hours: dict[int, tuple[dt.time, dt.time]]
    bays: dict[LaneKind, int]
    closures: list[tuple[dt.date, str]]


CAPACITY: dict[str, CapacitySpec] = {
    "freiburg": {
        "hours": {d: (dt.time(7, 30), dt.time(18, 0)) for d in range(5)}
        | {5: (dt.time(8, 0), dt.time(13, 0))},
        "bays": {LaneKind.GENERAL: 4, LaneKind.EXPRESS: 2, LaneKind.BODY_PAINT: 2},
        "closures": [(dt.date(2026, 12, 31), "Inventur")],
    },
    "beijing": {
        "hours": {d: (dt.time(8, 30), dt.time(18, 0)) for d in range(7)},
        "bays": {LaneKind.GENERAL: 6, LaneKind.EXPRESS: 3, LaneKind.BODY_PAINT: 2},
        "closures": [],
    },
}


def build_capacity(workshop: Workshop, key: str) -> dict[str, ServiceType]:
    spec = CAPACITY[key]
    OpeningHours.objects.bulk_create(
        OpeningHours(workshop=workshop, weekday=d, opens=o, closes=c)
        for d, (o, c) in spec["hours"].items()
    )
    Closure.objects.bulk_create(
        Closure(workshop=workshop, date=d, reason=r) for d, r in spec["closures"]
    )
    lanes = {
        kind: Lane.objects.create(
            workshop=workshop,
            kind=kind,
            bays=bays,
            slot_minutes=60 if kind == LaneKind.BODY_PAINT else 30,
        )
        for kind, bays in spec["bays"].items()
    }
    return {
        code: ServiceType.objects.create(
            workshop=workshop,
            code=code,
            name_en=en,
            name_de=de,
            name_zh_hans=zh,
            lane=lanes[lane],
            duration_minutes=minutes,
            promise_hours=promise,
            min_days_ahead=ahead,
        )
        for code, en, de, zh, lane, minutes, promise, ahead in SERVICE_TYPES
    }


def build_bookings(
    workshop: Workshop, key: str, advisor: User, rng: random.Random, per_day: int = 8
) -> int:
    """A week of bookings from today, within capacity; today's earlier ones have arrived."""
    services = build_capacity(workshop, key)
    calendar = workshop_calendar(workshop)
    owners = list(
        Ownership.objects.filter(workshop=workshop, ended_on__isnull=True)
        .select_related("customer", "vehicle")
        .order_by("id")[: per_day * 7]
    )
    rng.shuffle(owners)
    now = timezone.now()
    today = calendar.local_date(now)
    lane_days: dict[tuple[int, dt.date], LaneDay] = {}
    made = 0
    for offset in range(7):
        day = today + dt.timedelta(days=offset)
        window = calendar.window(day)
        if window is None:
            continue
        for spot in range(1, per_day + 1):
            if not owners:
                return made
            ownership = owners.pop()
            service = rng.choice(list(services.values()))
            lane = service.lane
            lane_day = lane_days.setdefault(
                (lane.pk, day), LaneDay(lane=lane, opens=window[0], closes=window[1])
            )
            starts = [
                s for s in lane_day.slot_starts() if lane_day.fits(s, service.duration_minutes)
            ]
            if not starts:
                continue
            start = rng.choice(starts[: max(1, len(starts) // 2)] if spot % 2 else starts)
            end = start + dt.timedelta(minutes=service.duration_minutes)
            lane_day.add((start, end))
            customer = ownership.customer
            appointment = Appointment.objects.create(
                workshop=workshop,
                reference=appointment_reference(workshop, now),
                customer=customer,
                vehicle=ownership.vehicle,
                lane=lane,
                starts_at=start,
                ends_at=end,
                status=AppointmentStatus.ARRIVED if end < now else AppointmentStatus.BOOKED,
                channel=rng.choice(list(Channel.values)),
                advisor=advisor,
                parking_spot=f"P{spot}",
                language=customer.language,
                contact_email=customer.email,
                contact_phone=customer.phone,
                promise_hours=service.promise_hours,
                promised_at=start + dt.timedelta(hours=service.promise_hours)
                if service.promise_hours
                else None,
                created_by=advisor,
                created_at=now - dt.timedelta(days=3),
            )
            appointment.service_types.set([service])
            AppointmentEvent.objects.create(
                appointment=appointment, kind=EventKind.BOOKED, actor=advisor, at=now
            )
            made += 1
    return made
