"""Planning runs on the foreman's word: a run asked for (solved at once, or by the
background worker on a large day), its proposal applied to the jobs, or discarded."""

import datetime as dt
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from servicelane.control.choices import PlanningStatus
from servicelane.control.jobs import selectors as jobs
from servicelane.control.models import Bay, JobPlan, PlanningRun
from servicelane.control.planning.proposals import planning_run_execute
from servicelane.control.planning.selectors import PROPOSAL_VALID_MINUTES
from servicelane.control.planning.tasks import run_planning
from servicelane.control.planning.workshop import signature
from servicelane.core.audit import audit_record
from servicelane.core.dates import check_date
from servicelane.core.models import User, Workshop
from servicelane.core.permissions import Perm
from servicelane.core.tenancy import access_for
from servicelane.workorders.selectors import jobs_for_update
from servicelane.workorders.work import services as workorders

DEFAULT_TIME_LIMIT_S = 5
MAX_TIME_LIMIT_S = 60


def sync_max_jobs() -> int:
    """Days with more open jobs than this are planned by the background worker."""
    return int(getattr(settings, "PLANNING_SYNC_MAX_JOBS", 60))


def _check_limit(time_limit_s: Any) -> Decimal:
    try:
        value = Decimal(str(time_limit_s))
    except (ArithmeticError, ValueError):
        value = Decimal(-1)
    if not value.is_finite() or not (Decimal("0.1") <= value <= MAX_TIME_LIMIT_S):
        raise ValidationError(
            {
                "time_limit_s": [
                    _("The time limit is between 0.1 and %(max)s seconds.")
                    % {"max": MAX_TIME_LIMIT_S}
                ]
            }
        )
    return value.quantize(Decimal("0.1"))


def planning_run_request(
    *,
    actor: User,
    workshop: Workshop,
    day: dt.date,
    time_limit_s: Any = DEFAULT_TIME_LIMIT_S,
) -> PlanningRun:
    """Plan the rest of ``day``: at once for an ordinary day, by the background worker
    when the day has more open jobs than ``sync_max_jobs()``. The run is returned either
    way; its status says whether the proposal is ready."""
    access_for(actor).require(Perm.PLAN, workshop.pk)
    limit = _check_limit(time_limit_s)
    check_date(day)
    if day < timezone.localdate(timezone.now(), workshop.zone):
        raise ValidationError({"date": [_("A day that is over cannot be planned.")]})
    # Everything is checked and read before the run exists: a refusal leaves no run.
    at_once = jobs.open_jobs(workshop, day).count() <= sync_max_jobs()
    run = PlanningRun.objects.create(
        workshop=workshop, date=day, time_limit_s=limit, requested_by=actor
    )
    if at_once:
        return planning_run_execute(run_id=run.pk)
    transaction.on_commit(lambda: run_planning.enqueue(run.pk))
    return run


def _refuse_if_not_open(run: PlanningRun) -> None:
    if run.status == PlanningStatus.APPLIED:
        raise ValidationError(_("This proposal has been applied already."))
    if run.status == PlanningStatus.DISCARDED:
        raise ValidationError(_("This proposal was discarded."))
    if run.status != PlanningStatus.DONE:
        raise ValidationError(_("This proposal is not ready."))


