"""Every write to vehicles, their owners and mileage goes through these functions."""

import datetime
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from servicelane.core.audit import audit_record, diff, snapshot
from servicelane.core.models import User, Workshop
from servicelane.core.permissions import Perm
from servicelane.core.tenancy import access_for
from servicelane.customers.models import Customer
from servicelane.vehicles.choices import MileageSource
from servicelane.vehicles.models import (
    MAX_KM,
    MileageReading,
    Ownership,
    Vehicle,
    VehicleType,
    WorkshopVehicle,
)
from servicelane.vehicles.plates import normalise_plate
from servicelane.vehicles.vin import decode_vin

VEHICLE_FIELDS = ["plate", "vehicle_type", "first_registration", "teleservice", "warranty_until"]


def acting_workshop_id(actor: User, vehicle: Vehicle, perm: Perm) -> int | None:
    """The workshop in whose name the actor changes this vehicle.

    A workshop member acts through a workshop linked to the vehicle; network
    staff act for the network (None). Anyone else is refused.
    """
    access = access_for(actor)
    linked = set(
        WorkshopVehicle.objects.filter(vehicle=vehicle).values_list("workshop_id", flat=True)
    )
    for workshop_id in sorted(linked):
        if perm in access.perms_in(workshop_id) and workshop_id in access.workshop_roles:
            return workshop_id
    if vehicle.network_id in access.networks_with(perm):
        return None
    raise PermissionDenied(_("Your role does not allow this."))


def _clean_vehicle_data(vehicle: Vehicle, data: dict[str, Any]) -> None:
    unknown = set(data) - set(VEHICLE_FIELDS)
    if unknown:
        raise ValueError(f"not editable: {sorted(unknown)}")
    vehicle_type = data.get("vehicle_type")
    if vehicle_type is not None and not isinstance(vehicle_type, VehicleType):
        raise ValueError("vehicle_type must be a VehicleType")
    if vehicle_type is not None and vehicle_type.network_id != vehicle.network_id:
        raise ValidationError({"vehicle_type": [_("Unknown vehicle type.")]})
    for name, value in data.items():
        setattr(vehicle, name, value.strip() if isinstance(value, str) else value)
    vehicle.plate = vehicle.plate.upper()
    first_registration = vehicle.first_registration
    if first_registration and first_registration > timezone.localdate():
        raise ValidationError(
            {"first_registration": [_("The first registration cannot be in the future.")]}
        )
    warranty_until = vehicle.warranty_until
    if warranty_until and first_registration and warranty_until < first_registration:
        raise ValidationError(
            {"warranty_until": [_("The warranty cannot end before the first registration.")]}
        )
    vehicle.full_clean(exclude=["network", "vin"])


@transaction.atomic
def vehicle_register(
    *,
    actor: User,
    workshop: Workshop,
    vin: str,
    owner: Customer | None = None,
    km: int | None = None,
    **data: Any,
) -> tuple[Vehicle, bool]:
    """Register a car for ``workshop`` by its VIN; return it and whether it is new.

    The VIN must be valid (17 characters of the ISO 3779 set; a correct check
    digit where the region mandates one). A VIN already known in the network is
    the same car: it is linked to this workshop with its history, never duplicated.
    """
    access_for(actor).require(Perm.VEHICLE_CHANGE, workshop.pk)
    vehicle, created = _register_by_vin(actor=actor, workshop=workshop, vin=vin, data=data)
    if owner is not None:
        vehicle_set_owner(actor=actor, vehicle=vehicle, workshop=workshop, customer=owner)
    if km is not None:
        vehicle_record_mileage(
            actor=actor,
            vehicle=vehicle,
            km=km,
            read_on=timezone.localdate(),
            source=MileageSource.RECEPTION,
        )
    return vehicle, created


