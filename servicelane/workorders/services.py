"""Every write to a repair order goes through these functions: both front doors call them."""

import datetime as dt
from collections.abc import Iterable, Mapping
from decimal import Decimal, InvalidOperation
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import formats, timezone, translation
from django.utils.translation import gettext as _

from servicelane.appointments.choices import AppointmentStatus
from servicelane.appointments.models import Appointment
from servicelane.appointments.services import appointment_confirm_vehicle, appointment_mark_arrived
from servicelane.core.audit import audit_record, diff, snapshot
from servicelane.core.choices import QualificationLevel, WorkshopRole
from servicelane.core.events import record_event
from servicelane.core.models import Membership, User, Workshop
from servicelane.core.money import ZERO, percent_of
from servicelane.core.permissions import Perm
from servicelane.core.sequences import next_number
from servicelane.core.tenancy import access_for
from servicelane.customers.models import Customer
from servicelane.followup.services import survey_open
from servicelane.parts.selectors import catalogue_part, list_price
from servicelane.servicebook.services import entries_from_handover
from servicelane.store import services as store
from servicelane.vehicles.choices import MileageSource
from servicelane.vehicles.models import MileageReading, Vehicle
from servicelane.vehicles.services import vehicle_record_mileage
from servicelane.workorders import cbs, photos
from servicelane.workorders.choices import (
    AGREED_JOB_STATUSES,
    INSPECTION_KINDS,
    QC_CHECKLIST,
    TRANSITIONS,
    ChecklistKind,
    Document,
    EstimateStatus,
    EventKind,
    FuelLevel,
    JobSource,
    JobStatus,
    LineKind,
    QCLevel,
    Rating,
    ROStatus,
)
from servicelane.workorders.models import (
    TIME_UNITS_PER_HOUR,
    ChecklistTemplate,
    ClockEntry,
    Estimate,
    Handover,
    Inspection,
    InspectionResult,
    Job,
    JobLine,
    LabourOperation,
    Photo,
    QualityCheck,
    RepairOrder,
    RepairOrderEvent,
)

QC_PERMS = {
    QCLevel.TECHNICIAN: Perm.QC_TECHNICIAN,
    QCLevel.FOREMAN: Perm.QC_FOREMAN,
    QCLevel.ADVISOR: Perm.QC_ADVISOR,
}

MAX_QUANTITY = Decimal("9999")
MAX_UNIT_PRICE = Decimal("999999")

RECEPTION_FIELDS = [
    "mileage",
    "fuel_level",
    "concerns",
    "documents_seen",
    "parking_spot",
    "estimated_completion_at",
    "contact_email",
    "contact_phone",
]


# ---------------------------------------------------------------- helpers


def _require(actor: User | None, perm: Perm, workshop_id: int) -> None:
    access_for(actor).require(perm, workshop_id)


def _event(
    repair_order: RepairOrder, kind: str, actor: User | None, **data: Any
) -> RepairOrderEvent:
    return record_event(RepairOrderEvent, subject=repair_order, kind=kind, actor=actor, **data)


def _move(repair_order: RepairOrder, to: str, actor: User | None, **data: Any) -> None:
    """Change the order's status if the state machine allows it; say why not otherwise."""
    if to == repair_order.status:
        return
    if to not in TRANSITIONS[repair_order.status]:
        raise ValidationError(
            _("A repair order that is “%(current)s” cannot become “%(next)s”.")
            % {
                "current": ROStatus(repair_order.status).label,
                "next": ROStatus(to).label,
            }
        )
    before = repair_order.status
    repair_order.status = to
    repair_order.save(update_fields=["status"])
    _event(repair_order, EventKind.STATUS, actor, **{"from": before, "to": to}, **data)
    audit_record(
        actor=actor,
        action="status_changed",
        target=repair_order,
        workshop_id=repair_order.workshop_id,
        changes={"status": [before, to]},
    )


def _locked(repair_order: RepairOrder) -> RepairOrder:
    """The order re-read under a row lock: concurrent steps on one order queue up."""
    return (
        RepairOrder.objects.select_for_update().select_related("workshop").get(pk=repair_order.pk)
    )


def _refuse_if_closed(repair_order: RepairOrder) -> None:
    if not repair_order.is_open:
        raise ValidationError(
            _("This repair order is %(status)s; it can no longer be changed.")
            % {"status": ROStatus(repair_order.status).label.lower()}
        )


def _local(moment: dt.datetime, workshop: Workshop) -> str:
    return formats.date_format(timezone.localtime(moment, workshop.zone), "DATETIME_FORMAT")


def _ids(values: Iterable[Any], field: str, message: str) -> set[int]:
    """Record ids as a form or a program sent them; anything but whole numbers is refused
    with ``message``, never a server error."""
    try:
        return {int(v) for v in values}
    except (TypeError, ValueError):
        raise ValidationError({field: [message]}) from None


def _highest_mileage(vehicle: Vehicle) -> int | None:
    reading = MileageReading.objects.filter(vehicle=vehicle).order_by("-km").first()
    return reading.km if reading else None


def _record_mileage(
    *, actor: User, vehicle: Vehicle, workshop: Workshop, km: int, source: str, now: dt.datetime
) -> None:
    """The reading dated by the workshop's calendar. The vehicle service refuses dates after
    today in the active time zone, which is UTC in an API call or a task: an early morning
    check-in in Beijing would be a reading "in the future"."""
    with timezone.override(workshop.zone):
        vehicle_record_mileage(
            actor=actor, vehicle=vehicle, km=km, read_on=timezone.localdate(now), source=source
        )


def _check_mileage(vehicle: Vehicle, km: Any, confirmed: bool) -> int:
    """A reading lower than the car's history is refused unless the advisor confirms it."""
    try:
        km = int(km)
    except (TypeError, ValueError):
        raise ValidationError({"mileage": [_("Enter the mileage in whole kilometres.")]}) from None
    if km < 0 or km > 2_000_000:
        raise ValidationError({"mileage": [_("Enter a mileage between 0 and 2,000,000 km.")]})
    highest = _highest_mileage(vehicle)
    if highest is not None and km < highest and not confirmed:
        raise ValidationError(
            {
                "mileage": [
                    _(
                        "The car's history shows %(km)s km already. Check the odometer; "
                        "if it really reads less, confirm the reading and it is kept, flagged."
                    )
                    % {"km": f"{highest:,}"}
                ]
            }
        )
    return km


def _check_choices(fuel_level: Any, documents: Iterable[str]) -> tuple[int | None, list[str]]:
    errors: dict[str, list[str]] = {}
    if fuel_level in ("", None):
        fuel = None
    else:
        try:
            fuel = int(fuel_level)
        except (TypeError, ValueError):
            fuel = -1
        if fuel not in FuelLevel.values:
            errors["fuel_level"] = [_("Choose a fuel level.")]
    docs = list(dict.fromkeys(documents or []))
    unknown = [d for d in docs if d not in Document.values]
    if unknown:
        errors["documents_seen"] = [
            _("Unknown document: %(codes)s.") % {"codes": ", ".join(unknown)}
        ]
    if errors:
        raise ValidationError(errors)
    return fuel, docs


