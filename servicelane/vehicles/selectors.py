import datetime as dt
from collections.abc import Iterable
from typing import Any, NamedTuple

from django.core.exceptions import ValidationError
from django.db.models import Max, Prefetch, QuerySet

from servicelane.core.errors import filter_errors
from servicelane.core.models import Workshop
from servicelane.core.permissions import Perm
from servicelane.core.tenancy import access_for, get_for_user
from servicelane.customers.models import Customer
from servicelane.vehicles.filters import VehicleFilter
from servicelane.vehicles.models import (
    MileageReading,
    Ownership,
    Vehicle,
    VehicleType,
    WorkshopVehicle,
)
from servicelane.vehicles.plates import normalise_plate
from servicelane.vehicles.vin import normalise_vin


def current_ownerships_prefetch(user: Any) -> Prefetch[str, QuerySet[Ownership], str]:
    """Current owners, only as far as the user may see customer data."""
    return Prefetch(
        "ownerships",
        queryset=Ownership.objects.visible_to(user, Perm.CUSTOMER_VIEW)
        .filter(ended_on__isnull=True)
        .select_related("customer"),
        to_attr="current_ownerships",
    )


def vehicle_list_for_user(*, user: Any, filters: dict[str, Any] | None = None) -> QuerySet[Vehicle]:
    queryset = (
        Vehicle.objects.visible_to(user)
        .select_related("vehicle_type")
        .prefetch_related(current_ownerships_prefetch(user))
        .order_by("-updated_at", "vin")
    )
    filterset = VehicleFilter(filters or {}, queryset=queryset)
    if not filterset.is_valid():
        raise ValidationError(filter_errors(filterset))
    vehicles: QuerySet[Vehicle] = filterset.qs
    return vehicles


def vehicle_get_for_user(*, user: Any, vin: str, perm: Perm | None = None) -> Vehicle:
    return get_for_user(
        Vehicle.objects.select_related("vehicle_type", "network").prefetch_related(
            current_ownerships_prefetch(user)
        ),
        user,
        perm,
        vin=normalise_vin(vin),
    )


def vehicle_ownership_history(*, user: Any, vehicle: Vehicle) -> QuerySet[Ownership]:
    return (
        Ownership.objects.visible_to(user, Perm.CUSTOMER_VIEW)
        .filter(vehicle=vehicle)
        .select_related("customer", "workshop")
    )


def workshop_registered_vehicle(*, workshop_id: int, vehicle_id: int) -> bool:
    """Did this workshop register the car (is it one of the workshop's vehicles)?"""
    return WorkshopVehicle.objects.filter(workshop_id=workshop_id, vehicle_id=vehicle_id).exists()


def vehicle_mileage_history(*, vehicle: Vehicle) -> QuerySet[MileageReading]:
    """Every reading of the car, whichever workshop took it: the network's history."""
    return MileageReading.objects.filter(vehicle=vehicle).select_related("workshop")


def vehicles_of_customer(*, user: Any, customer_id: int) -> QuerySet[Ownership]:
    return (
        Ownership.objects.visible_to(user, Perm.CUSTOMER_VIEW)
        .filter(customer_id=customer_id)
        .select_related("vehicle", "vehicle__vehicle_type")
        .order_by("ended_on", "-started_on")
    )


def vehicle_type_list_for_user(*, user: Any) -> QuerySet[VehicleType]:
    return VehicleType.objects.filter(network_id__in=access_for(user).network_ids)


def vehicle_count_for_user(*, user: Any) -> int:
    return Vehicle.objects.visible_to(user).count()


# ---------------------------------------------------------------- for other apps


def vehicle_by_id(*, vehicle_id: int) -> Vehicle:
    """A car by id, with its type, for work done on the system's behalf (a queued e-mail)."""
    return Vehicle.objects.select_related("vehicle_type").get(pk=vehicle_id)


def vehicle_by_vin(*, vin: str, network_ids: Iterable[int] | None = None) -> Vehicle | None:
    """The car with this VIN (any case, with spaces), with its type and network; only in
    ``network_ids`` when given."""
    vehicles = Vehicle.objects.select_related("vehicle_type", "network").filter(
        vin=normalise_vin(vin or "")
    )
    if network_ids is not None:
        vehicles = vehicles.filter(network_id__in=list(network_ids))
    return vehicles.first()


def workshop_vehicle_by_plate(*, workshop: Workshop, plate: str) -> Vehicle | None:
    """The first car the workshop registered with this plate (written any way)."""
    return (
        Vehicle.objects.select_related("vehicle_type")
        .filter(plate_normalized=normalise_plate(plate), workshop_links__workshop=workshop)
        .order_by("id")
        .first()
    )


def vehicle_for_update(*, vehicle_id: int) -> Vehicle:
    """The car, its row locked until the transaction ends: one writer per car."""
    return Vehicle.objects.select_for_update().get(pk=vehicle_id)


