"""What the repair order API reads and writes: schemas only, no rules.

Money is a ``Decimal`` (a string in JSON), times are ISO 8601 in UTC. The customer's
personal data appear only for users whose role may see customers.
"""

import datetime as dt
from decimal import Decimal
from typing import Any

from django.urls import reverse
from ninja import Field, Schema

from servicelane.core.choices import QualificationLevel
from servicelane.core.permissions import Perm
from servicelane.core.schema_types import (
    CodeText,
    DbId,
    SaneDate,
    SaneDateTime,
    ShortText,
    UtcDateTime,
)
from servicelane.core.tenancy import access_for
from servicelane.store.schemas import Quantity
from servicelane.workorders.choices import (
    AGREED_JOB_STATUSES,
    CbsStatus,
    ChecklistKind,
    Document,
    EstimateStatus,
    EventKind,
    JobSource,
    JobStatus,
    LineKind,
    QCLevel,
    Rating,
    ROStatus,
)
from servicelane.workorders.handover.selectors import handover_blockers
from servicelane.workorders.models import (
    Estimate,
    Handover,
    Job,
    QualityCheck,
    RepairOrder,
    RepairOrderEvent,
)
from servicelane.workorders.part_lines.selectors import jobs_with_parts_state
from servicelane.workorders.pricing import totals
from servicelane.workorders.quality.selectors import qc_next_level, qc_passed_levels
from servicelane.workorders.work.selectors import job_time_summary


def _user(context: Any) -> Any:
    request = (context or {}).get("request")
    return getattr(request, "user", None)


def _sees_customers(context: Any, workshop_id: int) -> bool:
    return access_for(_user(context)).can(Perm.CUSTOMER_VIEW, workshop_id)


# ---------------------------------------------------------------- shared parts


class PersonOut(Schema):
    id: int
    name: str

    @staticmethod
    def resolve_name(obj: Any) -> str:
        return str(obj)


class VehicleBriefOut(Schema):
    id: int
    vin: str
    plate: str
    model: str

    @staticmethod
    def resolve_model(obj: Any) -> str:
        return obj.vehicle_type.model_name if obj.vehicle_type_id else ""


class CustomerBriefOut(Schema):
    id: int
    name: str
    email: str
    phone: str
    contact_email: str = Field(..., description="E-mail for this visit")
    contact_phone: str = Field(..., description="Phone for this visit")


class TotalsOut(Schema):
    net: Decimal
    vat: Decimal
    gross: Decimal
    currency: str


def _totals(jobs: list[Job], repair_order: RepairOrder) -> dict[str, Any]:
    return {
        **totals(jobs, repair_order.workshop),
        "currency": repair_order.workshop.currency,
    }


# ---------------------------------------------------------------- jobs


class LineOut(Schema):
    id: int
    kind: LineKind
    code: str = Field(..., description="Operation code (labour) or part number")
    description: str
    quantity: Decimal
    unit_price: Decimal
    time_units: int = Field(..., description="Flat-rate time units (12 make an hour)")
    menu_price: bool
    discount_percent: Decimal
    discount_reason: str
    net_amount: Decimal


def _parts_state(job: Job) -> Job:
    """The job with its waiting-for-parts state: set for a whole list by the endpoint
    (one query), read here for a single job otherwise."""
    if not hasattr(job, "waiting_for_parts"):
        jobs_with_parts_state([job])
    return job


class PartsWaitOut(Schema):
    """Whether a job waits for parts, and until when: as its page and the tablet show."""

    waiting_for_parts: bool = Field(
        False, description="A reservation of its parts still waits for goods"
    )
    parts_expected_at: UtcDateTime | None = Field(
        None,
        description="Latest promised arrival of the parts it waits for; null when not "
        "waiting, or while a part is not ordered yet or on back-order",
    )

    @staticmethod
    def resolve_waiting_for_parts(obj: Job) -> bool:
        return _parts_state(obj).waiting_for_parts

    @staticmethod
    def resolve_parts_expected_at(obj: Job) -> dt.datetime | None:
        return _parts_state(obj).parts_expected_at


