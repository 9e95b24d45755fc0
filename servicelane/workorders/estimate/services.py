"""The estimate: jobs and their labour and part lines, the estimate sent to the customer,
and the customer's answer."""

import datetime as dt
from collections.abc import Iterable, Mapping
from decimal import Decimal, InvalidOperation
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from servicelane.core.audit import audit_record
from servicelane.core.choices import QualificationLevel
from servicelane.core.models import User
from servicelane.core.permissions import Perm
from servicelane.core.tenancy import access_for
from servicelane.parts.selectors import catalogue_part, list_price
from servicelane.store import services as store
from servicelane.workorders.choices import (
    AGREED_JOB_STATUSES,
    EstimateStatus,
    EventKind,
    JobSource,
    JobStatus,
    LineKind,
    ROStatus,
)
from servicelane.workorders.jobs import add_labour_line, new_job, operations_by_code
from servicelane.workorders.models import (
    Estimate,
    Job,
    JobLine,
    RepairOrder,
)
from servicelane.workorders.notifications import send_estimate
from servicelane.workorders.orders import (
    add_event,
    advance_to_quality_check,
    locked,
    move,
    refuse_if_closed,
    require,
)
from servicelane.workorders.pricing import totals

MAX_QUANTITY = Decimal("9999")


MAX_UNIT_PRICE = Decimal("999999")


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
    repair_order = locked(repair_order)
    access = access_for(actor)
    if access.can(Perm.RO_RECEIVE, repair_order.workshop_id):
        source = JobSource.ADVISOR
    elif access.can(Perm.JOB_REPORT, repair_order.workshop_id):
        source = JobSource.FOUND
    else:
        raise PermissionDenied(_("Your role does not allow this."))
    if repair_order.status in (ROStatus.IN_PROGRESS, ROStatus.QUALITY_CHECK):
        source = JobSource.FOUND
    refuse_if_closed(repair_order)
    if repair_order.status in (ROStatus.READY, ROStatus.INVOICED):
        raise ValidationError(_("The car is ready; open a new repair order for more work."))
    title = (title or "").strip()
    if not title:
        raise ValidationError({"title": [_("Say what the job is.")]})
    operations = operations_by_code(repair_order.workshop.network_id, operation_codes)
    job = new_job(
        repair_order,
        title=title,
        description=description.strip(),
        source=source,
        operations=operations,
    )
    if level is not None:
        _set_level(job, level)
    add_event(repair_order, EventKind.JOB_ADDED, actor, job=job.position, title=job.title)
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


def _editable_job(job: Job) -> None:
    if not job.is_editable:
        raise ValidationError(
            _("Job %(n)s is %(status)s: only draft jobs can be changed.")
            % {"n": job.position, "status": JobStatus(job.status).label.lower()}
        )


def _job_for_pricing(actor: User, job: Job) -> Job:
    job = Job.objects.select_related("repair_order__workshop").get(pk=job.pk)
    locked(job.repair_order)
    require(actor, Perm.RO_RECEIVE, job.repair_order.workshop_id)
    refuse_if_closed(job.repair_order)
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
        [operation] = operations_by_code(
            job.repair_order.workshop.network_id, [operation_code or code]
        )
        line = add_labour_line(job, operation)
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
    add_event(job.repair_order, EventKind.JOB_CHANGED, actor, job=job.position, removed=True)
    job.delete()
    # It may have been all that kept a finished car from quality check.
    advance_to_quality_check(job.repair_order, actor)


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
    repair_order = locked(repair_order)
    require(actor, Perm.RO_RECEIVE, repair_order.workshop_id)
    refuse_if_closed(repair_order)
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
        move(repair_order, ROStatus.ESTIMATE_SENT, actor)
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
    add_event(
        repair_order,
        EventKind.ESTIMATE_SENT,
        actor,
        estimate=sequence,
        supplementary=supplementary,
        gross=str(sums["gross"]),
    )
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
    closed = estimate.closed_because
    if closed in ("answered", "withdrawn"):
        raise ValidationError(_("This estimate has already been answered or replaced."))
    if closed == "expired":
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
    repair_order = locked(estimate.repair_order)
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
    add_event(
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
        move(repair_order, ROStatus.APPROVED if agreed else ROStatus.READY, None)
        if not agreed:
            repair_order.ready_at = now
            repair_order.save(update_fields=["ready_at"])
    else:
        advance_to_quality_check(repair_order, None)
    return estimate
