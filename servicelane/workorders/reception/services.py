"""Reception: a booked car or a walk-in checked in, the reception's data corrected, the
car's CBS data imported, photos added."""

import datetime as dt
from collections.abc import Iterable
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from servicelane.appointments.choices import AppointmentStatus
from servicelane.appointments.models import Appointment
from servicelane.appointments.selectors import appointment_locked_for_check_in
from servicelane.appointments.services import appointment_confirm_vehicle, appointment_mark_arrived
from servicelane.core.audit import audit_record, diff, snapshot
from servicelane.core.models import User, Workshop
from servicelane.core.permissions import Perm
from servicelane.core.sequences import next_number
from servicelane.core.tenancy import access_for
from servicelane.customers.models import Customer
from servicelane.vehicles.choices import MileageSource
from servicelane.vehicles.models import Vehicle
from servicelane.vehicles.selectors import highest_km
from servicelane.workorders import cbs, photos
from servicelane.workorders.choices import (
    Document,
    EventKind,
    FuelLevel,
    JobSource,
    JobStatus,
)
from servicelane.workorders.jobs import new_job
from servicelane.workorders.models import (
    JobLine,
    LabourOperation,
    Photo,
    RepairOrder,
)
from servicelane.workorders.notifications import send_progress_link
from servicelane.workorders.orders import (
    add_event,
    locked,
    record_ids,
    record_mileage,
    refuse_if_closed,
    require,
)
from servicelane.workorders.reception.selectors import deferred_jobs_of, repair_order_number

RECEPTION_FIELDS = [
    "mileage",
    "fuel_level",
    "concerns",
    "documents_seen",
    "parking_spot",
    "estimated_completion_at",
    "contact_email",
    "contact_phone",
]


def _check_mileage(vehicle: Vehicle, km: Any, confirmed: bool) -> int:
    """A reading lower than the car's history is refused unless the advisor confirms it."""
    try:
        km = int(km)
    except (TypeError, ValueError):
        raise ValidationError({"mileage": [_("Enter the mileage in whole kilometres.")]}) from None
    if km < 0 or km > 2_000_000:
        raise ValidationError({"mileage": [_("Enter a mileage between 0 and 2,000,000 km.")]})
    highest = highest_km(vehicle=vehicle)
    if highest is not None and km < highest and not confirmed:
        raise ValidationError(
            {
                "mileage": [
                    _(
                        "The car's history shows %(km)s km already. Check the odometer; "
                        "if it really reads less, confirm the reading and it is kept, flagged."
                    )
                    % {"km": f"{highest:,}"}
                ]
            }
        )
    return km


def _check_choices(fuel_level: Any, documents: Iterable[str]) -> tuple[int | None, list[str]]:
    errors: dict[str, list[str]] = {}
    if fuel_level in ("", None):
        fuel = None
    else:
        try:
            fuel = int(fuel_level)
        except (TypeError, ValueError):
            fuel = -1
        if fuel not in FuelLevel.values:
            errors["fuel_level"] = [_("Choose a fuel level.")]
    docs = list(dict.fromkeys(documents or []))
    unknown = [d for d in docs if d not in Document.values]
    if unknown:
        errors["documents_seen"] = [
            _("Unknown document: %(codes)s.") % {"codes": ", ".join(unknown)}
        ]
    if errors:
        raise ValidationError(errors)
    return fuel, docs


def _booked_visit(
    actor: User, appointment: Appointment, vin: str, plate: str
) -> tuple[Appointment, Workshop, Customer, Vehicle | None]:
    """The booking under a row lock, checked in at most once and only while it stands; a car
    not confirmed yet (booked on the public page) is confirmed here, as the advisor corrected
    it (``vin``/``plate``)."""
    appointment = appointment_locked_for_check_in(appointment)
    workshop, customer, vehicle = appointment.workshop, appointment.customer, appointment.vehicle
    if RepairOrder.objects.filter(appointment=appointment).exists():
        raise ValidationError(_("This appointment is already checked in."))
    if appointment.status not in (
        AppointmentStatus.BOOKED,
        AppointmentStatus.ARRIVED,
        AppointmentStatus.NO_SHOW,
    ):
        raise ValidationError(_("A cancelled appointment cannot be checked in."))
    if vehicle is None:
        require(actor, Perm.RO_RECEIVE, workshop.pk)
        vehicle = appointment_confirm_vehicle(
            actor=actor, appointment=appointment, vin=vin, plate=plate
        ).vehicle
    return appointment, workshop, customer, vehicle


