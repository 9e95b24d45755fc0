"""A busy day in the demo workshops: a dozen cars in for work now, two of them on the
express lane's one-hour promise, one in the paint shop on its 24-hour promise and one
waiting for brake pads on order from the distribution centre.

The day is built so that the earliest-due-date order a foreman follows by hand breaks an
express promise the planner keeps. The senior technician was called away from an express
oil service (the job stays with her); a vehicle check and a fault diagnosis are due
before it. By hand, the vehicle check goes to the technician (the lower level first) and
the diagnosis to the senior, who is free sooner; she then finishes the express car ten
minutes late. The planner gives her the vehicle check and the express car, and the
technician the diagnosis: every promise kept. The times are counted from the moment the
demo is built; planned within about ten minutes of it nothing is late, and for about
fifty minutes the plan still keeps the express promise the hand order breaks.
"""

import datetime as dt

from django.utils import timezone

from servicelane.appointments.models import ServiceType
from servicelane.core.choices import WorkshopRole
from servicelane.core.models import User, Workshop
from servicelane.demo.people import staff_member
from servicelane.demo.repair_orders import approve, demo_booking, next_km, walk_in
from servicelane.parts.models import Part
from servicelane.store.models import StockItem
from servicelane.store.services import part_reserve
from servicelane.supply.choices import OrderKind
from servicelane.supply.services import part_order_place
from servicelane.vehicles.choices import FuelType
from servicelane.vehicles.models import Ownership
from servicelane.workorders.choices import ROStatus
from servicelane.workorders.estimate.services import job_line_add
from servicelane.workorders.models import JobLine, RepairOrder
from servicelane.workorders.reception.services import repair_order_check_in
from servicelane.workorders.work.services import job_clock_on, job_pause

# key, minutes from now the customer was told the car is ready, operations,
# the concern in the workshop's languages
WALK_INS = [
    ("check", 40, ["VEHICLE-CHECK"],
     {"de": "Fahrzeug-Check vor der Urlaubsreise, Kunde wartet.",
      "zh-hans": "长途出行前车辆检查，客户在店等候。"}),
    ("diagnosis", 70, ["DIAGNOSIS"],
     {"de": "Motorkontrollleuchte leuchtet, Kunde holt das Auto mittags ab.",
      "zh-hans": "发动机故障灯亮，客户中午取车。"}),
    ("tyres", 180, ["TYRES-CHANGE"],
     {"de": "Winterreifen montieren.", "zh-hans": "更换冬季轮胎。"}),
    ("wipers", 200, ["WIPER-BLADES", "MICRO-FILTER"],
     {"de": "Wischer schmieren, Lüftung riecht muffig.",
      "zh-hans": "雨刮刮不干净，空调有异味。"}),
    ("spark-plugs", 240, ["SPARK-PLUGS"],
     {"de": "Motor ruckelt beim Kaltstart.", "zh-hans": "冷启动时发动机抖动。"}),
    ("brakes", 330, ["BRAKES-FRONT"],
     {"de": "Bremsen vorn schleifen.", "zh-hans": "前刹车有摩擦声。"}),
]  # fmt: skip

# Ready by (tomorrow: the pads come by courier), operations, the concern; its rear
# brake pads are not in the store.
PADS_ON_ORDER = (
    24 * 60,
    ["BRAKES-REAR"],
    {
        "de": "Bremsen hinten quietschen.",
        "zh-hans": "后刹车异响。",
    },
)
PADS = "Brake pad set rear"

HIGH_VOLTAGE = (
    360,
    ["HV-BATTERY-CHECK"],
    {
        "de": "Reichweite seit dem Winter deutlich geringer.",
        "zh-hans": "入冬以来续航明显下降。",
    },
)

CALLED_AWAY = {
    "de": "Zur Direktannahme gerufen.",
    "zh-hans": "被叫去接车区协助。",
}


def _cars(workshop: Workshop) -> tuple[list[Ownership], list[Ownership]]:
    """Combustion and electric cars of the workshop's customers, those without an open
    order first (a small demo has few cars; some come twice)."""
    current = Ownership.objects.filter(workshop=workshop, ended_on__isnull=True).select_related(
        "customer", "vehicle"
    )
    open_orders = RepairOrder.objects.filter(workshop=workshop).exclude(
        status__in=(ROStatus.DELIVERED, ROStatus.CANCELLED)
    )
    busy = set(open_orders.values_list("vehicle_id", flat=True))
    electric = FuelType.ELECTRIC

    def ranked(queryset):
        cars = list(queryset.order_by("id"))
        return sorted(cars, key=lambda o: o.vehicle_id in busy)

    return (
        ranked(current.exclude(vehicle__vehicle_type__fuel_type=electric)),
        ranked(current.filter(vehicle__vehicle_type__fuel_type=electric)),
    )