def _operations(network_id: int, codes: Iterable[str]) -> list[LabourOperation]:
    codes = [c.strip().upper() for c in codes if c and c.strip()]
    found = {
        op.code: op
        for op in LabourOperation.objects.filter(network_id=network_id, code__in=codes, active=True)
    }
    missing = [c for c in codes if c not in found]
    if missing:
        raise ValidationError(
            {
                "operation_code": [
                    _("Unknown labour operation: %(codes)s.") % {"codes": ", ".join(missing)}
                ]
            }
        )
    return [found[c] for c in codes]


def labour_price(operation: LabourOperation, workshop: Workshop) -> tuple[Decimal, Decimal, bool]:
    """(quantity, unit price, menu?) of a labour line: the network's menu price where one
    exists in the workshop's currency, else flat-rate units at the workshop's rate."""
    # Read through .all() so a list of operations priced at once can prefetch the menu
    # prices (one per currency) instead of one query per operation.
    menu = next((m for m in operation.menu_prices.all() if m.currency == workshop.currency), None)
    if menu is not None:
        return Decimal("1"), menu.price, True
    unit_price = (workshop.labour_rate / TIME_UNITS_PER_HOUR).quantize(Decimal("0.0001"))
    return Decimal(operation.time_units), unit_price, False


def _add_labour_line(job: Job, operation: LabourOperation) -> JobLine:
    quantity, unit_price, menu = labour_price(operation, job.repair_order.workshop)
    if operation.level > job.level:
        job.level = operation.level
        job.save(update_fields=["level"])
    return JobLine.objects.create(
        job=job,
        kind=LineKind.LABOUR,
        operation=operation,
        code=operation.code,
        description=operation.name_en,
        quantity=quantity,
        unit_price=unit_price,
        time_units=operation.time_units,
        menu_price=menu,
    )


def _next_position(repair_order: RepairOrder) -> int:
    last = repair_order.jobs.order_by("-position").values_list("position", flat=True).first()
    return (last or 0) + 1


def _new_job(
    repair_order: RepairOrder,
    *,
    title: str,
    source: str,
    status: str = JobStatus.DRAFT,
    description: str = "",
    operations: Iterable[LabourOperation] = (),
    promised: bool = False,
    deferred_from: Job | None = None,
) -> Job:
    job = Job.objects.create(
        repair_order=repair_order,
        position=_next_position(repair_order),
        title=title[:200],
        description=description,
        source=source,
        status=status,
        promised=promised,
        deferred_from=deferred_from,
        # The lines' operations raise it to what the work needs.
        level=QualificationLevel.INDUCTION,
        decided_at=timezone.now() if status == JobStatus.APPROVED else None,
    )
    for operation in operations:
        _add_labour_line(job, operation)
    return job


def _editable_job(job: Job) -> None:
    if job.status not in (JobStatus.DRAFT,):
        raise ValidationError(
            _("Job %(n)s is %(status)s: only draft jobs can be changed.")
            % {"n": job.position, "status": JobStatus(job.status).label.lower()}
        )


# ---------------------------------------------------------------- reception


def deferred_jobs_of(vehicle: Vehicle, workshop: Workshop) -> list[Job]:
    """Work a customer declined at earlier visits to this workshop and not done since."""
    return list(
        Job.objects.filter(
            repair_order__vehicle=vehicle,
            repair_order__workshop=workshop,
            status=JobStatus.DECLINED,
            taken_up_by__isnull=True,
        )
        .select_related("repair_order")
        .prefetch_related("lines")
        .order_by("-repair_order__checked_in_at", "position")
    )


@transaction.atomic
def repair_order_check_in(
    *,
    actor: User,
    mileage: Any,
    appointment: Appointment | None = None,
    workshop: Workshop | None = None,
    customer: Customer | None = None,
    vehicle: Vehicle | None = None,
    mileage_confirmed: bool = False,
    fuel_level: Any = None,
    concerns: str = "",
    documents_seen: Iterable[str] = (),
    parking_spot: str = "",
    deferred_job_ids: Iterable[int] = (),
    vin: str = "",
    plate: str = "",
    now: dt.datetime | None = None,
) -> RepairOrder:
    """Open a repair order for a booked car (its services become approved jobs, its promise
    carries over if the customer is on time) or for a walk-in customer's car.

    A booking whose car is not confirmed yet (made on the public page) has it confirmed
    here: the advisor has compared the car with what was typed (``vin``/``plate`` correct
    it), and only now is it linked to the workshop, given its owner and its mileage.
    The mileage is checked against the car's history; the customer's concerns are kept as
    typed; declined work from earlier visits can be taken up again.
    """
    now = now or timezone.now()
    if appointment is not None:
        appointment = (
            Appointment.objects.select_for_update(of=("self",))
            .select_related("workshop", "customer", "vehicle")
            .get(pk=appointment.pk)
        )
        workshop, customer, vehicle = (
            appointment.workshop,
            appointment.customer,
            appointment.vehicle,
        )
        if RepairOrder.objects.filter(appointment=appointment).exists():
            raise ValidationError(_("This appointment is already checked in."))
        if appointment.status not in (
            AppointmentStatus.BOOKED,
            AppointmentStatus.ARRIVED,
            AppointmentStatus.NO_SHOW,
        ):
            raise ValidationError(_("A cancelled appointment cannot be checked in."))
        if vehicle is None:
            _require(actor, Perm.RO_RECEIVE, workshop.pk)
            vehicle = appointment_confirm_vehicle(
                actor=actor, appointment=appointment, vin=vin, plate=plate
            ).vehicle
    if workshop is None or customer is None or vehicle is None:
        raise ValidationError(_("Choose the customer and the car."))
    _require(actor, Perm.RO_RECEIVE, workshop.pk)
    if customer.workshop_id != workshop.pk:
        raise ValidationError({"customer": [_("Unknown customer.")]})
    if not vehicle.workshop_links.filter(workshop=workshop).exists():
        raise ValidationError({"vehicle": [_("Unknown vehicle.")]})
    km = _check_mileage(vehicle, mileage, mileage_confirmed)
    fuel, docs = _check_choices(fuel_level, documents_seen)

    promise_hours, promised_at = None, None
    if appointment is not None and appointment.promised_at:
        grace = dt.timedelta(minutes=settings.PROMISE_GRACE_MINUTES)
        if now <= appointment.starts_at + grace:
            promise_hours, promised_at = appointment.promise_hours, appointment.promised_at
    # Numbered per workshop and local year: 1 January in Beijing is still 31 December in UTC.
    local_now = timezone.localtime(now, workshop.zone)
    number = next_number(workshop=workshop, key=f"ro-{local_now.year}")
    repair_order = RepairOrder.objects.create(
        workshop=workshop,
        number=f"{workshop.code}-R{local_now:%y}-{number:05d}",
        appointment=appointment,
        customer=customer,
        vehicle=vehicle,
        advisor=(appointment.advisor if appointment and appointment.advisor else actor),
        mileage=km,
        fuel_level=fuel,
        concerns=(concerns or (appointment.notes if appointment else "")).strip(),
        documents_seen=docs,
        parking_spot=(parking_spot or (appointment.parking_spot if appointment else "")).strip(),
        language=(appointment.language if appointment else customer.language)
        or workshop.default_language,
        contact_email=(appointment.contact_email if appointment else "") or customer.email,
        contact_phone=(appointment.contact_phone if appointment else "") or customer.phone,
        promise_hours=promise_hours,
        promised_at=promised_at,
        checked_in_at=now,
        created_by=actor,
    )
    _record_mileage(
        actor=actor,
        vehicle=vehicle,
        workshop=workshop,
        km=km,
        source=MileageSource.RECEPTION,
        now=now,
    )
    if appointment is not None:
        _jobs_from_booking(repair_order, appointment, promised=promised_at is not None)
        if appointment.status != AppointmentStatus.ARRIVED:
            appointment_mark_arrived(actor=actor, appointment=appointment, now=now)
    if repair_order.concerns:
        _new_job(
            repair_order,
            title=_first_line(repair_order.concerns),
            source=JobSource.CONCERN,
            description=repair_order.concerns,
        )
    _take_up_deferred(repair_order, deferred_job_ids)
    _event(
        repair_order,
        EventKind.CHECKED_IN,
        actor,
        appointment=appointment.reference if appointment else None,
        promised_at=promised_at.isoformat() if promised_at else None,
        promise_void=bool(appointment and appointment.promised_at and not promised_at),
    )
    audit_record(
        actor=actor,
        action="repair_order_checked_in",
        target=repair_order,
        workshop_id=workshop.pk,
        changes=snapshot(repair_order, RECEPTION_FIELDS),
    )
    transaction.on_commit(lambda: _send_progress_link(repair_order.pk))
    return repair_order


