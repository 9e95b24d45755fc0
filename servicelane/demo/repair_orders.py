"""Repair orders for the demo workshops, one in each step, made through the services."""

import datetime as dt
import random

from django.utils import timezone

from servicelane.appointments.choices import AppointmentStatus, Channel, EventKind, LaneKind
from servicelane.appointments.models import Appointment, AppointmentEvent, ServiceType
from servicelane.appointments.services import appointment_reference
from servicelane.billing.choices import PaymentMethod
from servicelane.billing.services import invoice_issue, payment_record
from servicelane.core.choices import WorkshopRole
from servicelane.core.models import Membership, User, Workshop
from servicelane.demo.people import staff_member
from servicelane.parts.models import Part
from servicelane.vehicles.choices import FuelType
from servicelane.vehicles.models import MileageReading, Ownership, Vehicle
from servicelane.workorders.catalogue import SERVICE_OPERATIONS
from servicelane.workorders.choices import QC_CHECKLIST, ChecklistKind, QCLevel, Rating
from servicelane.workorders.estimate.services import estimate_answer, estimate_send, job_line_add
from servicelane.workorders.handover.services import repair_order_hand_over
from servicelane.workorders.inspection.services import inspection_record
from servicelane.workorders.models import ChecklistTemplate, RepairOrder
from servicelane.workorders.quality.services import quality_check_record
from servicelane.workorders.reception.services import repair_order_check_in
from servicelane.workorders.selectors import checklist_points
from servicelane.workorders.work.services import job_clock_on, job_finish

# From the demo catalogue (demo.catalogue): the 3 Series oil filter's oldest number, and
# the engine oil sold by the litre.
OLD_OIL_FILTER_NUMBER = "11 42 7 566 327"
ENGINE_OIL = "Engine oil 0W-20 Longlife"

CONCERNS = {
    "de": [
        "Quietschendes Geräusch beim Bremsen, vor allem morgens.",
        "Motorkontrollleuchte leuchtet seit gestern.",
        "Klimaanlage riecht muffig.",
        "Ölservice fällig laut Anzeige.",
    ],
    "zh-hans": [
        "刹车时有尖锐的异响，早上尤其明显。",
        "发动机故障灯从昨天开始一直亮着。",
        "空调有异味。",
        "仪表提示需要保养。",
    ],
}


def _owners(workshop: Workshop, count: int) -> list[Ownership]:
    """Owners without a booking this week first, newest first; a small demo reuses some."""
    # Combustion cars: the demo's orders include oil services.
    current = (
        Ownership.objects.filter(workshop=workshop, ended_on__isnull=True)
        .exclude(vehicle__vehicle_type__fuel_type=FuelType.ELECTRIC)
        .select_related("customer", "vehicle")
    )
    free = list(current.exclude(vehicle__appointments__workshop=workshop).order_by("-id")[:count])
    booked = [o for o in current.order_by("-id")[: count * 3] if o not in free]
    chosen = (free + booked)[:count]
    return [chosen[i % len(chosen)] for i in range(count)]


def _number_of(workshop: Workshop, name_en: str) -> str:
    part = Part.objects.filter(
        network_id=workshop.network_id, name_en=name_en, superseded_by__isnull=True
    ).first()
    return part.number if part else ""


def next_km(vehicle: Vehicle, km: int) -> int:
    """A plausible odometer for the visit: the car's history driven on at about 40 km a
    day; ``km`` for a car without history."""
    last = MileageReading.objects.filter(vehicle=vehicle).order_by("-read_on", "-km").first()
    if last is None:
        return km
    days = (timezone.localdate() - last.read_on).days
    return last.km + max(800, days * 40)


def walk_in(
    advisor: User, ownership: Ownership, concern: str, km: int, parking_spot: str = "W1"
) -> RepairOrder:
    km = next_km(ownership.vehicle, km)
    return repair_order_check_in(
        actor=advisor,
        workshop=advisor_workshop(advisor),
        customer=ownership.customer,
        vehicle=ownership.vehicle,
        mileage=km,
        mileage_confirmed=True,
        fuel_level=2,
        concerns=concern,
        documents_seen=["registration"],
        parking_spot=parking_spot,
    )


