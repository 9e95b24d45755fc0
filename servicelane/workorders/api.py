"""The repair order API: every step of the order, through the same services as the screens.

Handlers parse, look the order or job up for the user (another workshop's is 404), call
a service and answer with a schema; the services hold the rules and the permissions.
"""

from typing import Any

from django.core.exceptions import ValidationError
from django.db.models import Q
from django.http import Http404, HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from ninja import Form, Query, Router, Status
from ninja.pagination import paginate

from servicelane.appointments.selectors import appointment_get_for_user
from servicelane.core.apiutils import ERRORS, Pagination, workshop_in_scope
from servicelane.core.dates import local_if_naive
from servicelane.core.models import User
from servicelane.core.money import round_money
from servicelane.core.permissions import Perm
from servicelane.core.schema_types import SHORT_TEXT, CodeText, ShortText
from servicelane.core.selectors import workshop_technicians
from servicelane.core.tenancy import access_for, get_for_user
from servicelane.core.uploads import PHOTO, Upload
from servicelane.customers.selectors import customer_get_for_user
from servicelane.store import services as store
from servicelane.store.availability import LineAvailability
from servicelane.supply.availability import part_lines_availability
from servicelane.vehicles.models import Vehicle
from servicelane.vehicles.selectors import vehicle_get_by_id_for_user, vehicle_get_for_user
from servicelane.workorders.choices import ChecklistKind
from servicelane.workorders.documents import estimate_pdf
from servicelane.workorders.estimate.services import (
    estimate_send,
    job_add,
    job_line_add,
    job_line_remove,
    job_remove,
)
from servicelane.workorders.handover.services import repair_order_cancel, repair_order_hand_over
from servicelane.workorders.inspection.services import inspection_record
from servicelane.workorders.links import estimate_url
from servicelane.workorders.models import (
    ChecklistTemplate,
    Job,
    LabourOperation,
    RepairOrder,
)
from servicelane.workorders.part_lines.selectors import catalogue_part_lines, jobs_with_parts_state
from servicelane.workorders.pricing import labour_price
from servicelane.workorders.quality.services import quality_check_record
from servicelane.workorders.reception.selectors import deferred_jobs_of
from servicelane.workorders.reception.services import (
    photo_add,
    repair_order_check_in,
    repair_order_import_cbs,
    repair_order_update_reception,
)
from servicelane.workorders.schemas import (
    AssignIn,
    CbsDocumentIn,
    CbsItemOut,
    CheckInIn,
    ChecklistOut,
    DeferredJobOut,
    EstimateIn,
    EstimateSentOut,
    HandoverIn,
    HandoverOut,
    InspectionIn,
    InspectionOut,
    JobIn,
    JobOut,
    LabourOperationOut,
    LineIn,
    MyJobOut,
    PartLineStateOut,
    PartReturnIn,
    PauseIn,
    PhotoOut,
    QualityCheckIn,
    QualityCheckRecordedOut,
    ReceptionIn,
    ReceptionPatch,
    RepairOrderCancelIn,
    RepairOrderFilters,
    RepairOrderListOut,
    RepairOrderOut,
    WalkInIn,
)
from servicelane.workorders.selectors import (
    job_get_for_user,
    repair_order_get_for_user,
    repair_order_list_for_user,
)
from servicelane.workorders.work.selectors import jobs_for_technician
from servicelane.workorders.work.services import job_assign, job_clock_on, job_finish, job_pause

router = Router(tags=["repair orders"])
jobs_router = Router(tags=["repair orders"])
operations_router = Router(tags=["repair orders"])
checklists_router = Router(tags=["repair orders"])

# Text fields of the reception a PATCH may clear by sending null.
CLEARABLE = {"concerns", "parking_spot", "contact_email", "contact_phone"}


# ---------------------------------------------------------------- lookups


def _detail(request: HttpRequest, repair_order_id: int) -> RepairOrder:
    return repair_order_get_for_user(user=request.user, pk=repair_order_id)


def _order(request: HttpRequest, repair_order_id: int, *perms: Perm) -> RepairOrder:
    """The order if the user holds one of ``perms`` in its workshop, else 404. The service
    then checks the step's own permission and answers 403 with the reason."""
    queryset = RepairOrder.objects.select_related("workshop", "vehicle", "appointment")
    for perm in perms[:-1]:
        try:
            return get_for_user(queryset, request.user, perm, pk=repair_order_id)
        except Http404:
            continue
    return get_for_user(queryset, request.user, perms[-1], pk=repair_order_id)


