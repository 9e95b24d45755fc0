import datetime as dt

from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from ninja import Field, NinjaAPI, Query, Router, Schema, Status
from ninja.pagination import paginate

from servicelane.appointments import selectors
from servicelane.appointments.choices import AppointmentStatus, Channel, LaneKind
from servicelane.appointments.models import Appointment, ServiceType
from servicelane.appointments.services import (
    BookingParty,
    SlotUnavailable,
    appointment_book,
    appointment_cancel,
    appointment_mark_arrived,
    appointment_mark_no_show,
    appointment_reschedule,
)
from servicelane.core.apiutils import ERRORS, ErrorOut, Pagination, workshop_in_scope
from servicelane.core.models import User, Workshop
from servicelane.core.permissions import Perm
from servicelane.core.schema_types import CodeText, DbId, SaneDate, SaneDateTime, ShortText
from servicelane.core.selectors import workshop_advisors
from servicelane.core.types import ApiRequest
from servicelane.customers.selectors import customer_get_for_user

router = Router(tags=["appointments"])
availability_router = Router(tags=["appointments"])
service_types_router = Router(tags=["appointments"])


class ServiceTypeOut(Schema):
    id: int
    code: str
    name: str
    lane: LaneKind = Field(..., alias="lane.kind")
    duration_minutes: int
    promise_hours: int | None
    min_days_ahead: int


class SlotOut(Schema):
    starts_at: dt.datetime
    ends_at: dt.datetime
    lane: LaneKind = Field(..., alias="lane.kind")


class AvailabilityOut(Schema):
    workshop: str
    lane: LaneKind
    duration_minutes: int
    promise_hours: int | None
    slots: list[SlotOut]


class ConflictOut(ErrorOut):
    alternatives: list[SlotOut] = []


class AppointmentOut(Schema):
    id: int
    reference: str
    workshop: str = Field(..., alias="workshop.code")
    status: AppointmentStatus
    channel: Channel
    lane: LaneKind = Field(..., alias="lane.kind")
    starts_at: dt.datetime
    ends_at: dt.datetime
    promise_hours: int | None
    promised_at: dt.datetime | None
    service_types: list[ServiceTypeOut]
    customer_id: int
    customer_name: str = Field(..., alias="customer.display_name")
    vin: str = Field(
        ..., alias="car_vin", description="The confirmed car's VIN; until then the one typed"
    )
    plate: str = Field(
        ..., alias="car_plate", description="The confirmed car's plate; until then the one typed"
    )
    vehicle_confirmed: bool = Field(
        ..., description="False for a public booking until the advisor confirms the car"
    )
    entered_vin: str
    entered_plate: str
    entered_model: str
    entered_mileage: int | None
    advisor_id: int | None
    parking_spot: str
    notes: str
    language: str
    contact_email: str
    created_at: dt.datetime

    @staticmethod
    def resolve_service_types(obj: Appointment) -> list[ServiceType]:
        return list(obj.service_types.all())


class AppointmentIn(Schema):
    workshop: CodeText | None = Field(
        None, description="Workshop code; needed if you work in several."
    )
    service_types: list[DbId | CodeText] = Field(..., description="Service type ids or codes")
    starts_at: SaneDateTime = Field(
        ..., description="A free start time; without offset it is the workshop's local time."
    )
    customer_id: int | None = Field(None, description="An existing customer of the workshop")
    last_name: str = Field("", max_length=100)
    first_name: str = Field("", max_length=100)
    email: str = Field("", max_length=254)
    phone: str = Field("", max_length=40)
    language: str = Field("", max_length=10)
    consent_reminders: bool = False
    vin: str = Field("", max_length=40)
    plate: str = Field("", max_length=20)
    advisor_id: int | None = None
    parking_spot: str = Field("", max_length=20)
    notes: str = Field("", max_length=2000)


class RescheduleIn(Schema):
    starts_at: SaneDateTime
    service_types: list[DbId | CodeText] | None = None


class CancelIn(Schema):
    reason: str = Field("", max_length=500)


class AvailabilityQuery(Schema):
    service_types: ShortText = Field(..., description="Ids or codes, comma-separated")
    date_from: SaneDate
    date_to: SaneDate
    workshop: CodeText | None = Field(None, description="Workshop code")


class AppointmentFilters(Schema):
    workshop: CodeText | None = Field(None, description="Workshop code (network staff)")
    date_from: SaneDate | None = None
    date_to: SaneDate | None = None
    lane: LaneKind | None = None
    status: AppointmentStatus | None = None


def _advisor(workshop: Workshop, advisor_id: int | None) -> User | None:
    if advisor_id is None:
        return None
    advisor = workshop_advisors(workshop).filter(pk=advisor_id).first()
    if advisor is None:
        raise ValidationError({"advisor_id": [_("Choose a service advisor of this workshop.")]})
    return advisor


def _get(request: ApiRequest, appointment_id: int) -> Appointment:
    return selectors.appointment_get_for_user(user=request.user, appointment_id=appointment_id)