def _first_line(text: str) -> str:
    return text.strip().splitlines()[0][:120] if text.strip() else ""


def _jobs_from_booking(
    repair_order: RepairOrder, appointment: Appointment, *, promised: bool
) -> None:
    """Each booked service becomes a job the customer already agreed to when booking."""
    network_id = repair_order.workshop.network_id
    for service_type in appointment.service_types.all():
        codes = service_type.operation_codes.split()
        operations = list(
            LabourOperation.objects.filter(network_id=network_id, code__in=codes, active=True)
        )
        _new_job(
            repair_order,
            title=service_type.name_in(repair_order.language),
            source=JobSource.BOOKED,
            status=JobStatus.APPROVED,
            operations=sorted(operations, key=lambda op: codes.index(op.code)),
            promised=promised and service_type.promise_hours is not None,
        )


def _take_up_deferred(repair_order: RepairOrder, job_ids: Iterable[int]) -> None:
    ids = _ids(job_ids, "deferred_job_ids", _("Unknown deferred job."))
    if not ids:
        return
    deferred = {j.pk: j for j in deferred_jobs_of(repair_order.vehicle, repair_order.workshop)}
    unknown = ids - set(deferred)
    if unknown:
        raise ValidationError({"deferred_job_ids": [_("Unknown deferred job.")]})
    for job_id in sorted(ids):
        old = deferred[job_id]
        new = _new_job(
            repair_order,
            title=old.title,
            description=old.description,
            source=JobSource.DEFERRED,
            deferred_from=old,
        )
        new.level = old.level
        new.save(update_fields=["level"])
        for line in old.lines.all():
            JobLine.objects.create(
                job=new,
                kind=line.kind,
                operation=line.operation,
                code=line.code,
                description=line.description,
                quantity=line.quantity,
                unit_price=line.unit_price,
                time_units=line.time_units,
                menu_price=line.menu_price,
            )


@transaction.atomic
def repair_order_update_reception(
    *, actor: User, repair_order: RepairOrder, mileage_confirmed: bool = False, **changes: Any
) -> RepairOrder:
    """Correct what was recorded at reception while the car is in the workshop."""
    repair_order = _locked(repair_order)
    _require(actor, Perm.RO_RECEIVE, repair_order.workshop_id)
    _refuse_if_closed(repair_order)
    unknown = set(changes) - set(RECEPTION_FIELDS)
    if unknown:
        raise ValidationError(
            _("These fields cannot be changed: %(f)s.") % {"f": ", ".join(sorted(unknown))}
        )
    before = snapshot(repair_order, RECEPTION_FIELDS)
    if "mileage" in changes:
        # A whole number in range first (typed text is refused, never a 500); checked
        # against the car's history only when it changes.
        changes["mileage"] = _check_mileage(repair_order.vehicle, changes["mileage"], True)
    if "mileage" in changes and changes["mileage"] != repair_order.mileage:
        _check_mileage(repair_order.vehicle, changes["mileage"], mileage_confirmed)
        _record_mileage(
            actor=actor,
            vehicle=repair_order.vehicle,
            workshop=repair_order.workshop,
            km=changes["mileage"],
            source=MileageSource.RECEPTION,
            now=timezone.now(),
        )
    fuel, docs = _check_choices(
        changes.get("fuel_level", repair_order.fuel_level),
        changes.get("documents_seen", repair_order.documents_seen),
    )
    changes["fuel_level"], changes["documents_seen"] = fuel, docs
    for name, value in changes.items():
        if isinstance(value, str):
            value = value.strip()
        setattr(repair_order, name, value)
    repair_order.full_clean(
        exclude=[
            "workshop",
            "customer",
            "vehicle",
            "appointment",
            "advisor",
            "created_by",
            "language",
            # Null when the visit carries no promise; not the advisor's to change.
            "promise_hours",
        ]
    )
    repair_order.save()
    changed = diff(before, snapshot(repair_order, RECEPTION_FIELDS))
    if changed:
        _event(repair_order, EventKind.RECEPTION, actor, fields=sorted(changed))
        audit_record(
            actor=actor,
            action="reception_updated",
            target=repair_order,
            workshop_id=repair_order.workshop_id,
            changes=changed,
        )
    return repair_order


@transaction.atomic
def repair_order_import_cbs(*, actor: User, repair_order: RepairOrder, data: Any) -> list:
    """Replace the order's Condition Based Service items with what the key or car delivered
    (format in docs/cbs.md); a malformed document changes nothing."""
    repair_order = _locked(repair_order)
    _require(actor, Perm.RO_RECEIVE, repair_order.workshop_id)
    _refuse_if_closed(repair_order)
    items = cbs.parse(
        data,
        today=timezone.localdate(timezone.now(), repair_order.workshop.zone),
        mileage=repair_order.mileage,
    )
    repair_order.cbs_items.all().delete()
    created = [item.save_for(repair_order) for item in items]
    _event(repair_order, EventKind.CBS_IMPORTED, actor, items=len(created))
    audit_record(
        actor=actor,
        action="cbs_imported",
        target=repair_order,
        workshop_id=repair_order.workshop_id,
        changes={"items": [None, [i.code for i in created]]},
    )
    return created


@transaction.atomic
def photo_add(
    *,
    actor: User,
    repair_order: RepairOrder,
    upload: Any,
    caption: str = "",
    shared: bool = True,
) -> Photo:
    """Store a photo of the car, resized; technicians add them from the bay."""
    repair_order = _locked(repair_order)
    access = access_for(actor)
    if not (
        access.can(Perm.RO_RECEIVE, repair_order.workshop_id)
        or access.can(Perm.INSPECTION_RECORD, repair_order.workshop_id)
    ):
        raise PermissionDenied(_("Your role does not allow this."))
    _refuse_if_closed(repair_order)
    content, width, height = photos.resized_jpeg(upload)
    photo = Photo(
        repair_order=repair_order,
        caption=caption.strip()[:200],
        shared=shared,
        width=width,
        height=height,
        taken_by=actor,
    )
    photo.image.save(photos.file_name(), content, save=False)
    photo.save()
    _event(repair_order, EventKind.PHOTO, actor, photo=photo.pk, shared=shared)
    return photo


# ---------------------------------------------------------------- inspection