def _job(request: HttpRequest, job_id: int, *perms: Perm) -> Job:
    """A job of an order the user reaches with one of ``perms``; 404 otherwise."""
    for perm in perms[:-1]:
        try:
            return job_get_for_user(user=request.user, pk=job_id, perm=perm)
        except Http404:
            continue
    return job_get_for_user(user=request.user, pk=job_id, perm=perms[-1])


def _job_out(job: Job) -> Job:
    """The job re-read with its lines, clock and technician, as the answer shows it."""
    return (
        Job.objects.select_related("technician", "estimate")
        .prefetch_related("lines", "clock_entries")
        .get(pk=job.pk)
    )


def _reception(payload: ReceptionIn) -> dict[str, Any]:
    return {
        "mileage": payload.mileage,
        "mileage_confirmed": payload.mileage_confirmed,
        "fuel_level": payload.fuel_level,
        "concerns": payload.concerns,
        "documents_seen": [str(d) for d in payload.documents_seen],
        "parking_spot": payload.parking_spot,
        "deferred_job_ids": payload.deferred_job_ids,
    }


def _vehicle(request: HttpRequest, vin: str | None, vehicle_id: int | None) -> Vehicle:
    field = "vin" if vin else "vehicle_id"
    try:
        if vin:
            return vehicle_get_for_user(user=request.user, vin=vin)
        if vehicle_id is not None:
            return vehicle_get_by_id_for_user(user=request.user, vehicle_id=vehicle_id)
    except Http404:
        raise ValidationError(
            {field: [_("Unknown vehicle: register the car first (POST /vehicles).")]}
        ) from None
    raise ValidationError({"vin": [_("Give the car's VIN or its id.")]})


# ---------------------------------------------------------------- orders


@router.get("", response={200: list[RepairOrderListOut], **ERRORS})
@paginate(Pagination)
def list_repair_orders(request: HttpRequest, filters: Query[RepairOrderFilters]) -> object:
    """Repair orders of your workshop(s), newest check-in first."""
    access_for(request.user).require(Perm.RO_VIEW)
    return repair_order_list_for_user(
        user=request.user, filters=filters.model_dump(exclude_none=True)
    )


@router.post("", response={201: RepairOrderOut, **ERRORS})
def create_walk_in(request: HttpRequest, payload: WalkInIn) -> Status:
    """Check in a customer's car without a booking."""
    workshop = workshop_in_scope(request, Perm.RO_RECEIVE, payload.workshop)
    try:
        customer = customer_get_for_user(user=request.user, customer_id=payload.customer_id)
    except Http404:
        raise ValidationError({"customer_id": [_("Unknown customer.")]}) from None
    repair_order = repair_order_check_in(
        actor=request.user,
        workshop=workshop,
        customer=customer,
        vehicle=_vehicle(request, payload.vin, payload.vehicle_id),
        **_reception(payload),
    )
    return Status(201, _detail(request, repair_order.pk))


@router.post("/check-in", response={201: RepairOrderOut, **ERRORS})
def check_in_appointment(request: HttpRequest, payload: CheckInIn) -> Status:
    """Check in a booked car: its services become approved jobs, an express or body & paint
    promise carries over when the customer came on time."""
    try:
        appointment = appointment_get_for_user(
            user=request.user, appointment_id=payload.appointment_id
        )
    except Http404:
        raise ValidationError({"appointment_id": [_("Unknown appointment.")]}) from None
    repair_order = repair_order_check_in(
        actor=request.user,
        appointment=appointment,
        vin=payload.vin,
        plate=payload.plate,
        **_reception(payload),
    )
    return Status(201, _detail(request, repair_order.pk))


@router.get("/deferred", response={200: list[DeferredJobOut], **ERRORS})
def deferred_before_check_in(
    request: HttpRequest, vin: CodeText, workshop: CodeText | None = None
) -> list[Job]:
    """Work the customer declined at earlier visits, to offer again at check-in."""
    found = workshop_in_scope(request, Perm.RO_RECEIVE, workshop)
    return deferred_jobs_of(_vehicle(request, vin, None), found)


@router.get("/{int:repair_order_id}", response={200: RepairOrderOut, **ERRORS})
def get_repair_order(request: HttpRequest, repair_order_id: int) -> RepairOrder:
    """Everything about one order: jobs with lines and totals, estimates, checks, the
    timeline."""
    return _detail(request, repair_order_id)


