"""Writes of the control centre: the attendance clock."""

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from servicelane.control.models import AttendanceEntry
from servicelane.core.models import User, Workshop
from servicelane.core.permissions import Perm
from servicelane.core.tenancy import access_for
from servicelane.workorders.work.selectors import running_entry


@transaction.atomic
def attendance_clock_in(
    *, actor: User, workshop: Workshop, at: dt.datetime | None = None
) -> AttendanceEntry:
    """The technician arrives: one open attendance entry at a time (the database
    refuses a second one too)."""
    access_for(actor).require(Perm.JOB_CLOCK, workshop.pk)
    if AttendanceEntry.objects.filter(technician=actor, clock_out__isnull=True).exists():
        raise ValidationError(_("You are already clocked in."))
    try:
        with transaction.atomic():
            return AttendanceEntry.objects.create(
                workshop=workshop, technician=actor, clock_in=at or timezone.now()
            )
    except IntegrityError as exc:
        raise ValidationError(_("You are already clocked in.")) from exc


@transaction.atomic
def attendance_clock_out(*, actor: User, at: dt.datetime | None = None) -> AttendanceEntry:
    """The technician leaves. Refused while their clock runs on a job: time on a job
    outside attendance would make productivity exceed what was worked, so the job is
    paused or finished first, by the technician, with its reason."""
    running = running_entry(actor)
    if running is not None:
        raise ValidationError(
            _(
                "You are still clocked on job %(job)s of %(ro)s. "
                "Pause or finish it before you clock out."
            )
            % {"job": running.job.position, "ro": running.job.repair_order.number}
        )
    entry = (
        AttendanceEntry.objects.select_for_update()
        .filter(technician=actor, clock_out__isnull=True)
        .first()
    )
    if entry is None:
        raise ValidationError(_("You are not clocked in."))
    moment = at or timezone.now()
    if moment <= entry.clock_in:
        raise ValidationError(_("Clocking out must come after clocking in."))
    entry.clock_out = moment
    entry.save(update_fields=["clock_out"])
    return entry