def inspection_templates(workshop: Workshop, repair_order: RepairOrder | None = None) -> list:
    """Quick and detailed checks, and the service checks of the booked services."""
    templates = ChecklistTemplate.objects.filter(
        network_id=workshop.network_id, kind__in=INSPECTION_KINDS, active=True
    ).order_by("kind", "name_en")
    codes: set[str] = set()
    if repair_order is not None and repair_order.appointment_id:
        codes = set(repair_order.appointment.service_types.values_list("code", flat=True))
    return [t for t in templates if t.kind != ChecklistKind.SERVICE or t.service_type_code in codes]


@transaction.atomic
def inspection_record(
    *,
    actor: User,
    repair_order: RepairOrder,
    template: ChecklistTemplate,
    results: Mapping[int, Mapping[str, Any]],
) -> Inspection:
    """Record a checklist run: every point rated green, amber or red (amber and red with a
    note). Amber and red points become recommended jobs, priced from the point's operation."""
    repair_order = _locked(repair_order)
    _require(actor, Perm.INSPECTION_RECORD, repair_order.workshop_id)
    _refuse_if_closed(repair_order)
    if (
        template.network_id != repair_order.workshop.network_id
        or template.kind not in INSPECTION_KINDS
    ):
        raise ValidationError({"template": [_("Unknown checklist.")]})
    points = list(template.points.all())
    errors: dict[str, list[str]] = {}
    photo_ids = {str(p) for p in repair_order.photos.values_list("pk", flat=True)}
    for point in points:
        answer = results.get(point.pk) or results.get(str(point.pk)) or {}
        if not isinstance(answer, Mapping):
            answer = {}  # not the shape we read: the point counts as unrated
        rating = answer.get("rating")
        if rating not in Rating.values:
            errors[f"point_{point.pk}"] = [_("Rate this point.")]
        elif rating != Rating.GREEN and not str(answer.get("note", "")).strip():
            errors[f"point_{point.pk}"] = [_("Say what was found.")]
        photo = answer.get("photo")
        if photo and str(photo) not in photo_ids:
            errors[f"point_{point.pk}"] = [_("Unknown photo.")]
    if errors:
        raise ValidationError(errors)
    if repair_order.status == ROStatus.CHECKED_IN:
        _move(repair_order, ROStatus.INSPECTION, actor)
    inspection = Inspection.objects.create(
        repair_order=repair_order, template=template, performed_by=actor
    )
    recommended = 0
    operations = {
        op.code: op
        for op in LabourOperation.objects.filter(
            network_id=repair_order.workshop.network_id,
            code__in=[p.operation_code for p in points if p.operation_code],
        )
    }
    for point in points:
        answer = results.get(point.pk) or results.get(str(point.pk))
        note = str(answer.get("note", "")).strip()[:300]
        InspectionResult.objects.create(
            inspection=inspection,
            point=point,
            rating=answer["rating"],
            note=note,
            photo_id=answer.get("photo") or None,
        )
        if answer["rating"] != Rating.GREEN:
            operation = operations.get(point.operation_code)
            # The job goes on the customer's estimate: the point in the customer's language.
            with translation.override(repair_order.language):
                text = point.text
            _new_job(
                repair_order,
                title=text if not note else f"{text}: {note}",
                description=note,
                source=JobSource.INSPECTION,
                operations=[operation] if operation else [],
            )
            recommended += 1
    _event(
        repair_order,
        EventKind.INSPECTION,
        actor,
        checklist=template.name_en,
        recommended=recommended,
    )
    return inspection


# ---------------------------------------------------------------- jobs and lines


@transaction.atomic
def job_add(
    *,
    actor: User,
    repair_order: RepairOrder,
    title: str,
    description: str = "",
    operation_codes: Iterable[str] = (),
    level: int | None = None,
) -> Job:
    """Add work to an order. Advisors add priced work; work a technician finds during the
    repair is recorded as found, and goes to the customer as a supplementary estimate."""
    repair_order = _locked(repair_order)
    access = access_for(actor)
    if access.can(Perm.RO_RECEIVE, repair_order.workshop_id):
        source = JobSource.ADVISOR
    elif access.can(Perm.JOB_REPORT, repair_order.workshop_id):
        source = JobSource.FOUND
    else:
        raise PermissionDenied(_("Your role does not allow this."))
    if repair_order.status in (ROStatus.IN_PROGRESS, ROStatus.QUALITY_CHECK):
        source = JobSource.FOUND
    _refuse_if_closed(repair_order)
    if repair_order.status in (ROStatus.READY, ROStatus.INVOICED):
        raise ValidationError(_("The car is ready; open a new repair order for more work."))
    title = (title or "").strip()
    if not title:
        raise ValidationError({"title": [_("Say what the job is.")]})
    operations = _operations(repair_order.workshop.network_id, operation_codes)
    job = _new_job(
        repair_order,
        title=title,
        description=description.strip(),
        source=source,
        operations=operations,
    )
    if level is not None:
        _set_level(job, level)
    _event(repair_order, EventKind.JOB_ADDED, actor, job=job.position, title=job.title)
    return job


def _set_level(job: Job, level: Any) -> None:
    try:
        level = int(level)
    except (TypeError, ValueError):
        level = 0
    if level not in QualificationLevel.values:
        raise ValidationError({"level": [_("Choose a qualification level.")]})
    job.level = level
    job.save(update_fields=["level"])


def _job_for_pricing(actor: User, job: Job) -> Job:
    job = Job.objects.select_related("repair_order__workshop").get(pk=job.pk)
    _locked(job.repair_order)
    _require(actor, Perm.RO_RECEIVE, job.repair_order.workshop_id)
    _refuse_if_closed(job.repair_order)
    _editable_job(job)
    return job


def _decimal(value: Any, field: str, *, minimum: Decimal, maximum: Decimal) -> Decimal:
    """A number typed by a person, within bounds the database columns can hold."""
    try:
        number = Decimal(str(value).strip().replace(",", "."))
    except (InvalidOperation, ValueError, TypeError):
        raise ValidationError({field: [_("Enter a number.")]}) from None
    if not number.is_finite() or number < minimum or number > maximum:
        if number.is_finite() and number < minimum and minimum > 0:
            message = _("Enter a number greater than zero.")
        elif number.is_finite() and number < minimum:
            message = _("Enter a number that is not negative.")
        else:
            message = _("Enter a number between %(min)s and %(max)s.") % {
                "min": minimum,
                "max": maximum,
            }
        raise ValidationError({field: [message]})
    return number.quantize(Decimal("0.01"))