@router.patch("/{int:repair_order_id}/reception", response={200: RepairOrderOut, **ERRORS})
def update_reception(
    request: HttpRequest, repair_order_id: int, payload: ReceptionPatch
) -> RepairOrder:
    """Correct what was recorded at reception; only the fields given change."""
    repair_order = _order(request, repair_order_id, Perm.RO_VIEW)
    data = payload.model_dump(exclude_unset=True)
    confirmed = data.pop("mileage_confirmed", False)
    for name in CLEARABLE & set(data):
        if data[name] is None:
            data[name] = ""
    if "documents_seen" in data:
        data["documents_seen"] = [str(d) for d in data["documents_seen"] or []]
    if "estimated_completion_at" in data:
        data["estimated_completion_at"] = local_if_naive(
            data["estimated_completion_at"], repair_order.workshop.zone
        )
    repair_order_update_reception(
        actor=request.user, repair_order=repair_order, mileage_confirmed=confirmed, **data
    )
    return _detail(request, repair_order_id)


@router.post("/{int:repair_order_id}/cbs", response={201: list[CbsItemOut], **ERRORS})
def import_cbs(request: HttpRequest, repair_order_id: int, payload: CbsDocumentIn) -> Status:
    """Read the car's Condition Based Service data; it replaces what was read before."""
    repair_order = _order(request, repair_order_id, Perm.RO_VIEW)
    items = repair_order_import_cbs(
        actor=request.user, repair_order=repair_order, data=payload.model_dump()
    )
    return Status(201, items)


@router.post("/{int:repair_order_id}/photos", response={201: PhotoOut, **ERRORS})
def add_photo(
    request: HttpRequest,
    repair_order_id: int,
    image: Upload[PHOTO],
    caption: str = Form("", max_length=SHORT_TEXT),
    shared: Form[bool] = True,
) -> Status:
    """Upload a photo (multipart, field ``image``); it is stored resized, without metadata."""
    repair_order = _order(request, repair_order_id, Perm.RO_VIEW, Perm.INSPECTION_RECORD)
    photo = photo_add(
        actor=request.user,
        repair_order=repair_order,
        upload=image,
        caption=caption,
        shared=shared,
    )
    return Status(201, photo)


@router.post("/{int:repair_order_id}/inspections", response={201: InspectionOut, **ERRORS})
def record_inspection(request: HttpRequest, repair_order_id: int, payload: InspectionIn) -> Status:
    """Rate every point of a checklist; amber and red points become recommended jobs."""
    repair_order = _order(request, repair_order_id, Perm.RO_VIEW, Perm.INSPECTION_RECORD)
    template = ChecklistTemplate.objects.filter(
        pk=payload.template_id, network_id=repair_order.workshop.network_id
    ).first()
    if template is None:
        raise ValidationError({"template_id": [_("Unknown checklist.")]})
    results = {
        r.point_id: {"rating": str(r.rating), "note": r.note, "photo": r.photo_id}
        for r in payload.results
    }
    inspection = inspection_record(
        actor=request.user, repair_order=repair_order, template=template, results=results
    )
    return Status(201, inspection)


@router.post("/{int:repair_order_id}/jobs", response={201: JobOut, **ERRORS})
def add_job(request: HttpRequest, repair_order_id: int, payload: JobIn) -> Status:
    """Add work. During the repair it is found work: it goes out as a supplementary
    estimate before anyone may clock on it."""
    repair_order = _order(request, repair_order_id, Perm.RO_VIEW, Perm.JOB_REPORT)
    job = job_add(
        actor=request.user,
        repair_order=repair_order,
        title=payload.title,
        description=payload.description,
        operation_codes=payload.operation_codes,
        level=payload.level,
    )
    return Status(201, _job_out(job))


@router.post("/{int:repair_order_id}/estimates", response={201: EstimateSentOut, **ERRORS})
def send_estimate(request: HttpRequest, repair_order_id: int, payload: EstimateIn) -> Status:
    """Put every draft job to the customer: e-mail with the PDF and the approval link."""
    repair_order = _order(request, repair_order_id, Perm.RO_VIEW)
    estimate = estimate_send(
        actor=request.user,
        repair_order=repair_order,
        estimated_completion_at=local_if_naive(
            payload.estimated_completion_at, repair_order.workshop.zone
        ),
    )
    estimate.approval_url = estimate_url(estimate)
    return Status(201, estimate)


