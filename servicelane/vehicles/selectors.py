from typing import Any

from django.core.exceptions import ValidationError
from django.db.models import Prefetch, QuerySet

from servicelane.core.errors import filter_errors
from servicelane.core.permissions import Perm
from servicelane.core.tenancy import access_for, get_for_user
from servicelane.vehicles.filters import VehicleFilter
from servicelane.vehicles.models import (
    MileageReading,
    Ownership,
    Vehicle,
    VehicleType,
    WorkshopVehicle,
)
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