class JobOut(PartsWaitOut):
    id: int
    repair_order_id: int
    position: int
    title: str
    description: str
    source: JobSource
    status: JobStatus
    status_label: str
    level: QualificationLevel = Field(..., description="Minimum qualification")
    technician: PersonOut | None
    promised: bool = Field(..., description="The package a booking's promise covers")
    rework_count: int
    estimate: int | None = Field(None, description="Sequence of the estimate it was put in")
    deferred_from_id: int | None
    decided_at: UtcDateTime | None
    done_at: UtcDateTime | None
    lines: list[LineOut]
    net_total: Decimal
    flat_rate_minutes: int
    clocked_minutes: int
    running: bool = Field(..., description="Someone is clocked on it now")

    @staticmethod
    def resolve_status_label(obj: Job) -> str:
        return str(obj.get_status_display())

    @staticmethod
    def resolve_estimate(obj: Job) -> int | None:
        return obj.estimate.sequence if obj.estimate_id else None

    @staticmethod
    def resolve_lines(obj: Job) -> list:
        return list(obj.lines.all())

    @staticmethod
    def resolve_net_total(obj: Job) -> Decimal:
        return obj.net_total()

    @staticmethod
    def resolve_flat_rate_minutes(obj: Job) -> int:
        return job_time_summary(obj)["flat_rate_minutes"]

    @staticmethod
    def resolve_clocked_minutes(obj: Job) -> int:
        return job_time_summary(obj)["clocked_minutes"]

    @staticmethod
    def resolve_running(obj: Job) -> bool:
        return any(entry.ended_at is None for entry in obj.clock_entries.all())


class BayLineOut(Schema):
    kind: LineKind
    code: str
    description: str
    quantity: Decimal
    time_units: int


class BayOrderOut(Schema):
    id: int
    number: str
    status: ROStatus
    parking_spot: str
    promised_at: UtcDateTime | None
    estimated_completion_at: UtcDateTime | None


class MyJobOut(PartsWaitOut):
    """A job on the technician's tablet: the car and the work, never the customer."""

    id: int
    position: int
    title: str
    description: str
    source: JobSource
    status: JobStatus
    level: QualificationLevel
    assigned_to_me: bool
    rework_count: int
    repair_order: BayOrderOut
    vehicle: VehicleBriefOut = Field(..., alias="repair_order.vehicle")
    lines: list[BayLineOut]
    running: bool
    flat_rate_minutes: int
    clocked_minutes: int
    difference_minutes: int = Field(..., description="Clocked minus flat-rate time")
    efficiency_percent: int | None = Field(..., description="Flat-rate time / clocked time")

    @staticmethod
    def resolve_assigned_to_me(obj: Job, context: Any) -> bool:
        user = _user(context)
        return obj.technician_id is not None and obj.technician_id == getattr(user, "pk", None)

    @staticmethod
    def resolve_lines(obj: Job) -> list:
        return list(obj.lines.all())

    @staticmethod
    def resolve_running(obj: Job, context: Any) -> bool:
        user_id = getattr(_user(context), "pk", None)
        return any(
            entry.ended_at is None and entry.technician_id == user_id
            for entry in obj.clock_entries.all()
        )

    @staticmethod
    def resolve_flat_rate_minutes(obj: Job) -> int:
        return job_time_summary(obj)["flat_rate_minutes"]

    @staticmethod
    def resolve_clocked_minutes(obj: Job) -> int:
        return job_time_summary(obj)["clocked_minutes"]

    @staticmethod
    def resolve_difference_minutes(obj: Job) -> int:
        return job_time_summary(obj)["difference_minutes"]

    @staticmethod
    def resolve_efficiency_percent(obj: Job) -> int | None:
        return job_time_summary(obj)["efficiency_percent"]


class DeferredJobOut(Schema):
    """Work the customer declined at an earlier visit, still waiting to be done."""

    id: int
    title: str
    description: str
    level: QualificationLevel
    declined_at: UtcDateTime | None = Field(..., alias="decided_at")
    repair_order_number: str = Field(..., alias="repair_order.number")
    checked_in_at: UtcDateTime = Field(..., alias="repair_order.checked_in_at")
    lines: list[LineOut]
    net_total: Decimal

    @staticmethod
    def resolve_lines(obj: Job) -> list:
        return list(obj.lines.all())

    @staticmethod
    def resolve_net_total(obj: Job) -> Decimal:
        return obj.net_total()


# ---------------------------------------------------------------- reception, inspection


class CbsItemOut(Schema):
    code: str
    description: str
    due_date: dt.date | None
    due_km: int | None
    status: CbsStatus
    read_at: UtcDateTime


class PhotoOut(Schema):
    id: int
    caption: str
    shared: bool = Field(..., description="Shown on the customer's progress page")
    width: int
    height: int
    taken_by: PersonOut | None
    taken_at: UtcDateTime


class InspectionResultOut(Schema):
    point_id: int
    point: str
    rating: Rating
    note: str
    photo_id: int | None

    @staticmethod
    def resolve_point(obj: Any) -> str:
        return obj.point.text