def _add_part_line(
    job: Job, code: str, description: str, quantity: Any, unit_price: Any
) -> JobLine:
    """A part line: from the catalogue when the number is in it (the current part of a
    superseded number, named in the order's language, at the network's list price for
    the workshop's country); a part from elsewhere is described and priced by hand."""
    repair_order = job.repair_order
    amount = _decimal(quantity, "quantity", minimum=Decimal("0.01"), maximum=MAX_QUANTITY)
    part = catalogue_part(repair_order.workshop, code) if (code or "").strip() else None
    description = (description or "").strip()
    if part is not None:
        price = list_price(part, repair_order.workshop)
        if price is None and unit_price in (None, ""):
            raise ValidationError(
                {"unit_price": [_("The catalogue has no price for this part here: enter one.")]}
            )
        with translation.override(repair_order.language):
            name = part.name
        return JobLine.objects.create(
            job=job,
            kind=LineKind.PART,
            part=part,
            # As estimates and invoices print it: in the network's groups.
            code=part.display_number(repair_order.workshop.network.part_number_format),
            description=name[:200],
            quantity=amount,
            unit_price=price
            if price is not None
            else _decimal(unit_price, "unit_price", minimum=Decimal(0), maximum=MAX_UNIT_PRICE),
        )
    if not description:
        raise ValidationError(
            {"code": [_("No part with this number in the catalogue.")]}
            if (code or "").strip()
            else {"description": [_("Describe the part.")]}
        )
    if unit_price in (None, ""):
        raise ValidationError({"unit_price": [_("Enter the part's price.")]})
    return JobLine.objects.create(
        job=job,
        kind=LineKind.PART,
        code=(code or "").strip().upper()[:40],
        description=description[:200],
        quantity=amount,
        unit_price=_decimal(unit_price, "unit_price", minimum=Decimal(0), maximum=MAX_UNIT_PRICE),
    )


@transaction.atomic
def job_line_add(
    *,
    actor: User,
    job: Job,
    kind: str,
    operation_code: str = "",
    code: str = "",
    description: str = "",
    quantity: Any = 1,
    unit_price: Any = None,
    discount_percent: Any = 0,
    discount_reason: str = "",
) -> JobLine:
    """Price a draft job: a labour line from an operation (menu price or flat-rate units at
    the workshop's rate) or a part line typed in. A discount needs a reason."""
    job = _job_for_pricing(actor, job)
    discount = _decimal(
        discount_percent or 0, "discount_percent", minimum=Decimal(0), maximum=Decimal(100)
    )
    discount_reason = (discount_reason or "").strip()
    if discount and not discount_reason:
        raise ValidationError({"discount_reason": [_("A discount needs a reason.")]})
    if kind == LineKind.LABOUR:
        [operation] = _operations(job.repair_order.workshop.network_id, [operation_code or code])
        line = _add_labour_line(job, operation)
    elif kind == LineKind.PART:
        line = _add_part_line(job, code, description, quantity, unit_price)
    else:
        raise ValidationError({"kind": [_("Choose labour or part.")]})
    if discount:
        line.discount_percent, line.discount_reason = discount, discount_reason[:200]
        line.save(update_fields=["discount_percent", "discount_reason"])
    audit_record(
        actor=actor,
        action="job_line_added",
        target=job.repair_order,
        workshop_id=job.repair_order.workshop_id,
        changes={
            "line": [None, f"{job.position}: {line.code} {line.description} x {line.quantity}"]
        },
    )
    return line


@transaction.atomic
def job_line_remove(*, actor: User, line: JobLine) -> None:
    """A line of a draft job taken off again. A part issued to it must come back to the
    store first; its reservation, if any, is released with it."""
    job = _job_for_pricing(actor, line.job)
    store.part_line_release(actor=actor, job_line=line)
    audit_record(
        actor=actor,
        action="job_line_removed",
        target=job.repair_order,
        workshop_id=job.repair_order.workshop_id,
        changes={
            "line": [f"{job.position}: {line.code} {line.description} x {line.quantity}", None]
        },
    )
    line.delete()


@transaction.atomic
def job_remove(*, actor: User, job: Job) -> None:
    """A draft job that is not wanted after all (never one the customer saw)."""
    job = _job_for_pricing(actor, job)
    for line in job.lines.filter(part__isnull=False).order_by("pk"):
        store.part_line_release(actor=actor, job_line=line)
    _event(job.repair_order, EventKind.JOB_CHANGED, actor, job=job.position, removed=True)
    job.delete()
    # It may have been all that kept a finished car from quality check.
    _advance_to_quality_check(job.repair_order, actor)


# ---------------------------------------------------------------- estimate


def totals(jobs: Iterable[Job], workshop: Workshop) -> dict[str, Decimal]:
    net = sum((job.net_total() for job in jobs), ZERO)
    vat = percent_of(net, workshop.vat_rate)
    return {"net": net, "vat": vat, "gross": net + vat}


@transaction.atomic
def estimate_send(
    *,
    actor: User,
    repair_order: RepairOrder,
    estimated_completion_at: dt.datetime | None = None,
) -> Estimate:
    """Put every draft job to the customer for approval, by signed link (and e-mail).

    During the repair this is a supplementary estimate: found work waits for the
    customer's yes before anyone may clock on it.
    """
    repair_order = _locked(repair_order)
    _require(actor, Perm.RO_RECEIVE, repair_order.workshop_id)
    _refuse_if_closed(repair_order)
    jobs = list(repair_order.jobs.filter(status=JobStatus.DRAFT).prefetch_related("lines"))
    if not jobs:
        raise ValidationError(_("There is no draft job to put to the customer."))
    unpriced = [str(j.position) for j in jobs if not j.lines.all()]
    if unpriced:
        raise ValidationError(
            _("Price job(s) %(jobs)s first: a job without lines cannot be approved.")
            % {"jobs": ", ".join(unpriced)}
        )
    if estimated_completion_at is not None:
        if timezone.is_naive(estimated_completion_at):
            # A time typed without zone is the workshop's local time.
            estimated_completion_at = estimated_completion_at.replace(
                tzinfo=repair_order.workshop.zone
            )
        if estimated_completion_at <= timezone.now():
            raise ValidationError({"estimated_completion_at": [_("This time is in the past.")]})
        repair_order.estimated_completion_at = estimated_completion_at
        repair_order.save(update_fields=["estimated_completion_at"])
    supplementary = repair_order.status not in (
        ROStatus.CHECKED_IN,
        ROStatus.INSPECTION,
        ROStatus.ESTIMATE_SENT,
    )
    if not supplementary:
        _move(repair_order, ROStatus.ESTIMATE_SENT, actor)
    # An earlier estimate still unanswered is replaced by this one.
    for old in repair_order.estimates.filter(status=EstimateStatus.SENT):
        old.status = EstimateStatus.WITHDRAWN
        old.save(update_fields=["status"])
        old.jobs.filter(status=JobStatus.PENDING).update(status=JobStatus.DRAFT)
        jobs += list(repair_order.jobs.filter(estimate=old, status=JobStatus.DRAFT))
    sequence = (
        repair_order.estimates.order_by("-sequence").values_list("sequence", flat=True).first() or 0
    ) + 1
    sums = totals(jobs, repair_order.workshop)
    estimate = Estimate.objects.create(
        repair_order=repair_order,
        sequence=sequence,
        supplementary=supplementary,
        sent_by=actor,
        expires_at=timezone.now() + dt.timedelta(hours=settings.ESTIMATE_LINK_HOURS),
        net_total=sums["net"],
        gross_total=sums["gross"],
    )
    Job.objects.filter(pk__in=[j.pk for j in jobs]).update(
        status=JobStatus.PENDING, estimate=estimate
    )
    _event(
        repair_order,
        EventKind.ESTIMATE_SENT,
        actor,
        estimate=sequence,
        supplementary=supplementary,
        gross=str(sums["gross"]),
    )
    from servicelane.workorders.notifications import send_estimate

    transaction.on_commit(lambda: send_estimate(estimate.pk))
    return estimate


