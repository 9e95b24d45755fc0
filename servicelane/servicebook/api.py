"""The service book API: read a car's book by VIN, write, correct and dispute entries,
read what falls due, the network's maintenance items, and the network staff's review
queue.

Every workshop of the network reads every car (another network's car is 404); writes
go through the same services as the screens, so the same rules answer 400 or 403.
"""

from typing import Any

from django.core.exceptions import PermissionDenied
from django.db.models import Prefetch
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Query, Router, Status
from ninja.pagination import paginate

from servicelane.core.apiutils import ERRORS, Pagination, workshop_in_scope
from servicelane.core.permissions import Perm
from servicelane.core.tenancy import access_for
from servicelane.core.types import ApiRequest
from servicelane.servicebook import selectors, services
from servicelane.servicebook.choices import EntryKind, ReviewStatus
from servicelane.servicebook.models import (
    EntryReview,
    MaintenanceInterval,
    MaintenanceItem,
    ServiceEntry,
)
from servicelane.servicebook.schemas import (
    BookOut,
    CorrectionIn,
    DueOut,
    EntryIn,
    EntryOut,
    MaintenanceItemOut,
    ServiceBookDecisionIn,
    ServiceBookDisputeIn,
    ServiceBookEntryDetailOut,
    ServiceBookReviewOut,
)
from servicelane.vehicles.models import Vehicle

router = Router(tags=["service book"])
items_router = Router(tags=["service book"])


def _entry_out(entry: ServiceEntry, items: dict[str, MaintenanceItem]) -> dict[str, Any]:
    return {
        "id": entry.pk,
        "kind": entry.kind,
        "date": entry.performed_on,
        "mileage": entry.mileage,
        "items": [
            {"code": code, "name": str(items[code].name) if code in items else code}
            for code in entry.items
        ],
        "description": entry.description,
        "workshop": {"code": entry.workshop.code, "name": entry.workshop.name},
        "source": entry.source,
        "flagged": entry.flagged,
        "transfer_status": entry.transfer_status,
        "corrected_from": entry.replaces_id,
        "review_state": entry.review_state,
    }


def _written(entry: ServiceEntry) -> dict[str, Any]:
    found = ServiceEntry.objects.select_related("workshop", "vehicle").get(pk=entry.pk)
    return _entry_out(found, selectors.item_catalogue(found.vehicle.network_id))


def _vehicle_out(vehicle: Vehicle, rollback: bool) -> dict[str, Any]:
    vehicle_type = vehicle.vehicle_type
    return {
        "vin": vehicle.vin,
        "manufacturer": vehicle.manufacturer,
        "vehicle_type": {
            "series": vehicle_type.series,
            "model_code": vehicle_type.model_code,
            "model_name": vehicle_type.model_name,
            "fuel_type": vehicle_type.fuel_type,
        }
        if vehicle_type
        else None,
        "first_registration": vehicle.first_registration,
        "teleservice": vehicle.teleservice,
        "warranty_until": vehicle.warranty_until,
        "rollback_suspected": rollback,
    }


# ---------------------------------------------------------------- the review queue
# Declared before "/{vin}", which would otherwise take "reviews" for a VIN.


@router.get("/reviews", response={200: list[ServiceBookReviewOut], **ERRORS})
@paginate(Pagination)
def list_reviews(request: ApiRequest, status: Query[ReviewStatus] = ReviewStatus.PENDING) -> object:
    """Network staff: the review queue of your network — pending items oldest first, or the
    accepted or rejected ones newest first. Workshop users get 403."""
    if not access_for(request.user).networks_with(Perm.SERVICE_BOOK_REVIEW):
        raise PermissionDenied(_("Your role does not allow this."))
    return selectors.review_queue(user=request.user, status=status)