class InspectionOut(Schema):
    id: int
    template_id: int
    checklist: str
    kind: ChecklistKind = Field(..., alias="template.kind")
    performed_by: PersonOut | None
    performed_at: UtcDateTime
    results: list[InspectionResultOut]

    @staticmethod
    def resolve_checklist(obj: Any) -> str:
        return obj.template.name

    @staticmethod
    def resolve_results(obj: Any) -> list:
        return list(obj.results.all())


class ChecklistPointOut(Schema):
    id: int
    position: int
    text: str
    operation_code: str = Field(..., description="Operation proposed for an amber or red rating")


class ChecklistOut(Schema):
    id: int
    kind: ChecklistKind
    name: str
    service_type_code: str
    points: list[ChecklistPointOut]

    @staticmethod
    def resolve_points(obj: Any) -> list:
        return list(obj.points.all())


class LabourOperationOut(Schema):
    id: int
    code: str
    name: str
    time_units: int = Field(..., description="Flat-rate time units (12 make an hour)")
    hours: Decimal
    level: QualificationLevel = Field(..., description="Minimum qualification")
    cbs_code: str
    quantity: Decimal = Field(..., description="Quantity of the labour line it makes")
    unit_price: Decimal = Field(..., description="Net, in the workshop's currency")
    menu_price: bool = Field(..., description="The network's fixed price applies")
    price: Decimal = Field(..., description="Net price of the line: quantity × unit price")
    currency: str
    skills: list[str] = Field(..., description="Skills the work needs: high_voltage, body, ...")
    equipment: list[str] = Field(..., description="Bay equipment: lift, alignment_rig, ...")
    tools: list[str] = Field(..., description="Special tools it needs, by tool number")


# ---------------------------------------------------------------- estimate, QC, handover


class EstimateOut(Schema):
    id: int
    sequence: int
    supplementary: bool
    status: EstimateStatus
    expired: bool
    sent_by: PersonOut | None
    sent_at: UtcDateTime
    expires_at: UtcDateTime
    net_total: Decimal
    gross_total: Decimal
    answered_at: UtcDateTime | None
    signed_name: str
    pdf: str = Field(..., description="Where to download the estimate as PDF")

    @staticmethod
    def resolve_expired(obj: Estimate) -> bool:
        return obj.is_expired

    @staticmethod
    def resolve_pdf(obj: Estimate) -> str:
        return reverse(
            "api:repair_order_estimate_pdf",
            kwargs={"repair_order_id": obj.repair_order_id, "sequence": obj.sequence},
        )


class EstimateSentOut(EstimateOut):
    approval_url: str = Field(
        ..., description="The customer's signed link to approve or decline each job"
    )


class QualityCheckOut(Schema):
    id: int
    level: QCLevel
    passed: bool
    round: int = Field(..., description="A failed check starts a new round of three levels")
    answers: dict[str, bool]
    note: str
    rework_job_ids: list[int]
    checked_by: PersonOut
    checked_at: UtcDateTime

    @staticmethod
    def resolve_rework_job_ids(obj: QualityCheck) -> list[int]:
        return sorted(job.pk for job in obj.rework_jobs.all())


class QualityCheckRecordedOut(QualityCheckOut):
    repair_order_status: ROStatus = Field(..., alias="repair_order.status")
    next_level: QCLevel | None

    @staticmethod
    def resolve_next_level(obj: QualityCheck) -> int | None:
        if obj.repair_order.status != ROStatus.QUALITY_CHECK:
            return None
        return qc_next_level(obj.repair_order)


class QualityCheckStateOut(Schema):
    passed_levels: list[QCLevel] = Field(..., description="Levels passed in the current round")
    next_level: QCLevel | None
    checks: list[QualityCheckOut]


class HandoverOut(Schema):
    signed_name: str
    mileage_out: int
    delivered_at: UtcDateTime
    handed_over_by: PersonOut
    answers: dict[str, bool]
    service_items: list[str] = Field(..., description="Maintenance items performed")
    work_done: list[dict[str, Any]]


class EventOut(Schema):
    kind: EventKind
    label: str
    at: UtcDateTime
    actor: PersonOut | None
    data: dict[str, Any]

    @staticmethod
    def resolve_label(obj: RepairOrderEvent) -> str:
        return str(obj.get_kind_display())


# ---------------------------------------------------------------- the order