@transaction.atomic
def estimate_answer(
    *,
    estimate: Estimate,
    decisions: Mapping[int, bool],
    signed_name: str,
    ip: str | None,
) -> Estimate:
    """The customer's answer through the link: every job approved or declined, signed with
    a typed name; time and address are kept. A link answers once and expires."""
    estimate = (
        Estimate.objects.select_for_update().select_related("repair_order").get(pk=estimate.pk)
    )
    if estimate.status != EstimateStatus.SENT:
        raise ValidationError(_("This estimate has already been answered or replaced."))
    if estimate.is_expired:
        raise ValidationError(
            _("This link has expired. Please ask your service advisor for a new one.")
        )
    signed_name = (signed_name or "").strip()
    errors: dict[str, list[str]] = {}
    if len(signed_name) < 2:
        errors["signed_name"] = [_("Type your full name to sign.")]
    jobs = list(estimate.jobs.filter(status=JobStatus.PENDING))
    try:
        decisions = {int(k): v for k, v in decisions.items()}
    except (TypeError, ValueError):
        raise ValidationError({"decisions": [_("Unknown job.")]}) from None
    missing = [j.position for j in jobs if j.pk not in decisions]
    if missing:
        errors["decisions"] = [
            _("Approve or decline every job (missing: %(jobs)s).")
            % {"jobs": ", ".join(str(m) for m in missing)}
        ]
    if set(decisions) - {j.pk for j in jobs}:
        errors["decisions"] = [_("Unknown job.")]
    if errors:
        raise ValidationError(errors)
    repair_order = _locked(estimate.repair_order)
    now = timezone.now()
    approved = 0
    for job in jobs:
        job.status = JobStatus.APPROVED if decisions[job.pk] else JobStatus.DECLINED
        job.decided_at = now
        job.save(update_fields=["status", "decided_at"])
        approved += decisions[job.pk]
    declined = JobLine.objects.filter(job__in=[j for j in jobs if not decisions[j.pk]])
    store.declined_jobs_reservations_release(
        job_line_refs=list(declined.filter(part__isnull=False).values_list("pk", flat=True))
    )
    estimate.status = EstimateStatus.ANSWERED
    estimate.answered_at = now
    estimate.signed_name = signed_name[:200]
    estimate.signed_ip = ip or None
    estimate.save(update_fields=["status", "answered_at", "signed_name", "signed_ip"])
    _event(
        repair_order,
        EventKind.ESTIMATE_ANSWERED,
        None,
        estimate=estimate.sequence,
        approved=[j.position for j in jobs if decisions[j.pk]],
        declined=[j.position for j in jobs if not decisions[j.pk]],
        signed_name=estimate.signed_name,
        ip=ip,
    )
    audit_record(
        actor=None,
        action="estimate_answered",
        target=repair_order,
        workshop_id=repair_order.workshop_id,
        changes={
            "jobs": [None, {str(j.position): decisions[j.pk] for j in jobs}],
            "signed_name": [None, estimate.signed_name],
            "ip": [None, ip],
        },
    )
    if repair_order.status == ROStatus.ESTIMATE_SENT:
        agreed = repair_order.jobs.filter(status__in=AGREED_JOB_STATUSES).exists()
        _move(repair_order, ROStatus.APPROVED if agreed else ROStatus.READY, None)
        if not agreed:
            repair_order.ready_at = now
            repair_order.save(update_fields=["ready_at"])
    else:
        _advance_to_quality_check(repair_order, None)
    return estimate


# ---------------------------------------------------------------- work in the bay


def _qualified(workshop_id: int, technician: User, level: int) -> bool:
    membership = Membership.objects.filter(
        workshop_id=workshop_id, user=technician, role=WorkshopRole.TECHNICIAN
    ).first()
    if membership is None:
        raise ValidationError({"technician": [_("Not a technician of this workshop.")]})
    return (membership.level or 0) >= level


def _check_level(job: Job, technician: User) -> None:
    if not _qualified(job.repair_order.workshop_id, technician, job.level):
        raise ValidationError(
            {
                "technician": [
                    _("This job needs a technician of level “%(level)s” or above.")
                    % {"level": QualificationLevel(job.level).label}
                ]
            }
        )


def _workable(job: Job) -> None:
    if job.status in (JobStatus.DRAFT, JobStatus.PENDING):
        raise ValidationError(_("The customer has not approved this job yet."))
    if job.status == JobStatus.DECLINED:
        raise ValidationError(_("The customer declined this job."))
    if job.status == JobStatus.DONE:
        raise ValidationError(_("This job is done."))
    if job.repair_order.status not in (
        ROStatus.CHECKED_IN,
        ROStatus.INSPECTION,
        ROStatus.ESTIMATE_SENT,
        ROStatus.APPROVED,
        ROStatus.IN_PROGRESS,
    ):
        raise ValidationError(
            _("The repair order is %(status)s.")
            % {"status": ROStatus(job.repair_order.status).label.lower()}
        )


def _job_locked(job: Job) -> Job:
    """The job with its order locked: steps on one order (clocks, checks) queue up."""
    job = Job.objects.select_related("repair_order__workshop", "technician").get(pk=job.pk)
    job.repair_order = _locked(job.repair_order)
    return job


@transaction.atomic
def job_assign(*, actor: User, job: Job, technician: User | None) -> Job:
    """Give a job to a technician whose qualification level is at least the job's."""
    job = _job_locked(job)
    _require(actor, Perm.JOB_ASSIGN, job.repair_order.workshop_id)
    _refuse_if_closed(job.repair_order)
    if job.status in (JobStatus.DECLINED, JobStatus.DONE):
        raise ValidationError(
            _("This job is %(status)s.") % {"status": JobStatus(job.status).label.lower()}
        )
    if technician is not None:
        _check_level(job, technician)
    if job.clock_entries.filter(ended_at__isnull=True).exists():
        raise ValidationError(_("Someone is clocked on this job; they clock off first."))
    before = job.technician_id
    job.technician = technician
    job.save(update_fields=["technician"])
    _event(
        job.repair_order,
        EventKind.JOB_ASSIGNED,
        actor,
        job=job.position,
        technician=technician.pk if technician else None,
        before=before,
    )
    return job


def running_entry(technician: User) -> ClockEntry | None:
    return (
        ClockEntry.objects.filter(technician=technician, ended_at__isnull=True)
        .select_related("job__repair_order")
        .first()
    )


@transaction.atomic
def job_clock_on(*, actor: User, job: Job) -> ClockEntry:
    """A technician starts (or resumes) work on an approved job: one running job each."""
    job = _job_locked(job)
    _require(actor, Perm.JOB_CLOCK, job.repair_order.workshop_id)
    _workable(job)
    if job.technician_id and job.technician_id != actor.pk:
        raise ValidationError(_("This job is assigned to %(name)s.") % {"name": job.technician})
    running = running_entry(actor)
    if running is not None:
        raise ValidationError(
            _("You are clocked on job %(job)s of %(ro)s. Pause or finish it first.")
            % {"job": running.job.position, "ro": running.job.repair_order.number}
        )
    if job.technician_id is None:
        _check_level(job, actor)
        job.technician = actor
    try:
        with transaction.atomic():
            entry = ClockEntry.objects.create(job=job, technician=actor)
    except IntegrityError:
        # A second tablet raced this one: the database keeps one running job.
        raise ValidationError(_("You are already clocked on another job.")) from None
    job.status = JobStatus.IN_PROGRESS
    job.save(update_fields=["status", "technician"])
    if job.repair_order.status != ROStatus.IN_PROGRESS:
        _move(job.repair_order, ROStatus.IN_PROGRESS, actor)
    _event(job.repair_order, EventKind.CLOCK_ON, actor, job=job.position)
    return entry