@router.get(
    "/{int:repair_order_id}/estimates/{int:sequence}/pdf",
    response={200: None, **ERRORS},
    url_name="repair_order_estimate_pdf",
    openapi_extra={
        "responses": {200: {"description": "The estimate", "content": {"application/pdf": {}}}}
    },
)
def estimate_as_pdf(request: HttpRequest, repair_order_id: int, sequence: int) -> HttpResponse:
    """The estimate as the customer received it, in the customer's language."""
    repair_order = _order(request, repair_order_id, Perm.RO_VIEW)
    estimate = (
        repair_order.estimates.select_related("repair_order__workshop", "repair_order__customer")
        .filter(sequence=sequence)
        .first()
    )
    if estimate is None:
        raise Http404
    response = HttpResponse(estimate_pdf(estimate), content_type="application/pdf")
    filename = f"{repair_order.number}-{estimate.sequence}.pdf"
    response["Content-Disposition"] = f'inline; filename="{filename}"'
    return response


@router.post(
    "/{int:repair_order_id}/quality-checks", response={201: QualityCheckRecordedOut, **ERRORS}
)
def record_quality_check(
    request: HttpRequest, repair_order_id: int, payload: QualityCheckIn
) -> Status:
    """One level of the three-level check, in order. A failure names the jobs to redo."""
    repair_order = _order(request, repair_order_id, Perm.RO_VIEW, Perm.QC_TECHNICIAN)
    check = quality_check_record(
        actor=request.user,
        repair_order=repair_order,
        level=payload.level,
        passed=payload.passed,
        answers=payload.answers,
        note=payload.note,
        rework_job_ids=payload.rework_job_ids,
    )
    return Status(201, check)


@router.post("/{int:repair_order_id}/handover", response={201: HandoverOut, **ERRORS})
def hand_over(request: HttpRequest, repair_order_id: int, payload: HandoverIn) -> Status:
    """Give the car back: checklist, the customer's typed signature, the mileage."""
    repair_order = _order(request, repair_order_id, Perm.RO_VIEW)
    handover = repair_order_hand_over(
        actor=request.user,
        repair_order=repair_order,
        signed_name=payload.signed_name,
        mileage_out=payload.mileage_out,
        answers=payload.answers,
    )
    return Status(201, handover)


@router.post("/{int:repair_order_id}/cancel", response={200: RepairOrderOut, **ERRORS})
def cancel(request: HttpRequest, repair_order_id: int, payload: RepairOrderCancelIn) -> RepairOrder:
    """Close an order before any work was clocked; say why."""
    repair_order = _order(request, repair_order_id, Perm.RO_VIEW)
    repair_order_cancel(actor=request.user, repair_order=repair_order, reason=payload.reason)
    return _detail(request, repair_order_id)


@router.get("/{int:repair_order_id}/deferred", response={200: list[DeferredJobOut], **ERRORS})
def deferred_jobs(request: HttpRequest, repair_order_id: int) -> list[Job]:
    """Work declined at earlier visits of this car, not done since."""
    repair_order = _order(request, repair_order_id, Perm.RO_VIEW)
    return [
        job
        for job in deferred_jobs_of(repair_order.vehicle, repair_order.workshop)
        if job.repair_order_id != repair_order.pk
    ]


# ---------------------------------------------------------------- jobs


# ---------------------------------------------------------------- parts


def _part_state(found: LineAvailability) -> dict[str, Any]:
    line = found.line
    return {
        "line_id": line.pk,
        "job_id": line.job_id,
        "part_number": line.part.number,
        "description": line.description,
        "quantity": line.quantity,
        "state": found.state,
        "state_label": found.label,
        "free_in_store": found.free,
        "bin_location": found.item.bin_location if found.item else "",
        "issued": found.issued,
        "reservation_id": found.reservation.pk if found.reservation else None,
        "arrival": found.arrival,
        "arrival_from": found.arrival_from,
        "on_order": found.on_order,
    }


def _part_lines_of(repair_order: RepairOrder, line_id: int | None = None) -> list[Any]:
    lines = [
        line for line in catalogue_part_lines(repair_order) if line_id is None or line.pk == line_id
    ]
    if line_id is not None and not lines:
        raise Http404
    return lines