class RepairOrderListOut(Schema):
    id: int
    number: str
    workshop: str = Field(..., alias="workshop.code")
    status: ROStatus
    status_label: str
    vehicle: VehicleBriefOut
    customer: CustomerBriefOut | None = Field(
        None, description="Only for roles that may see customer data"
    )
    advisor: PersonOut | None
    mileage: int
    parking_spot: str
    checked_in_at: UtcDateTime
    promised_at: UtcDateTime | None
    promise_broken: bool
    estimated_completion_at: UtcDateTime | None
    ready_at: UtcDateTime | None
    delivered_at: UtcDateTime | None

    @staticmethod
    def resolve_status_label(obj: RepairOrder) -> str:
        return str(obj.get_status_display())

    @staticmethod
    def resolve_customer(obj: RepairOrder, context: Any) -> dict[str, Any] | None:
        if not _sees_customers(context, obj.workshop_id):
            return None
        customer = obj.customer
        return {
            "id": customer.pk,
            "name": customer.display_name,
            "email": customer.email,
            "phone": customer.phone,
            "contact_email": obj.contact_email,
            "contact_phone": obj.contact_phone,
        }


class RepairOrderOut(RepairOrderListOut):
    appointment_id: int | None
    appointment_reference: str | None
    fuel_level: int | None = Field(..., description="0 empty … 4 full")
    concerns: str = Field(..., description="The customer's words")
    documents_seen: list[str]
    language: str
    promise_hours: int | None
    jobs: list[JobOut]
    totals: TotalsOut = Field(..., description="Work the customer agreed to")
    pending_totals: TotalsOut = Field(..., description="Work not yet approved (draft, sent)")
    estimates: list[EstimateOut]
    quality_check: QualityCheckStateOut
    cbs_items: list[CbsItemOut]
    photos: list[PhotoOut]
    inspections: list[InspectionOut]
    events: list[EventOut] = Field(..., description="The timeline, oldest first")
    handover: HandoverOut | None
    handover_blockers: list[str] = Field(..., description="Why it cannot be handed over yet")

    @staticmethod
    def resolve_appointment_reference(obj: RepairOrder) -> str | None:
        return obj.appointment.reference if obj.appointment_id else None

    @staticmethod
    def resolve_jobs(obj: RepairOrder) -> list[Job]:
        return jobs_with_parts_state(list(obj.jobs.all()))

    @staticmethod
    def resolve_totals(obj: RepairOrder) -> dict[str, Any]:
        return _totals([j for j in obj.jobs.all() if j.status in AGREED_JOB_STATUSES], obj)

    @staticmethod
    def resolve_pending_totals(obj: RepairOrder) -> dict[str, Any]:
        waiting = (JobStatus.DRAFT, JobStatus.PENDING)
        return _totals([j for j in obj.jobs.all() if j.status in waiting], obj)

    @staticmethod
    def resolve_estimates(obj: RepairOrder) -> list:
        return list(obj.estimates.all())

    @staticmethod
    def resolve_quality_check(obj: RepairOrder) -> dict[str, Any]:
        passed = qc_passed_levels(obj)
        return {
            "passed_levels": sorted(passed),
            "next_level": (qc_next_level(obj) if obj.status == ROStatus.QUALITY_CHECK else None),
            "checks": list(obj.quality_checks.all()),
        }

    @staticmethod
    def resolve_cbs_items(obj: RepairOrder) -> list:
        return list(obj.cbs_items.all())

    @staticmethod
    def resolve_photos(obj: RepairOrder) -> list:
        return list(obj.photos.all())

    @staticmethod
    def resolve_inspections(obj: RepairOrder) -> list:
        return list(obj.inspections.all())

    @staticmethod
    def resolve_events(obj: RepairOrder) -> list:
        return list(obj.events.all())

    @staticmethod
    def resolve_handover(obj: RepairOrder) -> Handover | None:
        try:
            return obj.handover
        except Handover.DoesNotExist:
            return None

    @staticmethod
    def resolve_handover_blockers(obj: RepairOrder) -> list[str]:
        if not obj.is_open:
            return []
        return [str(reason) for reason in handover_blockers(obj)]


# ---------------------------------------------------------------- input


class ReceptionIn(Schema):
    mileage: int = Field(..., description="Odometer reading in km")
    mileage_confirmed: bool = Field(
        False, description="Keep a reading lower than the car's history (flagged)"
    )
    fuel_level: int | None = Field(None, description="0 empty, 1 ¼, 2 ½, 3 ¾, 4 full")
    concerns: str = Field("", max_length=5000, description="The customer's words, verbatim")
    documents_seen: list[Document] = []
    parking_spot: str = Field("", max_length=20)
    deferred_job_ids: list[int] = Field(
        [], description="Declined jobs of earlier visits to take up again"
    )


