"""What the service book API reads and writes: schemas only, no rules.

Maintenance items appear by code with their name in the request's language. No
owner, plate or repair-order number leaves here: every workshop of the network
reads every car's book, so it carries no customer data.
"""

import datetime as dt
from typing import Any

from ninja import Field, Schema

from servicelane.core.schema_types import CodeText, SaneDate
from servicelane.servicebook.choices import (
    DueBasis,
    DueStatus,
    EntryReviewState,
    EntrySource,
    ReviewKind,
    ReviewStatus,
    TransferStatus,
)


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
    review_state: EntryReviewState = Field(
        description='"" when no review was needed; "pending" and "rejected" entries do not count '
        "in the history, the prediction or the roll-back suspicion (only their author "
        "workshop and the network's reviewers see them)"
    )


class BookOut(Schema):
    vehicle: VehicleSummary
    service: list[EntryOut]
    repair: list[EntryOut]


class EntryIn(Schema):
    kind: CodeText = Field(description="service or repair")
    performed_on: SaneDate
    mileage: int
    items: list[CodeText] = Field([], description="Codes of maintenance items (service entries)")
    description: str = Field("", max_length=4000)
    transfer_to_car: bool = Field(False, description="Service entries of teleservice cars only")
    confirm_lower_mileage: bool = Field(
        False, description="Keep a mileage lower than the history; the entry is flagged"
    )
    workshop: CodeText | None = Field(
        None, description="Workshop code; needed only if you work in several."
    )


class CorrectionIn(Schema):
    reason: str = Field(..., max_length=300)
    performed_on: SaneDate
    mileage: int
    items: list[CodeText] = []
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


class ServiceBookEntryRef(Schema):
    id: int
    vin: str
    kind: str = Field(description="service or repair")
    date: dt.date
    mileage: int
    workshop: WorkshopRef = Field(description="The workshop that wrote the entry")
    review_state: EntryReviewState


class ServiceBookProposal(Schema):
    """The values a correction would write, once accepted."""

    performed_on: dt.date
    mileage: int
    items: list[str]
    description: str


class ServiceBookReviewOut(Schema):
    id: int
    kind: ReviewKind = Field(
        description="lower_mileage: an entry below the history from a workshop that never "
        "registered the car; correction: a changed date or mileage; dispute: another "
        "workshop contests the entry"
    )
    status: ReviewStatus = Field(
        description="For a dispute: accepted = upheld, rejected = dismissed"
    )
    entry: ServiceBookEntryRef
    raised_by: WorkshopRef = Field(description="The workshop that raised the review")
    raised_at: dt.datetime
    reason: str = Field(description="The correction's or the dispute's reason")
    proposed: ServiceBookProposal | None = Field(description="A correction's new values")
    history_km: int | None = Field(
        description="The highest mileage of the car's history on the entry's date when raised"
    )
    correction_id: int | None = Field(
        description="The entry written when a correction was accepted"
    )
    decided_at: dt.datetime | None
    decision_reason: str

    @staticmethod
    def resolve_entry(review: Any) -> dict[str, Any]:
        entry = review.entry
        return {
            "id": entry.pk,
            "vin": entry.vehicle.vin,
            "kind": entry.kind,
            "date": entry.performed_on,
            "mileage": entry.mileage,
            "workshop": {"code": entry.workshop.code, "name": entry.workshop.name},
            "review_state": entry.review_state,
        }

    @staticmethod
    def resolve_raised_by(review: Any) -> dict[str, str]:
        return {"code": review.workshop.code, "name": review.workshop.name}

    @staticmethod
    def resolve_proposed(review: Any) -> dict[str, Any] | None:
        return review.proposed or None


class ServiceBookEntryDetailOut(EntryOut):
    reviews: list[ServiceBookReviewOut] = Field(
        description="The network's reviews of this entry that you may read"
    )


class ServiceBookDecisionIn(Schema):
    reason: str = Field("", max_length=300, description="Needed to reject and for disputes")


class ServiceBookDisputeIn(Schema):
    reason: str = Field(..., max_length=300)
    workshop: CodeText | None = Field(
        None, description="Workshop code; needed only if you work in several."
    )