@router.get("/reviews/{review_id}", response={200: ServiceBookReviewOut, **ERRORS})
def get_review(request: ApiRequest, review_id: int) -> EntryReview:
    """One review: for the network's staff, the workshop that raised it and the workshop
    whose entry it concerns."""
    return selectors.review_for_user(user=request.user, review_id=review_id)


@router.post("/reviews/{review_id}/accept", response={200: ServiceBookReviewOut, **ERRORS})
def accept_review(
    request: ApiRequest, review_id: int, payload: ServiceBookDecisionIn
) -> EntryReview:
    """Network staff accept: a lower mileage counts (roll-back suspected), a correction is
    written, a dispute is upheld (the entry is rejected; give the reason)."""
    review = selectors.review_for_user(user=request.user, review_id=review_id)
    services.entry_review_accept(actor=request.user, review=review, reason=payload.reason)
    return selectors.review_for_user(user=request.user, review_id=review_id)


@router.post("/reviews/{review_id}/reject", response={200: ServiceBookReviewOut, **ERRORS})
def reject_review(
    request: ApiRequest, review_id: int, payload: ServiceBookDecisionIn
) -> EntryReview:
    """Network staff reject, with the reason: the entry leaves the car's history, the
    correction is not written, or the dispute is dismissed."""
    review = selectors.review_for_user(user=request.user, review_id=review_id)
    services.entry_review_reject(actor=request.user, review=review, reason=payload.reason)
    return selectors.review_for_user(user=request.user, review_id=review_id)


# ---------------------------------------------------------------- the book


@router.get("/{vin}", response={200: BookOut, **ERRORS})
def get_service_book(request: ApiRequest, vin: str) -> dict[str, Any]:
    """The car's service history and repair history, whichever workshop did the work."""
    vehicle = selectors.service_book_vehicle(user=request.user, vin=vin)
    items = selectors.item_catalogue(vehicle.network_id)
    entries = list(selectors.entries_of(vehicle, user=request.user))
    return {
        "vehicle": _vehicle_out(vehicle, selectors.rollback_suspected(vehicle)),
        "service": [_entry_out(e, items) for e in entries if e.kind == EntryKind.SERVICE],
        "repair": [_entry_out(e, items) for e in entries if e.kind == EntryKind.REPAIR],
    }


@router.post("/{vin}/entries", response={201: EntryOut, **ERRORS})
def create_entry(request: ApiRequest, vin: str, payload: EntryIn) -> Status:
    """A new entry written by your workshop. A mileage lower than the history is refused
    unless ``confirm_lower_mileage``; then it is kept with ``flagged: true``."""
    vehicle = selectors.service_book_vehicle(user=request.user, vin=vin)
    workshop = workshop_in_scope(request, Perm.SERVICE_BOOK_WRITE, payload.workshop)
    entry = services.service_entry_create(
        actor=request.user,
        workshop=workshop,
        vehicle=vehicle,
        kind=payload.kind,
        performed_on=payload.performed_on,
        mileage=payload.mileage,
        items=payload.items,
        description=payload.description,
        transfer_to_car=payload.transfer_to_car,
        confirm_lower_mileage=payload.confirm_lower_mileage,
    )
    return Status(201, _written(entry))


@router.get("/entries/{entry_id}", response={200: ServiceBookEntryDetailOut, **ERRORS})
def get_entry(request: ApiRequest, entry_id: int) -> dict[str, Any]:
    """One entry, where it stands with the network's review, and the reviews you may read.
    Another workshop's entry awaiting review or rejected is 404."""
    entry = selectors.entry_for_user(user=request.user, entry_id=entry_id)
    return {
        **_written(entry),
        "reviews": selectors.reviews_of_entry(user=request.user, entry=entry),
    }