def _clock_off(job: Job, actor: User, reason: str = "") -> ClockEntry:
    entry = (
        job.clock_entries.select_for_update()
        .filter(technician=actor, ended_at__isnull=True)
        .first()
    )
    if entry is None:
        raise ValidationError(_("You are not clocked on this job."))
    entry.ended_at = timezone.now()
    entry.pause_reason = reason
    entry.save(update_fields=["ended_at", "pause_reason"])
    return entry


@transaction.atomic
def job_pause(*, actor: User, job: Job, reason: str) -> ClockEntry:
    """Stop the clock without finishing: waiting for a part, a break, end of shift. Say why."""
    job = _job_locked(job)
    _require(actor, Perm.JOB_CLOCK, job.repair_order.workshop_id)
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": [_("A pause needs a reason.")]})
    entry = _clock_off(job, actor, reason[:200])
    job.status = JobStatus.PAUSED
    job.save(update_fields=["status"])
    _event(job.repair_order, EventKind.PAUSED, actor, job=job.position, reason=reason[:200])
    return entry


@transaction.atomic
def job_finish(*, actor: User, job: Job) -> Job:
    """The technician's job is done; when every agreed job is, the car goes to quality check."""
    job = _job_locked(job)
    _require(actor, Perm.JOB_CLOCK, job.repair_order.workshop_id)
    if job.status == JobStatus.DONE:
        raise ValidationError(_("This job is done."))
    _clock_off(job, actor)
    job.status = JobStatus.DONE
    job.done_at = timezone.now()
    job.save(update_fields=["status", "done_at"])
    _event(job.repair_order, EventKind.JOB_DONE, actor, job=job.position, title=job.title)
    _advance_to_quality_check(job.repair_order, actor)
    return job


def _advance_to_quality_check(repair_order: RepairOrder, actor: User | None) -> None:
    """When nothing agreed is left to do and no answer is awaited, the car goes to QC.

    Work found during the repair and not yet put to the customer (a draft) holds the car
    too: once in quality check, an approved job could no longer be clocked."""
    if repair_order.status != ROStatus.IN_PROGRESS:
        return
    jobs = list(repair_order.jobs.values_list("status", flat=True))
    open_work = {
        JobStatus.DRAFT,
        JobStatus.APPROVED,
        JobStatus.IN_PROGRESS,
        JobStatus.PAUSED,
        JobStatus.PENDING,
    }
    if any(status in open_work for status in jobs):
        return
    _move(repair_order, ROStatus.QUALITY_CHECK, actor)


# ---------------------------------------------------------------- quality check


def qc_round(repair_order: RepairOrder) -> int:
    """The current round of checks: a failure in the last one starts the next."""
    checks = list(repair_order.quality_checks.all())  # the prefetched ones on lists
    if not checks:
        return 1
    last = max(check.round for check in checks)
    failed = any(check.round == last and not check.passed for check in checks)
    return last + 1 if failed else last


def qc_passed_levels(repair_order: RepairOrder) -> set[int]:
    round_ = qc_round(repair_order)
    return {
        check.level
        for check in repair_order.quality_checks.all()
        if check.round == round_ and check.passed
    }


def qc_next_level(repair_order: RepairOrder) -> int | None:
    passed = qc_passed_levels(repair_order)
    return next((level for level in QCLevel.values if level not in passed), None)


@transaction.atomic
def quality_check_record(
    *,
    actor: User,
    repair_order: RepairOrder,
    level: int,
    passed: bool,
    answers: Mapping[str, bool] | None = None,
    note: str = "",
    rework_job_ids: Iterable[int] = (),
) -> QualityCheck:
    """One level of the three-level check, in order: technician, foreman, advisor.

    A pass needs every checklist point ticked. A failure names the jobs to redo: they go
    back to the bay as rework and the three levels start again. When the advisor's check
    passes the car is ready, and a missed promise makes its package's labour free.
    """
    repair_order = _locked(repair_order)
    try:
        level = QCLevel(int(level))
    except (TypeError, ValueError):
        raise ValidationError({"level": [_("Unknown quality check level.")]}) from None
    _require(actor, QC_PERMS[level], repair_order.workshop_id)
    if repair_order.status != ROStatus.QUALITY_CHECK:
        raise ValidationError(
            _("The car is not waiting for a quality check (it is %(status)s).")
            % {"status": ROStatus(repair_order.status).label.lower()}
        )
    expected = qc_next_level(repair_order)
    if level != expected:
        raise ValidationError(
            {
                "level": [
                    _("The next check is the %(level)s.")
                    % {"level": QCLevel(expected).label.lower()}
                ]
            }
        )
    points = checklist_points(repair_order.workshop, QC_CHECKLIST[level])
    answers = {str(k): bool(v) for k, v in (answers or {}).items()}
    errors: dict[str, list[str]] = {}
    if passed:
        unticked = [p for p in points if not answers.get(str(p.pk))]
        if unticked:
            errors["answers"] = [
                _("Tick every point before passing: %(points)s.")
                % {"points": "; ".join(p.text for p in unticked)}
            ]
    rework = []
    if not passed:
        ids = _ids(rework_job_ids, "rework_job_ids", _("Choose the done job(s) to be redone."))
        rework = list(repair_order.jobs.filter(pk__in=ids, status=JobStatus.DONE))
        if not rework or len(rework) != len(ids):
            errors["rework_job_ids"] = [_("Choose the done job(s) to be redone.")]
        if not note.strip():
            errors["note"] = [_("Say what must be redone.")]
    if errors:
        raise ValidationError(errors)
    check = QualityCheck.objects.create(
        repair_order=repair_order,
        level=level,
        passed=passed,
        answers=answers,
        note=note.strip(),
        checked_by=actor,
        round=qc_round(repair_order),
    )
    if not passed:
        check.rework_jobs.set(rework)
        for job in rework:
            job.status = JobStatus.APPROVED
            job.rework_count += 1
            job.done_at = None
            job.save(update_fields=["status", "rework_count", "done_at"])
        _event(
            repair_order,
            EventKind.QC_FAILED,
            actor,
            level=int(level),
            jobs=[j.position for j in rework],
            note=check.note,
        )
        _move(repair_order, ROStatus.IN_PROGRESS, actor)
        return check
    _event(repair_order, EventKind.QC_PASSED, actor, level=int(level))
    if level == QCLevel.ADVISOR:
        repair_order.ready_at = timezone.now()
        repair_order.save(update_fields=["ready_at"])
        _move(repair_order, ROStatus.READY, actor)
        apply_promise_rule(repair_order)
    return check


def checklist_points(workshop: Workshop, kind: str) -> list:
    template = (
        ChecklistTemplate.objects.filter(network_id=workshop.network_id, kind=kind, active=True)
        .prefetch_related("points")
        .first()
    )
    return list(template.points.all()) if template else []


