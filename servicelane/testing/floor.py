"""The workshop floor the control centre's and the tools room's tests run on, on Tuesday
2026-11-24 at 08:00 in Freiburg (``floor_day``): technicians of four levels with their skills
and today's shifts, bays with their equipment, a special tools room, and open repair orders
with approved jobs (one of them an express service promised for 09:00).

Import the helpers from here (``make_floor``, ``local``, ``TODAY``...) rather than
rebuilding the floor."""

import datetime as dt
from types import SimpleNamespace

import pytest

from servicelane.appointments.tests.factories import book, capacity
from servicelane.control.models import Bay, Shift
from servicelane.core.choices import WorkshopRole
from servicelane.core.models import Membership, User, Workshop
from servicelane.testing.personas import member
from servicelane.testing.scenarios import approved_order
from servicelane.tools.models import SpecialTool
from servicelane.workorders.catalogue import ensure_catalogue
from servicelane.workorders.models import Job, RepairOrder
from servicelane.workorders.reception import services as ro_services
from servicelane.workorders.tests.factories import BERLIN, with_operations

# Tuesday 2026-11-24, 08:00 in Freiburg (CET = UTC+1).
NOW = dt.datetime(2026, 11, 24, 7, 0, tzinfo=dt.UTC)
TODAY = dt.date(2026, 11, 24)
MONDAY = dt.date(2026, 11, 23)

# code, equipment
BAYS = [
    ("B1", ["lift"]),
    ("B2", ["lift"]),
    ("B4", ["lift", "alignment_rig"]),
    ("B5", ["lift", "high_voltage"]),
    ("B6", ["paint_booth"]),
    ("B7", []),
]
# number, name, copies
TOOLS = [
    ("83 30 2 408 593", "Brake bleeding unit", 1),
    ("83 30 0 493 933", "Spark plug socket 14 mm", 1),
    ("ICOM-NEXT", "Diagnosis interface ICOM Next", 2),
    ("83 30 2 447 478", "High-voltage safety kit", 1),
    ("83 30 0 495 488", "A/C service unit", 1),
]
# The A/C unit's calibration has lapsed.
OVERDUE_TOOL = "83 30 0 495 488"


def local(hour: int, minute: int = 0, day: dt.date = TODAY) -> dt.datetime:
    """A time of the workshop's day in Freiburg."""
    return dt.datetime.combine(day, dt.time(hour, minute), tzinfo=BERLIN)


@pytest.fixture
def floor_day(time_machine) -> dt.datetime:
    """The clock stands at the floor's morning (Tuesday 08:00 in Freiburg)."""
    time_machine.move_to(NOW, tick=False)
    return NOW


def technician_with(
    workshop: Workshop, email: str, name: str, level: int, skills: list[str]
) -> User:
    user = member(workshop, WorkshopRole.TECHNICIAN, email=email, full_name=name)
    Membership.objects.filter(user=user, workshop=workshop).update(level=level, skills=skills)
    return user


def shift(
    workshop: Workshop,
    user: User,
    starts: dt.time = dt.time(8),
    ends: dt.time = dt.time(17),
    *,
    day: dt.date = TODAY,
    break_at: dt.time | None = dt.time(12, 30),
    break_minutes: int = 45,
) -> Shift:
    return Shift.objects.create(
        workshop=workshop,
        technician=user,
        date=day,
        starts_at=starts,
        ends_at=ends,
        break_starts_at=break_at,
        break_minutes=break_minutes if break_at else 0,
    )


def bays_of(workshop: Workshop, spec: list[tuple[str, list[str]]] = BAYS) -> dict[str, Bay]:
    return {
        code: Bay.objects.create(workshop=workshop, code=code, name=code, equipment=equipment)
        for code, equipment in spec
    }