def install(api: NinjaAPI) -> None:
    """A full slot answers 409 with the next free start times."""

    @api.exception_handler(SlotUnavailable)
    def on_slot_taken(request: HttpRequest, exc: SlotUnavailable) -> HttpResponse:
        alternatives = [SlotOut.from_orm(s).model_dump(mode="json") for s in exc.alternatives]
        return api.create_response(
            request,
            {"detail": str(exc), "errors": {"starts_at": [str(exc)]}, "alternatives": alternatives},
            status=409,
        )


@service_types_router.get("", response={200: list[ServiceTypeOut], **ERRORS})
def list_service_types(request: ApiRequest, workshop: CodeText | None = None) -> object:
    """What can be booked in a workshop, with durations, lanes and promises."""
    found = workshop_in_scope(request, Perm.APPOINTMENT_VIEW, workshop)
    return list(selectors.bookable_service_types(found))


@availability_router.get("", response={200: AvailabilityOut, **ERRORS})
def get_availability(request: ApiRequest, query: Query[AvailabilityQuery]) -> dict[str, object]:
    """Free start times for these services: never past, closed or full."""
    found = workshop_in_scope(request, Perm.APPOINTMENT_VIEW, query.workshop)
    ids = selectors.service_type_ids(found, query.service_types)
    plan = selectors.booking_plan(found, ids)
    slots = selectors.availability(
        workshop=found, plan=plan, date_from=query.date_from, date_to=query.date_to
    )
    return {
        "workshop": found.code,
        "lane": plan.lane.kind,
        "duration_minutes": plan.duration_minutes,
        "promise_hours": plan.promise_hours,
        "slots": slots,
    }


@router.get("", response={200: list[AppointmentOut], **ERRORS})
@paginate(Pagination)
def list_appointments(request: ApiRequest, filters: Query[AppointmentFilters]) -> object:
    data = filters.model_dump(exclude_none=True)
    code = data.pop("workshop", None)
    workshop = workshop_in_scope(request, Perm.APPOINTMENT_VIEW, code) if code else None
    return selectors.appointment_list_for_user(user=request.user, filters=data, workshop=workshop)


@router.post("", response={201: AppointmentOut, 409: ConflictOut, **ERRORS})
def create_appointment(request: ApiRequest, payload: AppointmentIn) -> Status:
    """Book. A time taken meanwhile answers 409 with the next free start times."""
    workshop = workshop_in_scope(request, Perm.APPOINTMENT_BOOK, payload.workshop)
    customer = (
        customer_get_for_user(user=request.user, customer_id=payload.customer_id)
        if payload.customer_id is not None
        else None
    )
    party = BookingParty(
        last_name=payload.last_name,
        first_name=payload.first_name,
        email=payload.email,
        phone=payload.phone,
        language=payload.language,
        consent_reminders=payload.consent_reminders,
        vin=payload.vin,
        plate=payload.plate,
    )
    appointment = appointment_book(
        actor=request.user,
        workshop=workshop,
        channel=Channel.API,
        service_type_ids=selectors.service_type_ids(workshop, payload.service_types),
        starts_at=payload.starts_at,
        party=party,
        customer=customer,
        advisor=_advisor(workshop, payload.advisor_id),
        parking_spot=payload.parking_spot,
        notes=payload.notes,
    )
    return Status(201, _get(request, appointment.pk))


@router.get("/{appointment_id}", response={200: AppointmentOut, **ERRORS})
def get_appointment(request: ApiRequest, appointment_id: int) -> Appointment:
    return _get(request, appointment_id)


@router.post(
    "/{appointment_id}/reschedule", response={200: AppointmentOut, 409: ConflictOut, **ERRORS}
)
def reschedule_appointment(
    request: ApiRequest, appointment_id: int, payload: RescheduleIn
) -> Appointment:
    """Move to another free start time (and optionally other services)."""
    appointment = _get(request, appointment_id)
    ids = (
        selectors.service_type_ids(appointment.workshop, payload.service_types)
        if payload.service_types is not None
        else None
    )
    appointment_reschedule(
        actor=request.user,
        appointment=appointment,
        starts_at=payload.starts_at,
        service_type_ids=ids,
    )
    return _get(request, appointment_id)


@router.post("/{appointment_id}/cancel", response={200: AppointmentOut, **ERRORS})
def cancel_appointment(request: ApiRequest, appointment_id: int, payload: CancelIn) -> Appointment:
    appointment_cancel(
        actor=request.user, appointment=_get(request, appointment_id), reason=payload.reason
    )
    return _get(request, appointment_id)


@router.post("/{appointment_id}/arrived", response={200: AppointmentOut, **ERRORS})
def mark_arrived(request: ApiRequest, appointment_id: int) -> Appointment:
    appointment_mark_arrived(actor=request.user, appointment=_get(request, appointment_id))
    return _get(request, appointment_id)


@router.post("/{appointment_id}/no-show", response={200: AppointmentOut, **ERRORS})
def mark_no_show(request: ApiRequest, appointment_id: int) -> Appointment:
    appointment_mark_no_show(actor=request.user, appointment=_get(request, appointment_id))
    return _get(request, appointment_id)
