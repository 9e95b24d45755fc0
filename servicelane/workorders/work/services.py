"""Work in the bay: jobs given to qualified technicians, clocked on, paused and finished."""

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from servicelane.core.choices import QualificationLevel, WorkshopRole
from servicelane.core.models import Membership, User
from servicelane.core.permissions import Perm
from servicelane.workorders.choices import (
    EventKind,
    JobStatus,
    ROStatus,
)
from servicelane.workorders.models import (
    ClockEntry,
    Job,
)
from servicelane.workorders.orders import (
    add_event,
    advance_to_quality_check,
    job_locked,
    move,
    refuse_if_closed,
    require,
)
from servicelane.workorders.work.selectors import running_entry


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


@transaction.atomic
def job_assign(*, actor: User, job: Job, technician: User | None) -> Job:
    """Give a job to a technician whose qualification level is at least the job's."""
    job = job_locked(job)
    require(actor, Perm.JOB_ASSIGN, job.repair_order.workshop_id)
    refuse_if_closed(job.repair_order)
    if not job.may_be_assigned:
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
    add_event(
        job.repair_order,
        EventKind.JOB_ASSIGNED,
        actor,
        job=job.position,
        technician=technician.pk if technician else None,
        before=before,
    )
    return job


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
def job_clock_on(*, actor: User, job: Job) -> ClockEntry:
    """A technician starts (or resumes) work on an approved job: one running job each."""
    job = job_locked(job)
    require(actor, Perm.JOB_CLOCK, job.repair_order.workshop_id)
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
        move(job.repair_order, ROStatus.IN_PROGRESS, actor)
    add_event(job.repair_order, EventKind.CLOCK_ON, actor, job=job.position)
    return entry


@transaction.atomic
def job_pause(*, actor: User, job: Job, reason: str) -> ClockEntry:
    """Stop the clock without finishing: waiting for a part, a break, end of shift. Say why."""
    job = job_locked(job)
    require(actor, Perm.JOB_CLOCK, job.repair_order.workshop_id)
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": [_("A pause needs a reason.")]})
    entry = _clock_off(job, actor, reason[:200])
    job.status = JobStatus.PAUSED
    job.save(update_fields=["status"])
    add_event(job.repair_order, EventKind.PAUSED, actor, job=job.position, reason=reason[:200])
    return entry


@transaction.atomic
def job_finish(*, actor: User, job: Job) -> Job:
    """The technician's job is done; when every agreed job is, the car goes to quality check."""
    job = job_locked(job)
    require(actor, Perm.JOB_CLOCK, job.repair_order.workshop_id)
    if job.status == JobStatus.DONE:
        raise ValidationError(_("This job is done."))
    _clock_off(job, actor)
    job.status = JobStatus.DONE
    job.done_at = timezone.now()
    job.save(update_fields=["status", "done_at"])
    add_event(job.repair_order, EventKind.JOB_DONE, actor, job=job.position, title=job.title)
    advance_to_quality_check(job.repair_order, actor)
    return job