def vehicle_count() -> int:
    """Every car of every network."""
    return Vehicle.objects.count()


class FleetCar(NamedTuple):
    """What the reminder batch reads of a car."""

    pk: int
    vehicle_type_id: int | None
    first_registration: dt.date | None
    warranty_until: dt.date | None
    vin: str
    plate: str


def fleet_chunk(*, network_id: int, after_id: int, size: int) -> list[FleetCar]:
    """The network's next ``size`` cars by id after ``after_id``."""
    rows = (
        Vehicle.objects.filter(network_id=network_id, pk__gt=after_id)
        .order_by("pk")
        .values_list(
            "pk", "vehicle_type_id", "first_registration", "warranty_until", "vin", "plate"
        )[:size]
    )
    return [FleetCar(*row) for row in rows]


def vehicle_type_names(*, network_id: int) -> dict[int, str]:
    """The model name of each of the network's vehicle types, by id."""
    return dict(VehicleType.objects.filter(network_id=network_id).values_list("pk", "model_name"))


def vehicle_type_ids_by_code(*, network_id: int) -> dict[str, int]:
    """The network's vehicle types by model code, as written."""
    return dict(VehicleType.objects.filter(network_id=network_id).values_list("model_code", "id"))


def network_vehicle_types(*, network_id: int) -> QuerySet[VehicleType]:
    """Every vehicle type of the network."""
    return VehicleType.objects.filter(network_id=network_id)


class OwnerContact(NamedTuple):
    """A current owner as the workshop that registered the ownership knows them."""

    vehicle_id: int
    workshop_id: int
    customer_id: int
    email: str
    language: str
    consents_to_reminders: bool
    started_on: dt.date


def current_owner_contacts(*, vehicle_ids: list[int]) -> list[OwnerContact]:
    """The current owners of these cars, one row per workshop that registered one."""
    rows = Ownership.objects.filter(vehicle_id__in=vehicle_ids, ended_on__isnull=True).values_list(
        "vehicle_id",
        "workshop_id",
        "customer_id",
        "customer__email",
        "customer__language",
        "customer__consent_reminders",
        "started_on",
    )
    return [OwnerContact(*row) for row in rows]


def current_owner(*, workshop: Workshop, vehicle: Vehicle) -> Customer | None:
    """The car's current owner as the workshop knows them, if it registered one."""
    ownership = (
        Ownership.objects.filter(workshop=workshop, vehicle=vehicle, ended_on__isnull=True)
        .select_related("customer")
        .first()
    )
    return ownership.customer if ownership else None


def current_ownership(*, vehicle_id: int, customer_id: int, workshop_id: int) -> Ownership | None:
    """The ownership of the car by the customer, as the workshop registered it, while it
    lasts; with the car (its type and network), the customer and the workshop."""
    return (
        Ownership.objects.select_related(
            "vehicle__vehicle_type", "vehicle__network", "customer", "workshop"
        )
        .filter(
            vehicle_id=vehicle_id,
            customer_id=customer_id,
            workshop_id=workshop_id,
            ended_on__isnull=True,
        )
        .first()
    )


def latest_mileage_reading(*, vehicle: Vehicle) -> MileageReading | None:
    """The car's latest reading (the highest of its latest day)."""
    return MileageReading.objects.filter(vehicle=vehicle).order_by("-read_on", "-km").first()


def has_flagged_reading(*, vehicle: Vehicle) -> bool:
    """Does a reading of the car lie below its history?"""
    return MileageReading.objects.filter(vehicle=vehicle, flagged=True).exists()


def highest_reading_km(*, vehicle: Vehicle, on_or_before: dt.date) -> int | None:
    """The highest plausible (not flagged) reading of the car up to a day."""
    highest: int | None = MileageReading.objects.filter(
        vehicle=vehicle, read_on__lte=on_or_before, flagged=False
    ).aggregate(m=Max("km"))["m"]
    return highest


def highest_km(*, vehicle: Vehicle) -> int | None:
    """The highest reading the car has, flagged ones included (what a new one is checked
    against)."""
    reading = MileageReading.objects.filter(vehicle=vehicle).order_by("-km").first()
    return reading.km if reading else None


def vehicle_get_by_id_for_user(*, user: Any, vehicle_id: int) -> Vehicle:
    """A car by id among those the user sees; 404 otherwise."""
    return get_for_user(Vehicle.objects.all(), user, None, pk=vehicle_id)


def current_ownerships() -> QuerySet[Ownership]:
    """Ownerships still running, with their cars (for a list of customers' cars)."""
    return Ownership.objects.filter(ended_on__isnull=True).select_related("vehicle")


def plausible_readings(*, vehicle_ids: list[int]) -> list[tuple[int, dt.date, int]]:
    """(car, day, km) of every plausible (not flagged) reading of these cars."""
    return list(
        MileageReading.objects.filter(vehicle_id__in=vehicle_ids, flagged=False).values_list(
            "vehicle_id", "read_on", "km"
        )
    )