def _check_party(
    actor: User, workshop: Workshop | None, customer: Customer | None, vehicle: Vehicle | None
) -> tuple[Workshop, Customer, Vehicle]:
    """The workshop receives, and the customer and the car are the workshop's."""
    if workshop is None or customer is None or vehicle is None:
        raise ValidationError(_("Choose the customer and the car."))
    require(actor, Perm.RO_RECEIVE, workshop.pk)
    if customer.workshop_id != workshop.pk:
        raise ValidationError({"customer": [_("Unknown customer.")]})
    if not vehicle.workshop_links.filter(workshop=workshop).exists():
        raise ValidationError({"vehicle": [_("Unknown vehicle.")]})
    return workshop, customer, vehicle


def _promise_kept(
    appointment: Appointment | None, now: dt.datetime
) -> tuple[int | None, dt.datetime | None]:
    """The booking's promise (hours, time) when the customer is on time, else none."""
    if appointment is None or not appointment.promised_at:
        return None, None
    grace = dt.timedelta(minutes=settings.PROMISE_GRACE_MINUTES)
    if now > appointment.starts_at + grace:
        return None, None
    return appointment.promise_hours, appointment.promised_at


def _next_repair_order_number(workshop: Workshop, now: dt.datetime) -> str:
    """Numbered per workshop and local year: 1 January in Beijing is still 31 December in
    UTC."""
    year = timezone.localtime(now, workshop.zone).year
    sequence = next_number(workshop=workshop, key=f"ro-{year}")
    return repair_order_number(workshop.code, year, sequence)


def _open_order(
    *,
    actor: User,
    appointment: Appointment | None,
    workshop: Workshop,
    customer: Customer,
    vehicle: Vehicle,
    km: int,
    fuel: int | None,
    docs: list[str],
    concerns: str,
    parking_spot: str,
    now: dt.datetime,
) -> RepairOrder:
    """The order's row: what the booking brought, else the customer's data."""
    promise_hours, promised_at = _promise_kept(appointment, now)
    return RepairOrder.objects.create(
        workshop=workshop,
        number=_next_repair_order_number(workshop, now),
        appointment=appointment,
        customer=customer,
        vehicle=vehicle,
        advisor=(appointment.advisor if appointment and appointment.advisor else actor),
        mileage=km,
        fuel_level=fuel,
        concerns=(concerns or (appointment.notes if appointment else "")).strip(),
        documents_seen=docs,
        parking_spot=(parking_spot or (appointment.parking_spot if appointment else "")).strip(),
        language=(appointment.language if appointment else customer.language)
        or workshop.default_language,
        contact_email=(appointment.contact_email if appointment else "") or customer.email,
        contact_phone=(appointment.contact_phone if appointment else "") or customer.phone,
        promise_hours=promise_hours,
        promised_at=promised_at,
        checked_in_at=now,
        created_by=actor,
    )


def _first_jobs(
    actor: User,
    repair_order: RepairOrder,
    appointment: Appointment | None,
    deferred_job_ids: Iterable[int],
    now: dt.datetime,
) -> None:
    """The booked services (agreed when booking), the customer's concerns and the declined
    work taken up again; the booking marked arrived."""
    if appointment is not None:
        _jobs_from_booking(repair_order, appointment, promised=repair_order.promised_at is not None)
        if appointment.status != AppointmentStatus.ARRIVED:
            appointment_mark_arrived(actor=actor, appointment=appointment, now=now)
    if repair_order.concerns:
        new_job(
            repair_order,
            title=_first_line(repair_order.concerns),
            source=JobSource.CONCERN,
            description=repair_order.concerns,
        )
    _take_up_deferred(repair_order, deferred_job_ids)