@transaction.atomic
def planning_run_apply(*, actor: User, run: PlanningRun) -> PlanningRun:
    """Write the proposal to the jobs: technician, bay, planned start and end; jobs it could
    not place lose their planned times. Refused when any job of the day changed since the
    run (clocked, assigned or moved by hand, done) or the proposal is too old: plan again."""
    run = PlanningRun.objects.select_for_update().select_related("workshop").get(pk=run.pk)
    access_for(actor).require(Perm.PLAN, run.workshop_id)
    _refuse_if_not_open(run)
    made = run.finished_at or run.created_at
    if timezone.now() - made > dt.timedelta(minutes=PROPOSAL_VALID_MINUTES):
        raise ValidationError(
            _("This proposal is more than %(minutes)s minutes old; plan again.")
            % {"minutes": PROPOSAL_VALID_MINUTES}
        )
    result = run.result
    known = {int(k): v for k, v in result.get("jobs", {}).items()}
    current = {
        job.pk: job
        for job in jobs_for_update()
        .select_related("repair_order", "plan")
        .filter(pk__in=known, repair_order__workshop_id=run.workshop_id)
    }
    still_open = {j.pk for j in jobs.open_jobs(run.workshop, run.date).filter(pk__in=known)}
    changed = [
        job_id
        for job_id, info in known.items()
        if job_id not in current
        or job_id not in still_open
        or signature(current[job_id]) != info["signature"]
    ]
    newcomers = jobs.open_jobs(run.workshop, run.date).exclude(pk__in=known).count()
    if changed or newcomers:
        if changed:
            info = known[changed[0]]
            detail = _("job %(job)s of %(ro)s changed since the proposal was made") % {
                "job": info["position"],
                "ro": info["repair_order_number"],
            }
        else:
            detail = ngettext(
                "%(count)s job was added since the proposal was made",
                "%(count)s jobs were added since the proposal was made",
                newcomers,
            ) % {"count": newcomers}
        raise ValidationError(
            _("The proposal is out of date (%(detail)s). Plan again.") % {"detail": detail}
        )

    bays = {b.pk: b for b in Bay.objects.filter(workshop_id=run.workshop_id)}
    technicians = {
        u.pk: u
        for u in User.objects.filter(pk__in={a["technician_id"] for a in result["assignments"]})
    }
    changes: dict[str, Any] = {}
    for a in result["assignments"]:
        if a["running"]:
            continue
        job = current[a["job_id"]]
        if job.technician_id != a["technician_id"]:
            workorders.job_assign(actor=actor, job=job, technician=technicians[a["technician_id"]])
        start, end = dt.datetime.fromisoformat(a["start"]), dt.datetime.fromisoformat(a["end"])
        before = signature(job)
        # The technician is the job's (written by job_assign above); the rest, the plan's.
        job.technician_id = a["technician_id"]
        job.plan, _made = JobPlan.objects.update_or_create(
            job=job,
            defaults={"bay": bays.get(a["bay_id"]), "planned_start": start, "planned_end": end},
        )
        changes[str(job.pk)] = [before, signature(job)]
    for item in result["unplaced"]:
        left_out = current.get(item["job_id"])
        if left_out is None or jobs.plan_of(left_out).planned_start is None:
            continue
        job = left_out
        if jobs.running_entry(job):
            continue
        before = signature(job)
        JobPlan.objects.filter(job=job).update(planned_start=None, planned_end=None)
        job.plan.planned_start = job.plan.planned_end = None
        changes[str(job.pk)] = [before, signature(job)]
    run.status = PlanningStatus.APPLIED
    run.applied_at = timezone.now()
    run.save(update_fields=["status", "applied_at"])
    audit_record(
        actor=actor,
        action="plan_applied",
        target=run,
        workshop_id=run.workshop_id,
        changes={"jobs": changes},
    )
    return run


@transaction.atomic
def planning_run_discard(*, actor: User, run: PlanningRun) -> PlanningRun:
    """The foreman keeps the current plan: the proposal is discarded (who, when) and can no
    longer be applied. Discarding it again changes nothing; an applied one stays applied."""
    run = PlanningRun.objects.select_for_update().get(pk=run.pk)
    access_for(actor).require(Perm.PLAN, run.workshop_id)
    if run.status == PlanningStatus.APPLIED:
        raise ValidationError(_("This proposal has been applied already."))
    if run.status == PlanningStatus.DISCARDED:
        return run
    run.status = PlanningStatus.DISCARDED
    run.discarded_at, run.discarded_by = timezone.now(), actor
    run.save(update_fields=["status", "discarded_at", "discarded_by"])
    return run
