from datetime import date, datetime

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Field, FilterSchema, Query, Router, Schema, Status
from ninja.pagination import paginate

from servicelane.core.apiutils import ERRORS, Pagination, workshop_in_scope
from servicelane.core.permissions import Perm
from servicelane.core.schema_types import CodeText, SaneDate, ShortText
from servicelane.core.types import ApiRequest
from servicelane.customers.selectors import customer_get_for_user
from servicelane.vehicles.choices import Drive, FuelType, MileageSource
from servicelane.vehicles.models import Vehicle, VehicleType
from servicelane.vehicles.selectors import (
    vehicle_get_for_user,
    vehicle_list_for_user,
    vehicle_mileage_history,
    vehicle_type_list_for_user,
)
from servicelane.vehicles.services import (
    vehicle_record_mileage,
    vehicle_register,
    vehicle_update,
)

router = Router(tags=["vehicles"])
types_router = Router(tags=["vehicles"])


class VehicleTypeOut(Schema):
    id: int
    series: str
    model_code: str
    model_name: str
    engine: str
    fuel_type: FuelType
    drive: Drive


class OwnerOut(Schema):
    customer_id: int
    name: str = Field(..., alias="customer.display_name")
    since: date = Field(..., alias="started_on")


class VehicleOut(Schema):
    vin: str
    manufacturer: str
    vin_check_digit_ok: bool
    plate: str
    vehicle_type: VehicleTypeOut | None
    first_registration: date | None
    teleservice: bool
    warranty_until: date | None
    current_owners: list[OwnerOut] = Field(
        [], alias="current_ownerships", description="Owners as your workshop(s) know them"
    )
    created_at: datetime
    updated_at: datetime


class VehicleIn(Schema):
    vin: str = Field(..., max_length=40)
    workshop: CodeText | None = Field(
        None, description="Workshop code; needed only if you work in several."
    )
    plate: str = Field("", max_length=20)
    vehicle_type_id: int | None = None
    first_registration: SaneDate | None = None
    teleservice: bool = False
    warranty_until: SaneDate | None = Field(None, description="Last day of the new-car warranty")
    owner_id: int | None = Field(None, description="Customer id of the owner")
    km: int | None = Field(None, ge=0, description="Current mileage, recorded as a reading")


class VehiclePatch(Schema):
    plate: str | None = Field(None, max_length=20)
    vehicle_type_id: int | None = None
    first_registration: SaneDate | None = None
    teleservice: bool | None = None
    warranty_until: SaneDate | None = Field(None, description="Last day of the new-car warranty")
    owner_id: int | None = Field(None, description="Customer id of the new owner")


class MileageIn(Schema):
    km: int
    read_on: SaneDate | None = Field(None, description="Defaults to today")
    source: MileageSource = MileageSource.MANUAL


class MileageOut(Schema):
    id: int
    km: int
    read_on: date
    source: MileageSource
    flagged: bool
    workshop: CodeText | None = Field(None, alias="workshop.code")
    created_at: datetime


class VehicleFilters(FilterSchema):
    q: ShortText | None = Field(None, description="VIN, last digits of the VIN, plate or model")
    fuel_type: FuelType | None = None
    series: CodeText | None = None
    teleservice: bool | None = None


def _vehicle_type(request: ApiRequest, type_id: int | None) -> VehicleType | None:
    if type_id is None:
        return None
    found = vehicle_type_list_for_user(user=request.user).filter(pk=type_id).first()
    if found is None:
        raise ValidationError({"vehicle_type_id": [_("Unknown vehicle type.")]})
    return found


def _reload(request: ApiRequest, vin: str) -> Vehicle:
    return vehicle_get_for_user(user=request.user, vin=vin)


@types_router.get("", response={200: list[VehicleTypeOut], **ERRORS})
def list_vehicle_types(request: ApiRequest) -> object:
    """The network's vehicle types, to choose from when registering a car."""
    return vehicle_type_list_for_user(user=request.user)


@router.get("", response={200: list[VehicleOut], **ERRORS})
@paginate(Pagination)
def list_vehicles(request: ApiRequest, filters: Query[VehicleFilters]) -> object:
    return vehicle_list_for_user(user=request.user, filters=filters.model_dump(exclude_none=True))


@router.post("", response={201: VehicleOut, 200: VehicleOut, **ERRORS})
def create_vehicle(request: ApiRequest, payload: VehicleIn) -> Status:
    """Register a vehicle. A VIN already known in the network is linked (200), not duplicated."""
    workshop = workshop_in_scope(request, Perm.VEHICLE_CHANGE, payload.workshop)
    owner = (
        customer_get_for_user(user=request.user, customer_id=payload.owner_id)
        if payload.owner_id is not None
        else None
    )
    vehicle, created = vehicle_register(
        actor=request.user,
        workshop=workshop,
        vin=payload.vin,
        owner=owner,
        km=payload.km,
        plate=payload.plate,
        vehicle_type=_vehicle_type(request, payload.vehicle_type_id),
        first_registration=payload.first_registration,
        teleservice=payload.teleservice,
        warranty_until=payload.warranty_until,
    )
    return Status(201 if created else 200, _reload(request, vehicle.vin))


@router.get("/{vin}", response={200: VehicleOut, **ERRORS})
def get_vehicle(request: ApiRequest, vin: str) -> Vehicle:
    return vehicle_get_for_user(user=request.user, vin=vin)


@router.patch("/{vin}", response={200: VehicleOut, **ERRORS})
def update_vehicle(request: ApiRequest, vin: str, payload: VehiclePatch) -> Vehicle:
    """Change the fields given. ``owner_id`` hands the car to another customer."""
    vehicle = vehicle_get_for_user(user=request.user, vin=vin)
    data = payload.model_dump(exclude_unset=True)
    owner_id = data.pop("owner_id", None)
    if "vehicle_type_id" in data:
        data["vehicle_type"] = _vehicle_type(request, data.pop("vehicle_type_id"))
    if "plate" in data and data["plate"] is None:
        data["plate"] = ""
    if data.get("teleservice", True) is None:
        data.pop("teleservice")
    if owner_id is not None:
        data["owner"] = customer_get_for_user(user=request.user, customer_id=owner_id)
    vehicle = vehicle_update(actor=request.user, vehicle=vehicle, **data)
    return _reload(request, vehicle.vin)


@router.get("/{vin}/mileage", response={200: list[MileageOut], **ERRORS})
def list_mileage(request: ApiRequest, vin: str) -> object:
    vehicle = vehicle_get_for_user(user=request.user, vin=vin)
    return vehicle_mileage_history(vehicle=vehicle)


@router.post("/{vin}/mileage", response={201: MileageOut, **ERRORS})
def record_mileage(request: ApiRequest, vin: str, payload: MileageIn) -> Status:
    """Record a reading; one below an earlier reading is kept and returned flagged."""
    vehicle = vehicle_get_for_user(user=request.user, vin=vin)
    reading = vehicle_record_mileage(
        actor=request.user,
        vehicle=vehicle,
        km=payload.km,
        read_on=payload.read_on or timezone.localdate(),
        source=payload.source,
    )
    return Status(201, reading)
