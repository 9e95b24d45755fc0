"""Small, explicit capacity for booking tests: few bays, so a test can fill a slot."""

import datetime as dt
import itertools
import random
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from servicelane.appointments.choices import Channel, LaneKind
from servicelane.appointments.models import Appointment, Lane, OpeningHours, ServiceType
from servicelane.appointments.services import BookingParty, appointment_book
from servicelane.core.models import User, Workshop
from servicelane.demo.customers import make_vin

UTC = dt.UTC
BERLIN = ZoneInfo("Europe/Berlin")
SHANGHAI = ZoneInfo("Asia/Shanghai")

# (code, English, German, Chinese, lane, minutes, promise hours, days ahead)
SERVICE_TYPES = [
    ("express-oil", "Express oil service", "Express-Ölservice", "快速机油保养",
     LaneKind.EXPRESS, 60, 1, 1),
    ("oil-service", "Oil service", "Ölservice", "机油保养", LaneKind.GENERAL, 90, None, 0),
    ("diagnosis", "Diagnosis", "Fehlerdiagnose", "故障诊断", LaneKind.GENERAL, 60, None, 0),
    ("small-body-paint", "Small body & paint repair", "Kleine Lackreparatur", "小面积钣金喷漆",
     LaneKind.BODY_PAINT, 240, 24, 0),
]  # fmt: skip


@dataclass
class Capacity:
    lanes: dict[str, Lane]
    services: dict[str, ServiceType]

    def ids(self, *codes: str) -> list[int]:
        return [self.services[code].pk for code in codes]


def capacity(
    workshop: Workshop,
    *,
    opens: dt.time = dt.time(8, 0),
    closes: dt.time = dt.time(17, 0),
    weekdays: tuple[int, ...] = (0, 1, 2, 3, 4, 5),
    general_bays: int = 1,
    express_bays: int = 1,
    body_paint_bays: int = 1,
    slot_minutes: int = 30,
) -> Capacity:
    """Opening hours (Mon-Sat by default), three lanes and four service types."""
    OpeningHours.objects.bulk_create(
        OpeningHours(workshop=workshop, weekday=d, opens=opens, closes=closes) for d in weekdays
    )
    bays = {
        LaneKind.GENERAL: general_bays,
        LaneKind.EXPRESS: express_bays,
        LaneKind.BODY_PAINT: body_paint_bays,
    }
    lanes = {
        str(kind): Lane.objects.create(
            workshop=workshop, kind=kind, bays=count, slot_minutes=slot_minutes
        )
        for kind, count in bays.items()
    }
    services = {
        code: ServiceType.objects.create(
            workshop=workshop,
            code=code,
            name_en=en,
            name_de=de,
            name_zh_hans=zh,
            lane=lanes[str(lane)],
            duration_minutes=minutes,
            promise_hours=promise,
            min_days_ahead=ahead,
        )
        for code, en, de, zh, lane, minutes, promise, ahead in SERVICE_TYPES
    }
    return Capacity(lanes=lanes, services=services)


_rng = random.Random(11)
_serials = itertools.count(700_000)
_people = itertools.count(1)


def new_vin() -> str:
    """A well-formed VIN no test has used yet."""
    return make_vin(_rng, "WBA", next(_serials))


def party(**fields: object) -> BookingParty:
    """Someone new booking for a car the workshop does not know yet."""
    n = next(_people)
    values: dict[str, object] = {
        "last_name": f"Kunde{n}",
        "first_name": "Eva",
        "email": f"kunde{n}@example.de",
        "language": "de",
        "vin": new_vin(),
    }
    values.update(fields)
    return BookingParty(**values)  # type: ignore[arg-type]


def book(
    workshop: Workshop,
    cap: Capacity,
    *codes: str,
    at: dt.datetime,
    actor: User | None = None,
    channel: str = "",
    **party_fields: object,
) -> Appointment:
    """Book ``codes`` at ``at`` (naive: the workshop's local time) for a new customer."""
    return appointment_book(
        actor=actor,
        workshop=workshop,
        channel=channel or (Channel.PHONE if actor else Channel.WEB),
        service_type_ids=cap.ids(*codes),
        starts_at=at,
        party=party(**party_fields),
    )