def advisor_workshop(advisor: User) -> Workshop:
    return Membership.objects.filter(user=advisor).select_related("workshop")[0].workshop


def approve(ro: RepairOrder, advisor: User, ready_by: dt.datetime | None = None) -> None:
    """Every job of the order approved by the customer at the counter."""
    estimate = estimate_send(actor=advisor, repair_order=ro, estimated_completion_at=ready_by)
    estimate_answer(
        estimate=estimate,
        decisions={job.pk: True for job in estimate.jobs.all()},
        signed_name=ro.customer.display_name,
        ip="192.0.2.10",
    )


def _qc(ro: RepairOrder, people: dict[str, User], levels: tuple[int, ...]) -> None:
    who = {
        QCLevel.TECHNICIAN: people["technician"],
        QCLevel.FOREMAN: people["foreman"],
        QCLevel.ADVISOR: people["advisor"],
    }
    for level in levels:
        points = checklist_points(ro.workshop, QC_CHECKLIST[QCLevel(level)])
        quality_check_record(
            actor=who[QCLevel(level)],
            repair_order=ro,
            level=level,
            passed=True,
            answers={str(p.pk): True for p in points},
        )


def _work(ro: RepairOrder, technician: User, *, finish: bool = True) -> None:
    for job in ro.jobs.filter(status="approved").order_by("position"):
        job_clock_on(actor=technician, job=job)
        if not finish:
            return
        job_finish(actor=technician, job=job)


def demo_booking(
    workshop: Workshop,
    advisor: User,
    ownership: Ownership,
    service: ServiceType,
    starts: dt.datetime,
    parking_spot: str,
) -> Appointment:
    """A booking made two days ago for ``service`` at ``starts``, with its promise."""
    now = timezone.now()
    promise = service.promise_hours
    appointment = Appointment.objects.create(
        workshop=workshop,
        reference=appointment_reference(workshop, now),
        customer=ownership.customer,
        vehicle=ownership.vehicle,
        lane=service.lane,
        starts_at=starts,
        ends_at=starts + dt.timedelta(minutes=service.duration_minutes),
        status=AppointmentStatus.BOOKED,
        channel=Channel.WEB,
        advisor=advisor,
        parking_spot=parking_spot,
        language=ownership.customer.language,
        contact_email=ownership.customer.email,
        contact_phone=ownership.customer.phone,
        promise_hours=promise,
        promised_at=starts + dt.timedelta(hours=promise) if promise else None,
        created_by=advisor,
        created_at=now - dt.timedelta(days=2),
    )
    appointment.service_types.set([service])
    AppointmentEvent.objects.create(
        appointment=appointment, kind=EventKind.BOOKED, actor=advisor, at=now
    )
    return appointment


def _late_express(workshop: Workshop, advisor: User, ownership: Ownership, now) -> Appointment:
    """An express booking from three hours ago: its one-hour promise can no longer be kept."""
    service = ServiceType.objects.filter(workshop=workshop, lane__kind=LaneKind.EXPRESS).exclude(
        promise_hours=None
    )[0]
    starts = now.replace(second=0, microsecond=0) - dt.timedelta(hours=3)
    return demo_booking(workshop, advisor, ownership, service, starts, "E1")


