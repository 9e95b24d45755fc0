"""What the service book API reads and writes: schemas only, no rules.

Maintenance items appear by code with their name in the request's language. No
owner, plate or repair-order number leaves here: every workshop of the network
reads every car's book, so it carries no customer data.
"""

import datetime as dt

from ninja import Field, Schema

from servicelane.servicebook.choices import DueBasis, DueStatus, EntrySource, TransferStatus


class WorkshopRef(Schema):
    code: str
    name: str


class ItemRef(Schema):
    code: str
    name: str


class VehicleTypeRef(Schema):
    series: str
    model_code: str
    model_name: str
    fuel_type: str


class VehicleSummary(Schema):
    vin: str
    manufacturer: str
    vehicle_type: VehicleTypeRef | None
    first_registration: dt.date | None
    teleservice: bool
    warranty_until: dt.date | None
    rollback_suspected: bool = Field(
        description="An entry or reading lower than the history was confirmed"
    )


class EntryOut(Schema):
    id: int
    kind: str = Field(description="service or repair")
    date: dt.date
    mileage: int
    items: list[ItemRef]
    description: str
    workshop: WorkshopRef = Field(description="The workshop that wrote the entry")
    source: EntrySource
    flagged: bool = Field(
        description="Mileage lower than an earlier entry, kept after confirmation"
    )
    transfer_status: TransferStatus = Field(description='"" when no transfer was requested')
    corrected_from: int | None = Field(description="Id of the entry this one corrects")


class BookOut(Schema):
    vehicle: VehicleSummary
    service: list[EntryOut]
    repair: list[EntryOut]


class EntryIn(Schema):
    kind: str = Field(description="service or repair")
    performed_on: dt.date
    mileage: int
    items: list[str] = Field([], description="Codes of maintenance items (service entries)")
    description: str = Field("", max_length=4000)
    transfer_to_car: bool = Field(False, description="Service entries of teleservice cars only")
    confirm_lower_mileage: bool = Field(
        False, description="Keep a mileage lower than the history; the entry is flagged"
    )
    workshop: str | None = Field(
        None, description="Workshop code; needed only if you work in several."
    )


class CorrectionIn(Schema):
    reason: str = Field(..., max_length=300)
    performed_on: dt.date
    mileage: int
    items: list[str] = []
    description: str = Field("", max_length=4000)
    transfer_to_car: bool = False
    confirm_lower_mileage: bool = False


class LastService(Schema):
    date: dt.date
    km: int


class DueItemOut(Schema):
    code: str
    name: str
    due_date: dt.date | None
    due_km: int | None
    expected_on: dt.date = Field(
        description="The earlier of the due date and the day the car reaches the due km"
    )
    basis: DueBasis
    status: DueStatus
    last_service: LastService | None


class DueOut(Schema):
    vin: str
    km_per_day: float = Field(description="The car's driving, from its mileage history")
    items: list[DueItemOut]


class IntervalOut(Schema):
    vehicle_type_id: int
    model_code: str
    applies: bool
    interval_months: int | None
    interval_km: int | None


class MaintenanceItemOut(Schema):
    code: str
    name: str
    name_en: str
    name_de: str
    name_zh_hans: str
    interval_months: int | None
    interval_km: int | None
    position: int
    vehicle_types: list[IntervalOut] = Field(
        description="Vehicle types with their own interval, or that do not need the item"
    )