class WalkInIn(ReceptionIn):
    workshop: CodeText | None = Field(
        None, description="Workshop code; needed if you work in several"
    )
    customer_id: int
    vin: str | None = Field(None, max_length=40, description="The car's VIN, or give vehicle_id")
    vehicle_id: int | None = None


class CheckInIn(ReceptionIn):
    appointment_id: int
    vin: str = Field(
        "",
        max_length=40,
        description="For a booking from the public page: the car's VIN as checked at the "
        "counter, if it differs from the one typed (the car is confirmed with the check-in)",
    )
    plate: str = Field("", max_length=20, description="Likewise the number plate")


class ReceptionPatch(Schema):
    mileage: int | None = None
    mileage_confirmed: bool = False
    fuel_level: int | None = None
    concerns: str | None = Field(None, max_length=5000)
    documents_seen: list[Document] | None = None
    parking_spot: str | None = Field(None, max_length=20)
    estimated_completion_at: SaneDateTime | None = None
    contact_email: str | None = Field(None, max_length=254)
    contact_phone: str | None = Field(None, max_length=20)


class CbsDocumentIn(Schema):
    """As a key reader or the car delivers it (docs/cbs.md)."""

    vin: CodeText | None = None
    read_at: CodeText | None = None
    mileage: int | None = None
    items: list[Any] = Field(
        ...,
        description="Each: code, description, due_date and/or due_km, status "
        "(ok, due_soon, overdue; derived when missing)",
    )


class InspectionResultIn(Schema):
    point_id: int
    rating: Rating
    note: str = Field("", max_length=300)
    photo_id: int | None = Field(None, description="A photo of this order")


class InspectionIn(Schema):
    template_id: int = Field(..., description="A checklist from GET /checklists")
    results: list[InspectionResultIn]


class JobIn(Schema):
    title: str = Field(..., max_length=200)
    description: str = Field("", max_length=5000)
    operation_codes: list[CodeText] = Field([], description="Labour operations to price it with")
    level: QualificationLevel | None = Field(None, description="Minimum qualification")


class LineIn(Schema):
    kind: LineKind
    operation_code: str = Field("", max_length=20, description="Labour: the operation")
    code: str = Field("", max_length=40, description="Part: the part number")
    description: str = Field("", max_length=200, description="Part: what it is")
    quantity: Decimal = Field(Decimal("1"), le=Decimal("9999"), description="Part: how many")
    unit_price: Decimal | None = Field(
        None, le=Decimal("999999"), description="Part: net price of one"
    )
    discount_percent: Decimal = Decimal("0")
    discount_reason: str = Field("", max_length=200, description="Needed with a discount")


class AssignIn(Schema):
    technician_id: int | None = Field(..., description="null takes the job back")


class PauseIn(Schema):
    reason: str = Field(..., max_length=200)


class EstimateIn(Schema):
    estimated_completion_at: SaneDateTime | None = None


class QualityCheckIn(Schema):
    level: QCLevel = Field(..., description="1 technician, 2 foreman, 3 advisor")
    passed: bool
    answers: dict[CodeText, bool] = Field({}, description="Checklist point id → ticked")
    note: str = Field("", max_length=2000)
    rework_job_ids: list[int] = Field([], description="A failed check: the jobs to redo")


class HandoverIn(Schema):
    signed_name: str = Field(..., max_length=200, description="The customer's typed name")
    mileage_out: int
    answers: dict[CodeText, bool] = Field({}, description="Handover checklist point id → ticked")


class RepairOrderCancelIn(Schema):
    reason: str = Field("", max_length=500)


class RepairOrderFilters(Schema):
    q: ShortText | None = Field(None, description="Number, plate, VIN (or its end), customer name")
    status: list[ROStatus] | None = None
    open: bool | None = Field(None, description="Still in the workshop")
    advisor: DbId | None = Field(None, description="Advisor's user id")
    checked_in_from: SaneDate | None = None
    checked_in_to: SaneDate | None = None
    promise_broken: bool | None = None


class PartLineStateOut(Schema):
    """A catalogue part line as the store sees it."""

    line_id: int
    job_id: int
    part_number: str
    description: str
    quantity: Decimal
    state: str = Field(
        ..., description="issued, held (reserved), waiting (for goods), in_store or to_order"
    )
    state_label: str
    free_in_store: Decimal
    bin_location: str
    issued: Decimal
    reservation_id: int | None
    arrival: UtcDateTime | None = Field(
        None, description="Promised arrival of the order bringing it, or the estimate"
    )
    arrival_from: str = Field("", description="The distribution centre")
    on_order: bool = Field(..., description="The arrival is an order's promise")


class PartReturnIn(Schema):
    quantity: Quantity = Field(..., description="How many come back to the store")
