"""What every step of a repair order shares: the order (or a job's order) read under a row
lock, the permission and open-order checks, the state machine's moves with their
events and audit, and the odometer reading recorded for the order's car."""

import datetime as dt
from collections.abc import Iterable
from typing import Any

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

from servicelane.core.audit import audit_record
from servicelane.core.events import record_event
from servicelane.core.models import User, Workshop
from servicelane.core.permissions import Perm
from servicelane.core.tenancy import access_for
from servicelane.vehicles.models import Vehicle
from servicelane.vehicles.services import vehicle_record_mileage
from servicelane.workorders.choices import (
    TRANSITIONS,
    EventKind,
    JobStatus,
    ROStatus,
)
from servicelane.workorders.models import (
    Job,
    RepairOrder,
    RepairOrderEvent,
)


def require(actor: User | None, perm: Perm, workshop_id: int) -> None:
    access_for(actor).require(perm, workshop_id)


def add_event(
    repair_order: RepairOrder, kind: str, actor: User | None, **data: Any
) -> RepairOrderEvent:
    return record_event(RepairOrderEvent, subject=repair_order, kind=kind, actor=actor, **data)


def move(repair_order: RepairOrder, to: str, actor: User | None, **data: Any) -> None:
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
    add_event(repair_order, EventKind.STATUS, actor, **{"from": before, "to": to}, **data)
    audit_record(
        actor=actor,
        action="status_changed",
        target=repair_order,
        workshop_id=repair_order.workshop_id,
        changes={"status": [before, to]},
    )


def locked(repair_order: RepairOrder) -> RepairOrder:
    """The order re-read under a row lock: concurrent steps on one order queue up."""
    return (
        RepairOrder.objects.select_for_update().select_related("workshop").get(pk=repair_order.pk)
    )


def locked_for_invoicing(repair_order: RepairOrder) -> RepairOrder:
    """The order under a row lock with what an invoice prints (workshop, customer, car)."""
    return (
        RepairOrder.objects.select_for_update()
        .select_related("workshop", "customer", "vehicle")
        .get(pk=repair_order.pk)
    )


def job_locked(job: Job) -> Job:
    """The job with its order locked: steps on one order (clocks, checks) queue up."""
    job = Job.objects.select_related("repair_order__workshop", "technician").get(pk=job.pk)
    job.repair_order = locked(job.repair_order)
    return job


def refuse_if_closed(repair_order: RepairOrder) -> None:
    if not repair_order.is_open:
        raise ValidationError(
            _("This repair order is %(status)s; it can no longer be changed.")
            % {"status": ROStatus(repair_order.status).label.lower()}
        )


def record_ids(values: Iterable[Any], field: str, message: str) -> set[int]:
    """Record ids as a form or a program sent them; anything but whole numbers is refused
    with ``message``, never a server error."""
    try:
        return {int(v) for v in values}
    except (TypeError, ValueError):
        raise ValidationError({field: [message]}) from None


def record_mileage(
    *, actor: User, vehicle: Vehicle, workshop: Workshop, km: int, source: str, now: dt.datetime
) -> None:
    """The reading dated by the workshop's calendar. The vehicle service refuses dates after
    today in the active time zone, which is UTC in an API call or a task: an early morning
    check-in in Beijing would be a reading "in the future"."""
    with timezone.override(workshop.zone):
        vehicle_record_mileage(
            actor=actor, vehicle=vehicle, km=km, read_on=timezone.localdate(now), source=source
        )


def advance_to_quality_check(repair_order: RepairOrder, actor: User | None) -> None:
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
    move(repair_order, ROStatus.QUALITY_CHECK, actor)