@router.post(
    "/entries/{entry_id}/correction",
    response={201: EntryOut, 202: ServiceBookReviewOut, **ERRORS},
)
def correct_entry(request: ApiRequest, entry_id: int, payload: CorrectionIn) -> Status:
    """Correct an entry of your workshop within ``SERVICE_BOOK_CORRECTION_DAYS`` (7) of
    writing it: a new entry replaces it, the original is kept (201). A new date or
    mileage goes to the network's review instead (202, the review): the correction is
    written once accepted."""
    entry = selectors.entry_for_user(user=request.user, entry_id=entry_id)
    correction = services.service_entry_correct(
        actor=request.user,
        entry=entry,
        reason=payload.reason,
        performed_on=payload.performed_on,
        mileage=payload.mileage,
        items=payload.items,
        description=payload.description,
        transfer_to_car=payload.transfer_to_car,
        confirm_lower_mileage=payload.confirm_lower_mileage,
    )
    if isinstance(correction, EntryReview):
        return Status(202, selectors.review_for_user(user=request.user, review_id=correction.pk))
    return Status(201, _written(correction))


@router.post("/entries/{entry_id}/dispute", response={201: ServiceBookReviewOut, **ERRORS})
def dispute_entry(request: ApiRequest, entry_id: int, payload: ServiceBookDisputeIn) -> Status:
    """Dispute another workshop's entry, with the reason: it goes to the network staff's
    review queue; the entry counts until they uphold the dispute."""
    entry = selectors.entry_for_user(user=request.user, entry_id=entry_id)
    workshop = workshop_in_scope(request, Perm.SERVICE_BOOK_WRITE, payload.workshop)
    review = services.service_entry_dispute(
        actor=request.user, workshop=workshop, entry=entry, reason=payload.reason
    )
    return Status(201, selectors.review_for_user(user=request.user, review_id=review.pk))


@router.get("/{vin}/due", response={200: DueOut, **ERRORS})
def due_items(request: ApiRequest, vin: str) -> dict[str, Any]:
    """Each maintenance item the car needs: due date and km, and the day it is expected."""
    vehicle = selectors.service_book_vehicle(user=request.user, vin=vin)
    items = selectors.item_catalogue(vehicle.network_id)
    due, rate = selectors.vehicle_prediction(vehicle, today=timezone.localdate())
    return {
        "vin": vehicle.vin,
        "km_per_day": round(rate, 1),
        "items": [
            {
                "code": d.code,
                "name": str(items[d.code].name) if d.code in items else d.code,
                "due_date": d.due_date,
                "due_km": d.due_km,
                "expected_on": d.expected_on,
                "basis": d.basis,
                "status": d.status,
                "last_service": {"date": d.last_service.day, "km": d.last_service.km}
                if d.last_service
                else None,
            }
            for d in due
        ],
    }


@items_router.get("", response={200: list[MaintenanceItemOut], **ERRORS})
def list_maintenance_items(request: ApiRequest) -> list[dict[str, Any]]:
    """The network's maintenance items with their intervals (months and/or km, whichever
    comes first) and each vehicle type's own."""
    rows = (
        MaintenanceItem.objects.filter(
            network_id__in=selectors.service_book_networks(request.user), active=True
        )
        .prefetch_related(
            Prefetch(
                "intervals",
                queryset=MaintenanceInterval.objects.select_related("vehicle_type").order_by(
                    "vehicle_type__model_code"
                ),
            )
        )
        .order_by("network_id", "position", "code")
    )
    return [
        {
            "code": item.code,
            "name": str(item.name),
            "name_en": item.name_en,
            "name_de": item.name_de,
            "name_zh_hans": item.name_zh_hans,
            "interval_months": item.interval_months,
            "interval_km": item.interval_km,
            "position": item.position,
            "vehicle_types": [
                {
                    "vehicle_type_id": row.vehicle_type_id,
                    "model_code": row.vehicle_type.model_code,
                    "applies": row.applies,
                    "interval_months": row.interval_months
                    if row.interval_months is not None
                    else item.interval_months,
                    "interval_km": row.interval_km
                    if row.interval_km is not None
                    else item.interval_km,
                }
                for row in item.intervals.all()
            ],
        }
        for item in rows
    ]