def tools_of(workshop: Workshop, spec: list[tuple[str, str, int]] = TOOLS) -> dict:
    tools = {}
    for number, name, copies in spec:
        for copy in range(1, copies + 1):
            tools[(number, copy)] = SpecialTool.objects.create(
                workshop=workshop,
                number=number,
                copy=copy,
                name=name,
                storage_place=f"S-{len(tools) + 1:02d}",
                calibration_due=MONDAY if number == OVERDUE_TOOL else TODAY.replace(year=2027),
            )
    return tools


def approved_walk_in(workshop: Workshop, advisor: User, *codes: str, title: str) -> RepairOrder:
    """A walk-in whose one job (``codes``) the customer approved."""
    return approved_order(workshop, advisor, title, codes=codes)


def express_booked(
    workshop: Workshop, cap, advisor: User, time_machine, at: dt.time
) -> RepairOrder:
    """An express oil service booked yesterday for ``at`` today, checked in now: its
    promise is an hour after the booked time."""
    time_machine.move_to(local(10, day=MONDAY), tick=False)
    appointment = book(
        workshop,
        cap,
        "express-oil",
        at=dt.datetime.combine(TODAY, at),
        language="de",
        email="express@example.de",
    )
    time_machine.move_to(NOW, tick=False)
    return ro_services.repair_order_check_in(actor=advisor, appointment=appointment, mileage=30_000)


def make_floor(workshop: Workshop, advisor: User, time_machine) -> SimpleNamespace:
    ensure_catalogue(workshop.network)
    cap = capacity(workshop)
    with_operations(cap)
    people = {
        "senior": technician_with(
            workshop,
            "senior@freiburg.test",
            "Katrin Vogel",
            4,
            ["diagnosis", "high_voltage", "body", "paint"],
        ),
        "tech": technician_with(workshop, "tech@freiburg.test", "Tom Technik", 3, ["diagnosis"]),
        "mech": technician_with(workshop, "mech@freiburg.test", "Mia Mechatronik", 2, []),
        "junior": technician_with(workshop, "junior@freiburg.test", "Jan Junior", 1, []),
    }
    shifts = {
        "senior": shift(workshop, people["senior"]),
        "tech": shift(workshop, people["tech"]),
        "mech": shift(workshop, people["mech"]),
        "junior": shift(workshop, people["junior"], dt.time(9), dt.time(18)),
    }
    foreman = member(workshop, WorkshopRole.FOREMAN, email="foreman@freiburg.test")
    orders = {
        "express": express_booked(workshop, cap, advisor, time_machine, dt.time(8)),
        "brakes": approved_walk_in(workshop, advisor, "BRAKES-FRONT", title="Brakes front"),
        "diagnosis": approved_walk_in(workshop, advisor, "DIAGNOSIS", title="Warning light"),
        "hv": approved_walk_in(workshop, advisor, "HV-BATTERY-CHECK", title="HV battery"),
    }
    jobs = {key: Job.objects.get(repair_order=ro) for key, ro in orders.items()}
    return SimpleNamespace(
        workshop=workshop,
        cap=cap,
        advisor=advisor,
        foreman=foreman,
        bays=bays_of(workshop),
        tools=tools_of(workshop),
        shifts=shifts,
        orders=orders,
        jobs=jobs,
        **people,
    )


@pytest.fixture
def floor(freiburg, advisor, time_machine) -> SimpleNamespace:
    """Freiburg at 08:00: Katrin (senior, level 4: diagnosis, high-voltage, body, paint),
    Tom (technician, level 3: diagnosis), Mia (mechatronic, level 2) on 08:00-17:00 and Jan
    (induction, level 1) on 09:00-18:00, each with a 12:30 break of 45 minutes; bays
    B1/B2 (lift), B4 (lift, alignment rig), B5 (lift, high-voltage), B6 (paint booth), B7
    (none); the tools room; four approved jobs: the express oil service promised for
    09:00, front brakes, a diagnosis and a high-voltage battery check; nothing planned."""
    return make_floor(freiburg, advisor, time_machine)


@pytest.fixture
def foreman_client(floor, client):
    client.force_login(floor.foreman)
    return client