@transaction.atomic
def repair_order_check_in(
    *,
    actor: User,
    mileage: Any,
    appointment: Appointment | None = None,
    workshop: Workshop | None = None,
    customer: Customer | None = None,
    vehicle: Vehicle | None = None,
    mileage_confirmed: bool = False,
    fuel_level: Any = None,
    concerns: str = "",
    documents_seen: Iterable[str] = (),
    parking_spot: str = "",
    deferred_job_ids: Iterable[int] = (),
    vin: str = "",
    plate: str = "",
    now: dt.datetime | None = None,
) -> RepairOrder:
    """Open a repair order for a booked car (its services become approved jobs, its promise
    carries over if the customer is on time) or for a walk-in customer's car.

    A booking whose car is not confirmed yet (made on the public page) has it confirmed
    here: the advisor has compared the car with what was typed (``vin``/``plate`` correct
    it), and only now is it linked to the workshop, given its owner and its mileage.
    The mileage is checked against the car's history; the customer's concerns are kept as
    typed; declined work from earlier visits can be taken up again.
    """
    now = now or timezone.now()
    if appointment is not None:
        appointment, workshop, customer, vehicle = _booked_visit(actor, appointment, vin, plate)
    workshop, customer, vehicle = _check_party(actor, workshop, customer, vehicle)
    km = _check_mileage(vehicle, mileage, mileage_confirmed)
    fuel, docs = _check_choices(fuel_level, documents_seen)
    repair_order = _open_order(
        actor=actor,
        appointment=appointment,
        workshop=workshop,
        customer=customer,
        vehicle=vehicle,
        km=km,
        fuel=fuel,
        docs=docs,
        concerns=concerns,
        parking_spot=parking_spot,
        now=now,
    )
    record_mileage(
        actor=actor,
        vehicle=vehicle,
        workshop=workshop,
        km=km,
        source=MileageSource.RECEPTION,
        now=now,
    )
    _first_jobs(actor, repair_order, appointment, deferred_job_ids, now)
    promised_at = repair_order.promised_at
    add_event(
        repair_order,
        EventKind.CHECKED_IN,
        actor,
        appointment=appointment.reference if appointment else None,
        promised_at=promised_at.isoformat() if promised_at else None,
        promise_void=bool(appointment and appointment.promised_at and not promised_at),
    )
    audit_record(
        actor=actor,
        action="repair_order_checked_in",
        target=repair_order,
        workshop_id=workshop.pk,
        changes=snapshot(repair_order, RECEPTION_FIELDS),
    )
    transaction.on_commit(lambda: send_progress_link(repair_order.pk))
    return repair_order


def _first_line(text: str) -> str:
    return text.strip().splitlines()[0][:120] if text.strip() else ""


def _jobs_from_booking(
    repair_order: RepairOrder, appointment: Appointment, *, promised: bool
) -> None:
    """Each booked service becomes a job the customer already agreed to when booking."""
    network_id = repair_order.workshop.network_id
    for service_type in appointment.service_types.all():
        codes = service_type.operation_codes.split()
        operations = list(
            LabourOperation.objects.filter(network_id=network_id, code__in=codes, active=True)
        )
        new_job(
            repair_order,
            title=service_type.name_in(repair_order.language),
            source=JobSource.BOOKED,
            status=JobStatus.APPROVED,
            operations=sorted(operations, key=lambda op: codes.index(op.code)),
            promised=promised and service_type.promise_hours is not None,
        )


def _take_up_deferred(repair_order: RepairOrder, job_ids: Iterable[int]) -> None:
    ids = record_ids(job_ids, "deferred_job_ids", _("Unknown deferred job."))
    if not ids:
        return
    deferred = {j.pk: j for j in deferred_jobs_of(repair_order.vehicle, repair_order.workshop)}
    unknown = ids - set(deferred)
    if unknown:
        raise ValidationError({"deferred_job_ids": [_("Unknown deferred job.")]})
    for job_id in sorted(ids):
        old = deferred[job_id]
        new = new_job(
            repair_order,
            title=old.title,
            description=old.description,
            source=JobSource.DEFERRED,
            deferred_from=old,
        )
        new.level = old.level
        new.save(update_fields=["level"])
        for line in old.lines.all():
            JobLine.objects.create(
                job=new,
                kind=line.kind,
                operation=line.operation,
                code=line.code,
                description=line.description,
                quantity=line.quantity,
                unit_price=line.unit_price,
                time_units=line.time_units,
                menu_price=line.menu_price,
            )