def build_repair_orders(workshop: Workshop, key: str, rng: random.Random) -> list[RepairOrder]:
    """One order waiting for approval, one in the bay, one at quality check, one ready,
    an express order finished late (its labour free) and one delivered."""
    for service_type in ServiceType.objects.filter(workshop=workshop):
        service_type.operation_codes = SERVICE_OPERATIONS.get(service_type.code, "")
        service_type.save(update_fields=["operation_codes"])
    people: dict[str, User] = {
        role: staff_member(workshop, role)
        for role in (WorkshopRole.ADVISOR, WorkshopRole.TECHNICIAN, WorkshopRole.FOREMAN)
    }
    advisor, technician = people["advisor"], people["technician"]
    concerns = CONCERNS.get(workshop.default_language, CONCERNS["de"])
    owners = _owners(workshop, 6)
    now = timezone.now()
    quick = ChecklistTemplate.objects.get(network_id=workshop.network_id, kind=ChecklistKind.QUICK)
    orders = []

    # 1. Inspected together with the owner; the estimate waits for their answer.
    ro = walk_in(advisor, owners[0], concerns[0], 48_200 + rng.randint(0, 5000))
    results = {
        p.pk: {"rating": Rating.GREEN}
        if p.operation_code != "BRAKES-FRONT"
        else {"rating": Rating.RED, "note": "2 mm"}
        for p in quick.points.all()
    }
    inspection_record(actor=advisor, repair_order=ro, template=quick, results=results)
    job_line_add(
        actor=advisor,
        job=ro.jobs.get(source="concern"),
        kind="labour",
        operation_code="DIAGNOSIS",
    )
    estimate_send(actor=advisor, repair_order=ro)
    orders.append(ro)

    # 2. Approved, a technician is on it.
    ro = walk_in(advisor, owners[1], concerns[3], 61_000 + rng.randint(0, 5000))
    job = ro.jobs.get()
    job_line_add(actor=advisor, job=job, kind="labour", operation_code="OIL-SERVICE")
    # The filter by one of its old numbers: the catalogue answers with the current part.
    job_line_add(actor=advisor, job=job, kind="part", code=OLD_OIL_FILTER_NUMBER)
    job_line_add(
        actor=advisor, job=job, kind="part", code=_number_of(workshop, ENGINE_OIL), quantity=5
    )
    approve(ro, advisor)
    junior = User.objects.get(email=f"junior-technician@{key}.demo")
    _work(ro, junior, finish=False)
    orders.append(ro)

    # 3. Done; the technician's check passed, the foreman's is next.
    ro = walk_in(advisor, owners[2], concerns[2], 33_500 + rng.randint(0, 5000))
    job_line_add(actor=advisor, job=ro.jobs.get(), kind="labour", operation_code="MICRO-FILTER")
    approve(ro, advisor)
    _work(ro, technician)
    _qc(ro, people, (QCLevel.TECHNICIAN,))
    orders.append(ro)

    # 4. Ready for the cashier and the handover.
    ro = walk_in(advisor, owners[3], concerns[1], 87_300 + rng.randint(0, 5000))
    job_line_add(actor=advisor, job=ro.jobs.get(), kind="labour", operation_code="DIAGNOSIS")
    approve(ro, advisor)
    _work(ro, technician)
    _qc(ro, people, tuple(QCLevel.values))
    orders.append(ro)

    # 5. Express oil service booked for three hours ago, finished only now: labour free.
    appointment = _late_express(workshop, advisor, owners[4], now)
    ro = repair_order_check_in(
        actor=advisor,
        appointment=appointment,
        mileage=next_km(owners[4].vehicle, 29_900 + rng.randint(0, 5000)),
        mileage_confirmed=True,
        fuel_level=3,
        now=appointment.starts_at,
    )
    _work(ro, technician)
    _qc(ro, people, tuple(QCLevel.values))
    orders.append(ro)

    # 6. Invoiced, paid and handed over this morning.
    ro = walk_in(advisor, owners[5], concerns[3], 54_000 + rng.randint(0, 5000))
    job_line_add(actor=advisor, job=ro.jobs.get(), kind="labour", operation_code="OIL-SERVICE")
    approve(ro, advisor)
    _work(ro, technician)
    _qc(ro, people, tuple(QCLevel.values))
    invoice = invoice_issue(actor=advisor, repair_order=ro)
    payment_record(
        actor=staff_member(workshop, WorkshopRole.CASHIER),
        invoice=invoice,
        method=PaymentMethod.CARD,
        amount=invoice.gross_total,
    )
    points = checklist_points(workshop, ChecklistKind.HANDOVER)
    repair_order_hand_over(
        actor=advisor,
        repair_order=ro,
        signed_name=ro.customer.display_name,
        mileage_out=ro.mileage + 3,
        answers={str(p.pk): True for p in points},
    )
    orders.append(ro)
    return orders