def _agreed(
    advisor: User, repair_order: RepairOrder, codes: list[str], ready_by, parts: tuple = ()
) -> None:
    """The concern priced with its operations (and parts) and approved at the counter,
    ready by then."""
    job = repair_order.jobs.get()
    for code in codes:
        job_line_add(actor=advisor, job=job, kind="labour", operation_code=code)
    for part in parts:
        job_line_add(actor=advisor, job=job, kind="part", code=part.number)
    approve(repair_order, advisor, ready_by)


def _today(workshop: Workshop, moment: dt.datetime, now: dt.datetime) -> dt.datetime:
    """``moment`` kept within the workshop's local day of ``now``: a car is only checked in
    on its booking's day, so a demo built late in the evening or just after midnight has
    its booked cars' slots at the edge of the day rather than tomorrow or yesterday."""
    local = timezone.localtime(now, workshop.zone)
    first = local.replace(hour=0, minute=0, second=0, microsecond=0)
    last = local.replace(hour=23, minute=59, second=0, microsecond=0)
    return min(max(moment, first), last)


def _booked_in(
    advisor: User, ownership: Ownership, code: str, starts: dt.datetime, spot: str
) -> RepairOrder:
    workshop = ownership.workshop
    service = ServiceType.objects.get(workshop=workshop, code=code)
    starts = _today(workshop, starts, timezone.now())
    appointment = demo_booking(workshop, advisor, ownership, service, starts, spot)
    return repair_order_check_in(
        actor=advisor,
        appointment=appointment,
        mileage=next_km(ownership.vehicle, 20_000),
        mileage_confirmed=True,
        fuel_level=3,
    )


def _missing_part(workshop: Workshop) -> Part | None:
    """A current catalogue part the workshop's store does not have: rear brake pads if
    there are such."""
    on_shelf = StockItem.objects.filter(workshop=workshop, on_hand__gt=0).values("part_id")
    missing = Part.objects.filter(
        network_id=workshop.network_id, superseded_by__isnull=True
    ).exclude(pk__in=on_shelf)
    return missing.filter(name_en=PADS).order_by("pk").first() or missing.order_by("pk").first()


def _pads_on_order(advisor: User, ownership: Ownership, key: str, now: dt.datetime) -> RepairOrder:
    """Rear brakes: the pads are reserved, wait for the goods and come by courier from
    the distribution centre (vehicle off road), so the job cannot start before they do."""
    workshop = ownership.workshop
    minutes, codes, concern = PADS_ON_ORDER
    part = _missing_part(workshop)
    ro = walk_in(advisor, ownership, concern[_language(workshop)], 20_000, parking_spot="W8")
    _agreed(advisor, ro, codes, now + dt.timedelta(minutes=minutes), (part,) if part else ())
    line = JobLine.objects.filter(job__repair_order=ro, kind="part").first()
    if line is not None and line.part is not None:
        clerk = User.objects.get(email=f"parts-clerk@{key}.demo")
        part_reserve(actor=clerk, job_line=line)
        part_order_place(
            actor=clerk,
            workshop=workshop,
            kind=OrderKind.VOR,
            lines=[{"number": line.part.number, "quantity": line.quantity}],
            repair_order=ro,
        )
    return ro


def _language(workshop: Workshop) -> str:
    return workshop.default_language if workshop.default_language in CALLED_AWAY else "de"


def build_busy_day(workshop: Workshop, key: str) -> list[RepairOrder]:
    language = _language(workshop)
    advisor = staff_member(workshop, WorkshopRole.ADVISOR)
    senior = User.objects.get(email=f"senior-technician@{key}.demo")
    combustion, electric = _cars(workshop)
    if not combustion:
        return []
    cars = iter(combustion * 3)
    now = timezone.now().replace(second=0, microsecond=0)
    orders = []
    for index, (_key, minutes, codes, concern) in enumerate(WALK_INS, start=1):
        ro = walk_in(advisor, next(cars), concern[language], 20_000, parking_spot=f"W{index + 1}")
        _agreed(advisor, ro, codes, now + dt.timedelta(minutes=minutes))
        orders.append(ro)
    if electric:
        minutes, codes, concern = HIGH_VOLTAGE
        ro = walk_in(advisor, electric[0], concern[language], 20_000, parking_spot="HV1")
        _agreed(advisor, ro, codes, now + dt.timedelta(minutes=minutes))
        orders.append(ro)
    orders.append(_pads_on_order(advisor, next(cars), key, now))

    # The express cars were dropped off before their slots; the promise runs from the slot.
    express = _booked_in(advisor, next(cars), "express-oil", now + dt.timedelta(minutes=20), "E2")
    job = express.jobs.get()
    job_clock_on(actor=senior, job=job)
    job_pause(actor=senior, job=job, reason=CALLED_AWAY[language])
    orders.append(express)
    orders.append(
        _booked_in(advisor, next(cars), "express-oil", now + dt.timedelta(minutes=60), "E3")
    )
    # The paint shop's car arrived for its slot a few minutes ago.
    orders.append(
        _booked_in(advisor, next(cars), "small-body-paint", now - dt.timedelta(minutes=5), "K1")
    )
    return orders