@transaction.atomic
def repair_order_update_reception(
    *, actor: User, repair_order: RepairOrder, mileage_confirmed: bool = False, **changes: Any
) -> RepairOrder:
    """Correct what was recorded at reception while the car is in the workshop."""
    repair_order = locked(repair_order)
    require(actor, Perm.RO_RECEIVE, repair_order.workshop_id)
    refuse_if_closed(repair_order)
    unknown = set(changes) - set(RECEPTION_FIELDS)
    if unknown:
        raise ValidationError(
            _("These fields cannot be changed: %(f)s.") % {"f": ", ".join(sorted(unknown))}
        )
    before = snapshot(repair_order, RECEPTION_FIELDS)
    if "mileage" in changes:
        # A whole number in range first (typed text is refused, never a 500); checked
        # against the car's history only when it changes.
        changes["mileage"] = _check_mileage(repair_order.vehicle, changes["mileage"], True)
    if "mileage" in changes and changes["mileage"] != repair_order.mileage:
        _check_mileage(repair_order.vehicle, changes["mileage"], mileage_confirmed)
        record_mileage(
            actor=actor,
            vehicle=repair_order.vehicle,
            workshop=repair_order.workshop,
            km=changes["mileage"],
            source=MileageSource.RECEPTION,
            now=timezone.now(),
        )
    fuel, docs = _check_choices(
        changes.get("fuel_level", repair_order.fuel_level),
        changes.get("documents_seen", repair_order.documents_seen),
    )
    changes["fuel_level"], changes["documents_seen"] = fuel, docs
    for name, value in changes.items():
        if isinstance(value, str):
            value = value.strip()
        setattr(repair_order, name, value)
    repair_order.full_clean(
        exclude=[
            "workshop",
            "customer",
            "vehicle",
            "appointment",
            "advisor",
            "created_by",
            "language",
            # Null when the visit carries no promise; not the advisor's to change.
            "promise_hours",
        ]
    )
    repair_order.save()
    changed = diff(before, snapshot(repair_order, RECEPTION_FIELDS))
    if changed:
        add_event(repair_order, EventKind.RECEPTION, actor, fields=sorted(changed))
        audit_record(
            actor=actor,
            action="reception_updated",
            target=repair_order,
            workshop_id=repair_order.workshop_id,
            changes=changed,
        )
    return repair_order


@transaction.atomic
def repair_order_import_cbs(*, actor: User, repair_order: RepairOrder, data: Any) -> list:
    """Replace the order's Condition Based Service items with what the key or car delivered
    (format in docs/cbs.md); a malformed document changes nothing."""
    repair_order = locked(repair_order)
    require(actor, Perm.RO_RECEIVE, repair_order.workshop_id)
    refuse_if_closed(repair_order)
    items = cbs.parse(
        data,
        today=timezone.localdate(timezone.now(), repair_order.workshop.zone),
        mileage=repair_order.mileage,
    )
    repair_order.cbs_items.all().delete()
    created = [item.save_for(repair_order) for item in items]
    add_event(repair_order, EventKind.CBS_IMPORTED, actor, items=len(created))
    audit_record(
        actor=actor,
        action="cbs_imported",
        target=repair_order,
        workshop_id=repair_order.workshop_id,
        changes={"items": [None, [i.code for i in created]]},
    )
    return created


@transaction.atomic
def photo_add(
    *,
    actor: User,
    repair_order: RepairOrder,
    upload: Any,
    caption: str = "",
    shared: bool = True,
) -> Photo:
    """Store a photo of the car, resized; technicians add them from the bay."""
    repair_order = locked(repair_order)
    access = access_for(actor)
    if not (
        access.can(Perm.RO_RECEIVE, repair_order.workshop_id)
        or access.can(Perm.INSPECTION_RECORD, repair_order.workshop_id)
    ):
        raise PermissionDenied(_("Your role does not allow this."))
    refuse_if_closed(repair_order)
    content, width, height = photos.resized_jpeg(upload)
    photo = Photo(
        repair_order=repair_order,
        caption=caption.strip()[:200],
        shared=shared,
        width=width,
        height=height,
        taken_by=actor,
    )
    photo.image.save(photos.file_name(), content, save=False)
    photo.save()
    add_event(repair_order, EventKind.PHOTO, actor, photo=photo.pk, shared=shared)
    return photo