def _states(repair_order: RepairOrder, lines: list[Any]) -> list[dict[str, Any]]:
    found = part_lines_availability(repair_order.workshop, lines)
    return [_part_state(found[line.pk]) for line in lines]


@router.get("/{int:repair_order_id}/parts", response={200: list[PartLineStateOut], **ERRORS})
def part_lines(request: HttpRequest, repair_order_id: int) -> list[dict[str, Any]]:
    """The order's catalogue part lines: reserved, issued, in store, waiting for goods
    (with the promised arrival) or to be ordered (with the arrival an urgent order
    placed now would have)."""
    repair_order = _detail(request, repair_order_id)
    return _states(repair_order, _part_lines_of(repair_order))


def _on_part_line(request: HttpRequest, repair_order_id: int, line_id: int, action: Any) -> Any:
    repair_order = _detail(request, repair_order_id)
    [line] = _part_lines_of(repair_order, line_id)
    action(line)
    return _states(_detail(request, repair_order_id), [line])[0]


@router.post(
    "/{int:repair_order_id}/part-lines/{int:line_id}/reserve",
    response={200: PartLineStateOut, **ERRORS},
)
def reserve_part(request: HttpRequest, repair_order_id: int, line_id: int) -> Any:
    """Keep the line's part: held when free in store, else waiting for the goods."""
    return _on_part_line(
        request,
        repair_order_id,
        line_id,
        lambda line: store.part_reserve(actor=request.user, job_line=line),
    )


@router.post(
    "/{int:repair_order_id}/part-lines/{int:line_id}/unreserve",
    response={200: PartLineStateOut, **ERRORS},
)
def unreserve_part(request: HttpRequest, repair_order_id: int, line_id: int) -> Any:
    return _on_part_line(
        request,
        repair_order_id,
        line_id,
        lambda line: store.line_reservation_cancel(actor=request.user, job_line=line),
    )


@router.post(
    "/{int:repair_order_id}/part-lines/{int:line_id}/issue",
    response={200: PartLineStateOut, **ERRORS},
)
def issue_part(request: HttpRequest, repair_order_id: int, line_id: int) -> Any:
    """Hand the part over the counter: out of the store's stock, onto the order."""
    return _on_part_line(
        request,
        repair_order_id,
        line_id,
        lambda line: store.part_issue(actor=request.user, job_line=line),
    )


@router.post(
    "/{int:repair_order_id}/part-lines/{int:line_id}/return",
    response={200: PartLineStateOut, **ERRORS},
)
def return_part(
    request: HttpRequest, repair_order_id: int, line_id: int, payload: PartReturnIn
) -> Any:
    return _on_part_line(
        request,
        repair_order_id,
        line_id,
        lambda line: store.part_return(
            actor=request.user, job_line=line, quantity=payload.quantity
        ),
    )


@jobs_router.get("/mine", response={200: list[MyJobOut], **ERRORS})
def my_jobs(request: HttpRequest) -> list[Job]:
    """The technician's tablet: my jobs, then approved jobs my level allows that nobody has
    taken; flat-rate time against the time clocked."""
    access_for(request.user).require(Perm.JOB_CLOCK)
    return jobs_with_parts_state(list(jobs_for_technician(user=request.user)))


@jobs_router.post("/{int:job_id}/lines", response={201: JobOut, **ERRORS})
def add_line(request: HttpRequest, job_id: int, payload: LineIn) -> Status:
    """Price a draft job: a labour line from an operation or a part line."""
    job = _job(request, job_id, Perm.RO_VIEW)
    job_line_add(
        actor=request.user,
        job=job,
        kind=payload.kind,
        operation_code=payload.operation_code,
        code=payload.code,
        description=payload.description,
        quantity=payload.quantity,
        unit_price=payload.unit_price,
        discount_percent=payload.discount_percent,
        discount_reason=payload.discount_reason,
    )
    return Status(201, _job_out(job))


@jobs_router.delete("/{int:job_id}/lines/{int:line_id}", response={204: None, **ERRORS})
def remove_line(request: HttpRequest, job_id: int, line_id: int) -> Status:
    job = _job(request, job_id, Perm.RO_VIEW)
    line = next((line for line in job.lines.all() if line.pk == line_id), None)
    if line is None:
        raise Http404
    job_line_remove(actor=request.user, line=line)
    return Status(204, None)


