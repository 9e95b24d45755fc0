"""The end of an order: invoiced and credited (called by billing), handed over, or
cancelled before any work."""

from collections.abc import Mapping
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from servicelane.core.models import User
from servicelane.core.permissions import Perm
from servicelane.followup.services import survey_open
from servicelane.servicebook.services import entries_from_handover
from servicelane.store import services as store
from servicelane.vehicles.choices import MileageSource
from servicelane.workorders.choices import (
    ChecklistKind,
    EstimateStatus,
    EventKind,
    ROStatus,
)
from servicelane.workorders.handover.selectors import (
    handover_blockers,
    handover_service_items,
    handover_work_done,
    invoiceable_jobs,
)
from servicelane.workorders.models import (
    ClockEntry,
    Handover,
    RepairOrder,
)
from servicelane.workorders.orders import add_event, locked, move, record_mileage, require
from servicelane.workorders.selectors import (
    checklist_points,
)


def repair_order_mark_invoiced(*, actor: User, repair_order: RepairOrder, number: str) -> None:
    """Called by billing inside its transaction when an invoice is issued."""
    # The state machine judges the order as it is now, not as the caller last read it.
    repair_order.refresh_from_db(fields=["status"])
    move(repair_order, ROStatus.INVOICED, actor, invoice=number)
    add_event(repair_order, EventKind.INVOICED, actor, invoice=number)


def repair_order_mark_credited(*, actor: User, repair_order: RepairOrder, number: str) -> None:
    """Called by billing when a credit note cancels the order's invoice before handover."""
    add_event(repair_order, EventKind.CREDITED, actor, credit_note=number)
    if repair_order.status == ROStatus.INVOICED:
        move(repair_order, ROStatus.READY, actor)


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
    repair_order = locked(repair_order)
    require(actor, Perm.RO_RECEIVE, repair_order.workshop_id)
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
    items = handover_service_items(
        line.operation for job in done for line in job.lines.all() if line.operation is not None
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
        work_done=handover_work_done(done),
    )
    if km != repair_order.mileage:
        record_mileage(
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
    move(repair_order, ROStatus.DELIVERED, actor)
    # Whatever was reserved and not issued by now is not needed: back to the store.
    store.repair_order_reservations_release(
        actor=actor, repair_order=repair_order, why="car handed over"
    )
    add_event(
        repair_order, EventKind.DELIVERED, actor, signed_name=handover.signed_name, mileage_out=km
    )
    return handover


@transaction.atomic
def repair_order_cancel(*, actor: User, repair_order: RepairOrder, reason: str) -> RepairOrder:
    """Close an order before any work started (the customer left, wrong car...)."""
    repair_order = locked(repair_order)
    require(actor, Perm.RO_RECEIVE, repair_order.workshop_id)
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": [_("Say why the order is cancelled.")]})
    if ClockEntry.objects.filter(job__repair_order=repair_order).exists():
        raise ValidationError(_("Work has been clocked on this order; it cannot be cancelled."))
    if store.repair_order_issued_lines(repair_order):
        raise ValidationError(
            _("Parts have been issued to this order: return them to the store first.")
        )
    move(repair_order, ROStatus.CANCELLED, actor, reason=reason[:200])
    store.repair_order_reservations_release(
        actor=actor, repair_order=repair_order, why="order cancelled"
    )
    repair_order.estimates.filter(status=EstimateStatus.SENT).update(
        status=EstimateStatus.WITHDRAWN
    )
    add_event(repair_order, EventKind.CANCELLED, actor, reason=reason[:200])
    return repair_order