def _register_by_vin(
    *, actor: User | None, workshop: Workshop, vin: str, data: dict[str, Any]
) -> tuple[Vehicle, bool]:
    # vehicle_register's rules without its permission check: callers decide who may.
    try:
        decoded = decode_vin(vin)
    except ValidationError as exc:
        raise ValidationError({"vin": exc.messages}) from exc
    vehicle = Vehicle.objects.select_for_update().filter(vin=decoded.vin).first()
    created = vehicle is None
    if vehicle is None:
        vehicle = Vehicle(
            network_id=workshop.network_id,
            vin=decoded.vin,
            manufacturer=decoded.manufacturer,
            vin_check_digit_ok=decoded.check_digit_ok,
        )
    elif vehicle.network_id != workshop.network_id:
        raise ValidationError({"vin": [_("This VIN belongs to another network.")]})
    before = {} if created else snapshot(vehicle, VEHICLE_FIELDS)
    if not created:
        # Registering never overwrites what the network already knows about the
        # car; it only fills gaps. Corrections go through vehicle_update.
        data = {k: v for k, v in data.items() if getattr(vehicle, k) in ("", None, False)}
    _clean_vehicle_data(vehicle, data)
    try:
        if created or diff(before, snapshot(vehicle, VEHICLE_FIELDS)):
            with transaction.atomic():
                vehicle.save()
    except IntegrityError as exc:  # a concurrent registration of the same VIN won
        raise ValidationError({"vin": [_("This VIN was registered at the same moment.")]}) from exc
    WorkshopVehicle.objects.get_or_create(workshop=workshop, vehicle=vehicle)
    audit_record(
        actor=actor,
        action="created" if created else "linked",
        target=vehicle,
        workshop_id=workshop.pk,
        changes=diff(before, snapshot(vehicle, VEHICLE_FIELDS)),
    )
    return vehicle, created


@transaction.atomic
def vehicle_update(
    *, actor: User, vehicle: Vehicle, owner: Customer | None = None, **data: Any
) -> Vehicle:
    """Change a vehicle's master data (not its VIN, which is its identity).

    An ``owner`` hands the car to that customer, as the customer's workshop
    knows it; master data and owner change together or not at all.
    """
    workshop_id = acting_workshop_id(actor, vehicle, Perm.VEHICLE_CHANGE)
    vehicle = Vehicle.objects.select_for_update().get(pk=vehicle.pk)
    before = snapshot(vehicle, VEHICLE_FIELDS)
    _clean_vehicle_data(vehicle, data)
    changes = diff(before, snapshot(vehicle, VEHICLE_FIELDS))
    if changes:
        vehicle.save()
        audit_record(
            actor=actor, action="updated", target=vehicle, workshop_id=workshop_id, changes=changes
        )
    if owner is not None:
        vehicle_set_owner(actor=actor, vehicle=vehicle, workshop=owner.workshop, customer=owner)
    return vehicle


@transaction.atomic
def vehicle_set_owner(
    *,
    actor: User,
    vehicle: Vehicle,
    workshop: Workshop,
    customer: Customer,
    since: datetime.date | None = None,
) -> Ownership:
    """Make ``customer`` the current owner as ``workshop`` knows it.

    The previous ownership in that workshop ends the day the new one starts,
    so the ownership history stays complete.
    """
    access = access_for(actor)
    access.require(Perm.VEHICLE_CHANGE, workshop.pk)
    access.require(Perm.CUSTOMER_VIEW, workshop.pk)
    return _set_owner(
        actor=actor, vehicle=vehicle, workshop=workshop, customer=customer, since=since
    )


def _set_owner(
    *,
    actor: User | None,
    vehicle: Vehicle,
    workshop: Workshop,
    customer: Customer,
    since: datetime.date | None,
) -> Ownership:
    if customer.workshop_id != workshop.pk:
        raise ValidationError({"owner": [_("The owner must be a customer of this workshop.")]})
    since = since or timezone.localdate()
    current = (
        Ownership.objects.select_for_update()
        .filter(workshop=workshop, vehicle=vehicle, ended_on__isnull=True)
        .first()
    )
    if current is not None:
        if current.customer_id == customer.pk:
            return current
        if since < current.started_on:
            raise ValidationError(
                {"since": [_("The new owner cannot start before the current owner.")]}
            )
        current.ended_on = since
        current.save(update_fields=["ended_on"])
    WorkshopVehicle.objects.get_or_create(workshop=workshop, vehicle=vehicle)
    ownership = Ownership.objects.create(
        workshop=workshop, vehicle=vehicle, customer=customer, started_on=since
    )
    audit_record(
        actor=actor,
        action="owner_changed",
        target=vehicle,
        workshop_id=workshop.pk,
        changes={"owner": [current.customer_id if current else None, customer.pk]},
    )
    return ownership