def apply_promise_rule(repair_order: RepairOrder) -> bool:
    """Ready after the promised time: the promised package's labour is free (100 % discount,
    the reason printed on the invoice), and the missed promise is recorded for the KPIs."""
    if not repair_order.promised_at or not repair_order.ready_at:
        return False
    if repair_order.ready_at <= repair_order.promised_at:
        return False
    workshop = repair_order.workshop
    with translation.override(repair_order.language):
        # No full stop after a date: English times end in "a.m." already.
        reason = _(
            "Promise missed (promised for %(promised)s, ready at %(ready)s): labour free of charge."
        ) % {
            "promised": _local(repair_order.promised_at, workshop),
            "ready": _local(repair_order.ready_at, workshop),
        }
    lines = JobLine.objects.filter(
        job__repair_order=repair_order, job__promised=True, kind=LineKind.LABOUR
    )
    discounted = lines.update(discount_percent=Decimal("100"), discount_reason=reason[:200])
    repair_order.promise_broken = True
    repair_order.save(update_fields=["promise_broken"])
    minutes = int((repair_order.ready_at - repair_order.promised_at).total_seconds() // 60)
    _event(
        repair_order,
        EventKind.PROMISE_BROKEN,
        None,
        minutes_late=minutes,
        lines=discounted,
        promised_at=repair_order.promised_at.isoformat(),
        ready_at=repair_order.ready_at.isoformat(),
    )
    audit_record(
        actor=None,
        action="promise_broken",
        target=repair_order,
        workshop_id=repair_order.workshop_id,
        changes={"promise_broken": [False, True], "minutes_late": [None, minutes]},
    )
    return True


# ---------------------------------------------------------------- invoice, handover, cancel


def invoiceable_jobs(repair_order: RepairOrder) -> list[Job]:
    """Approved work that is done: what an invoice may contain."""
    return list(
        repair_order.jobs.filter(status=JobStatus.DONE)
        .prefetch_related("lines")
        .order_by("position")
    )


def repair_order_mark_invoiced(*, actor: User, repair_order: RepairOrder, number: str) -> None:
    """Called by billing inside its transaction when an invoice is issued."""
    # The state machine judges the order as it is now, not as the caller last read it.
    repair_order.refresh_from_db(fields=["status"])
    _move(repair_order, ROStatus.INVOICED, actor, invoice=number)
    _event(repair_order, EventKind.INVOICED, actor, invoice=number)


def repair_order_mark_credited(*, actor: User, repair_order: RepairOrder, number: str) -> None:
    """Called by billing when a credit note cancels the order's invoice before handover."""
    _event(repair_order, EventKind.CREDITED, actor, credit_note=number)
    if repair_order.status == ROStatus.INVOICED:
        _move(repair_order, ROStatus.READY, actor)


def handover_blockers(repair_order: RepairOrder) -> list[str]:
    """Why the car cannot be handed over yet, in words; empty when it can."""
    reasons = []
    has_work = repair_order.jobs.filter(status=JobStatus.DONE).exists()
    if repair_order.status not in (ROStatus.READY, ROStatus.INVOICED):
        reasons.append(
            _("The repair order is %(status)s.")
            % {"status": ROStatus(repair_order.status).label.lower()}
        )
    if has_work and len(qc_passed_levels(repair_order)) < len(QCLevel.values):
        reasons.append(_("All three quality checks must pass first."))
    if has_work and repair_order.status != ROStatus.INVOICED:
        reasons.append(_("Issue the invoice first."))
    return reasons


@transaction.atomic
def repair_order_hand_over(
    *,
    actor: User,
    repair_order: RepairOrder,
    signed_name: str,
    mileage_out: Any,
    answers: Mapping[str, bool] | None = None,
) -> Handover:
    """Give the car back: every handover point ticked, the customer's typed signature, the
    mileage. The contact data are frozen here for the survey and the service book."""
    repair_order = _locked(repair_order)
    _require(actor, Perm.RO_RECEIVE, repair_order.workshop_id)
    blockers = handover_blockers(repair_order)
    if blockers:
        raise ValidationError(" ".join(blockers))
    errors: dict[str, list[str]] = {}
    points = checklist_points(repair_order.workshop, ChecklistKind.HANDOVER)
    answers = {str(k): bool(v) for k, v in (answers or {}).items()}
    unticked = [p for p in points if not answers.get(str(p.pk))]
    if unticked:
        errors["answers"] = [
            _("Go through every point with the customer: %(points)s.")
            % {"points": "; ".join(p.text for p in unticked)}
        ]
    signed_name = (signed_name or "").strip()
    if len(signed_name) < 2:
        errors["signed_name"] = [_("The customer types their full name to sign.")]
    try:
        km = int(mileage_out)
    except (TypeError, ValueError):
        km = -1
    if km < repair_order.mileage or km > repair_order.mileage + 1000:
        errors["mileage_out"] = [
            _("Enter the odometer reading: at least %(km)s km (the reading at check-in).")
            % {"km": f"{repair_order.mileage:,}"}
        ]
    if errors:
        raise ValidationError(errors)
    done = invoiceable_jobs(repair_order)
    items = sorted(
        {
            line.operation.cbs_code
            for job in done
            for line in job.lines.all()
            if line.operation_id and line.operation.cbs_code
        }
    )
    now = timezone.now()
    handover = Handover.objects.create(
        repair_order=repair_order,
        answers=answers,
        signed_name=signed_name[:200],
        mileage_out=km,
        delivered_at=now,
        handed_over_by=actor,
        contact_email=repair_order.contact_email,
        contact_phone=repair_order.contact_phone,
        language=repair_order.language,
        service_items=items,
        work_done=[{"job": j.position, "title": j.title, "source": j.source} for j in done],
    )
    if km != repair_order.mileage:
        _record_mileage(
            actor=actor,
            vehicle=repair_order.vehicle,
            workshop=repair_order.workshop,
            km=km,
            source=MileageSource.SERVICE,
            now=now,
        )
    repair_order.delivered_at = now
    repair_order.save(update_fields=["delivered_at"])
    entries_from_handover(repair_order=repair_order, handover=handover, actor=actor)
    survey_open(repair_order=repair_order, handover=handover)
    _move(repair_order, ROStatus.DELIVERED, actor)
    # Whatever was reserved and not issued by now is not needed: back to the store.
    store.repair_order_reservations_release(
        actor=actor, repair_order=repair_order, why="car handed over"
    )
    _event(
        repair_order, EventKind.DELIVERED, actor, signed_name=handover.signed_name, mileage_out=km
    )
    return handover


@transaction.atomic
def repair_order_cancel(*, actor: User, repair_order: RepairOrder, reason: str) -> RepairOrder:
    """Close an order before any work started (the customer left, wrong car...)."""
    repair_order = _locked(repair_order)
    _require(actor, Perm.RO_RECEIVE, repair_order.workshop_id)
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": [_("Say why the order is cancelled.")]})
    if ClockEntry.objects.filter(job__repair_order=repair_order).exists():
        raise ValidationError(_("Work has been clocked on this order; it cannot be cancelled."))
    if store.repair_order_issued_lines(repair_order):
        raise ValidationError(
            _("Parts have been issued to this order: return them to the store first.")
        )
    _move(repair_order, ROStatus.CANCELLED, actor, reason=reason[:200])
    store.repair_order_reservations_release(
        actor=actor, repair_order=repair_order, why="order cancelled"
    )
    repair_order.estimates.filter(status=EstimateStatus.SENT).update(
        status=EstimateStatus.WITHDRAWN
    )
    _event(repair_order, EventKind.CANCELLED, actor, reason=reason[:200])
    return repair_order


def _send_progress_link(repair_order_id: int) -> None:
    from servicelane.workorders.notifications import send_progress_link

    send_progress_link(repair_order_id)