@jobs_router.delete("/{int:job_id}", response={204: None, **ERRORS})
def remove_job(request: HttpRequest, job_id: int) -> Status:
    """Drop a draft job the customer has not seen."""
    job_remove(actor=request.user, job=_job(request, job_id, Perm.RO_VIEW))
    return Status(204, None)


@jobs_router.post("/{int:job_id}/assign", response={200: JobOut, **ERRORS})
def assign(request: HttpRequest, job_id: int, payload: AssignIn) -> Job:
    """Give the job to a technician whose level is at least the job's (null: nobody)."""
    job = _job(request, job_id, Perm.JOB_ASSIGN, Perm.RO_VIEW)
    technician: User | None = None
    if payload.technician_id is not None:
        membership = next(
            (
                m
                for m in workshop_technicians(job.repair_order.workshop)
                if m.user_id == payload.technician_id
            ),
            None,
        )
        if membership is None:
            raise ValidationError({"technician_id": [_("Not a technician of this workshop.")]})
        technician = membership.user
    job_assign(actor=request.user, job=job, technician=technician)
    return _job_out(job)


@jobs_router.post("/{int:job_id}/clock-on", response={200: JobOut, **ERRORS})
def clock_on(request: HttpRequest, job_id: int) -> Job:
    """Start or resume work: one running job per technician."""
    job = _job(request, job_id, Perm.JOB_CLOCK, Perm.RO_VIEW)
    job_clock_on(actor=request.user, job=job)
    return _job_out(job)


@jobs_router.post("/{int:job_id}/pause", response={200: JobOut, **ERRORS})
def pause(request: HttpRequest, job_id: int, payload: PauseIn) -> Job:
    """Stop the clock without finishing; a pause needs a reason."""
    job = _job(request, job_id, Perm.JOB_CLOCK, Perm.RO_VIEW)
    job_pause(actor=request.user, job=job, reason=payload.reason)
    return _job_out(job)


@jobs_router.post("/{int:job_id}/finish", response={200: JobOut, **ERRORS})
def finish(request: HttpRequest, job_id: int) -> Job:
    """The job is done; when every agreed job is, the car goes to quality check."""
    job = _job(request, job_id, Perm.JOB_CLOCK, Perm.RO_VIEW)
    job_finish(actor=request.user, job=job)
    return _job_out(job)


# ---------------------------------------------------------------- catalogue


@operations_router.get("", response={200: list[LabourOperationOut], **ERRORS})
def list_labour_operations(
    request: HttpRequest, q: ShortText | None = None, workshop: CodeText | None = None
) -> list[dict[str, Any]]:
    """The network's labour operations at your workshop's price: the menu price where the
    network fixes one, else flat-rate units at the workshop's labour rate."""
    found = workshop_in_scope(request, Perm.JOB_REPORT, workshop)
    operations = LabourOperation.objects.filter(network_id=found.network_id, active=True)
    if q and q.strip():
        text = q.strip()
        operations = operations.filter(
            Q(code__icontains=text)
            | Q(name_en__icontains=text)
            | Q(name_de__icontains=text)
            | Q(name_zh_hans__icontains=text)
        )
    rows = []
    for operation in operations.order_by("code"):
        quantity, unit_price, menu = labour_price(operation, found)
        rows.append(
            {
                "id": operation.pk,
                "code": operation.code,
                "name": operation.name,
                "time_units": operation.time_units,
                "hours": operation.hours,
                "level": operation.level,
                "cbs_code": operation.cbs_code,
                "quantity": quantity,
                "unit_price": unit_price,
                "menu_price": menu,
                "price": round_money(quantity * unit_price),
                "currency": found.currency,
                "skills": list(operation.skills or []),
                "equipment": list(operation.equipment or []),
                "tools": list(operation.tools or []),
            }
        )
    return rows


@checklists_router.get("", response={200: list[ChecklistOut], **ERRORS})
def list_checklists(
    request: HttpRequest, kind: ChecklistKind | None = None, workshop: CodeText | None = None
) -> list[ChecklistTemplate]:
    """The network's checklists with their points: inspections, the three quality checks
    and the handover. Answers name the points by id."""
    found = workshop_in_scope(request, Perm.WORKSHOP_VIEW, workshop)
    templates = ChecklistTemplate.objects.filter(
        network_id=found.network_id, active=True
    ).prefetch_related("points")
    if kind:
        templates = templates.filter(kind=kind)
    return list(templates.order_by("kind", "name_en"))