@transaction.atomic
def vehicle_record_mileage(
    *,
    actor: User,
    vehicle: Vehicle,
    km: int,
    read_on: datetime.date,
    source: str = MileageSource.MANUAL,
) -> MileageReading:
    """Record an odometer reading.

    A date in the future is refused. A reading lower than one taken on or
    before its date is kept but flagged: it may be a roll-back or a typing
    error, and either way someone should look.
    """
    workshop_id = acting_workshop_id(actor, vehicle, Perm.MILEAGE_RECORD)
    errors: dict[str, list[str]] = {}
    if read_on > timezone.localdate():
        errors["read_on"] = [_("A mileage reading cannot be in the future.")]
    if not isinstance(km, int) or km < 0 or km > MAX_KM:
        errors["km"] = [_("Enter a mileage between 0 and %(max)s km.") % {"max": f"{MAX_KM:,}"}]
    if source not in MileageSource.values:
        errors["source"] = [_("Unknown source.")]
    if errors:
        raise ValidationError(errors)
    Vehicle.objects.select_for_update().filter(pk=vehicle.pk).first()  # serialise readings
    higher_before = MileageReading.objects.filter(
        vehicle=vehicle, read_on__lte=read_on, km__gt=km
    ).exists()
    reading = MileageReading.objects.create(
        vehicle=vehicle,
        km=km,
        read_on=read_on,
        source=source,
        flagged=higher_before,
        workshop_id=workshop_id,
        recorded_by=actor,
    )
    audit_record(
        actor=actor,
        action="mileage_recorded",
        target=vehicle,
        workshop_id=workshop_id,
        changes={
            "km": [None, km],
            "read_on": [None, read_on.isoformat()],
            "flagged": higher_before,
        },
    )
    return reading


@transaction.atomic
def vehicle_match_or_register(
    *,
    workshop: Workshop,
    customer: Customer,
    vin: str = "",
    plate: str = "",
    actor: User | None = None,
) -> Vehicle:
    """The car a booking is for: found by VIN (network-wide) or by plate, else registered.

    Used by bookings, where the caller may be the customer on the public page
    (``actor`` None). A plate is only looked up among the workshop's own cars; a
    car the workshop does not know needs its VIN. A new car, or one without an
    owner in this workshop, gets the booking customer as owner; an existing
    owner is never replaced from outside (the advisor settles it at reception).
    """
    if actor is not None:
        access_for(actor).require(Perm.VEHICLE_CHANGE, workshop.pk)
    vin = (vin or "").strip()
    plate = (plate or "").strip().upper()
    if vin:
        vehicle, _created = _register_by_vin(
            actor=actor, workshop=workshop, vin=vin, data={"plate": plate} if plate else {}
        )
    elif plate:
        found = (
            Vehicle.objects.filter(
                plate_normalized=normalise_plate(plate), workshop_links__workshop=workshop
            )
            .order_by("id")
            .first()
        )
        if found is None:
            raise ValidationError(
                {
                    "vin": [
                        _(
                            "We do not know this number plate yet; please enter the VIN "
                            "(it is on the registration certificate)."
                        )
                    ]
                }
            )
        vehicle = found
    else:
        raise ValidationError({"vin": [_("Give the VIN or the number plate of the car.")]})
    has_owner = Ownership.objects.filter(
        workshop=workshop, vehicle=vehicle, ended_on__isnull=True
    ).exists()
    if not has_owner:
        _set_owner(actor=actor, vehicle=vehicle, workshop=workshop, customer=customer, since=None)
    return vehicle
