"""Writes of the dispatch board: the foreman moves one job by hand."""

import datetime as dt
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from servicelane.control.choices import Equipment, Skill
from servicelane.control.jobs import selectors as jobs
from servicelane.control.models import Bay, JobPlan, Shift
from servicelane.control.roster import selectors as roster
from servicelane.core.audit import audit_record
from servicelane.core.choices import QualificationLevel, WorkshopRole
from servicelane.core.dates import check_date
from servicelane.core.models import Membership, User
from servicelane.core.permissions import Perm
from servicelane.core.tenancy import access_for
from servicelane.tools.selectors import copies_held_by_jobs, usable_copies
from servicelane.workorders.models import Job
from servicelane.workorders.part_lines.selectors import jobs_waiting_for_parts
from servicelane.workorders.selectors import jobs_for_update, jobs_of
from servicelane.workorders.work import services as workorders

# A start a little in the past is the foreman writing down what just began.
PAST_SLACK = dt.timedelta(minutes=15)


def _hm(moment: dt.datetime | None, zone: Any) -> str:
    return timezone.localtime(moment, zone).strftime("%H:%M") if moment is not None else ""


def _labels(choices: Any, values: list[str]) -> str:
    labels = dict(choices)
    return ", ".join(str(labels.get(v, v)) for v in values)


def _check_technician(job: Job, technician: User, needs: dict[str, list[str]]) -> list[str]:
    membership = Membership.objects.filter(
        workshop_id=job.repair_order.workshop_id, user=technician, role=WorkshopRole.TECHNICIAN
    ).first()
    if membership is None:
        return [_("Not a technician of this workshop.")]
    errors = []
    if (membership.level or 0) < job.level:
        errors.append(
            _("This job needs a technician of level “%(level)s” or above.")
            % {"level": QualificationLevel(job.level).label}
        )
    missing = sorted(set(needs["skills"]) - set(membership.skills or []))
    if missing:
        errors.append(
            _("%(name)s lacks the skills this job needs: %(skills)s.")
            % {"name": technician, "skills": _labels(Skill.choices, missing)}
        )
    return errors


def _check_bay(job: Job, bay: Bay, needs: dict[str, list[str]]) -> list[str]:
    if bay.workshop_id != job.repair_order.workshop_id or not bay.active:
        return [_("Choose a bay of this workshop that is in use.")]
    missing = sorted(set(needs["equipment"]) - set(bay.equipment or []))
    if missing:
        return [
            _("Bay %(bay)s lacks the equipment this job needs: %(equipment)s.")
            % {"bay": bay.code, "equipment": _labels(Equipment.choices, missing)}
        ]
    return []


def _check_parts(job: Job, start: dt.datetime, zone: Any) -> list[str]:
    """A job waiting for parts with a known arrival starts once they are here."""
    arrival = jobs_waiting_for_parts([job.pk]).get(job.pk)
    if arrival is not None and start < arrival:
        when = timezone.localtime(arrival, zone)
        return [
            _(
                "The parts for this job are expected at %(time)s on %(date)s; "
                "start it then or later."
            )
            % {"time": when.strftime("%H:%M"), "date": when.strftime("%Y-%m-%d")}
        ]
    return []


def _check_tools(
    job: Job, needs: dict[str, list[str]], overlapping: Any, day: dt.date
) -> list[str]:
    """Every special tool the job needs from the tools room has a usable copy not taken by
    another job planned at the same time (a copy checked out for the job is its own)."""
    workshop = job.repair_order.workshop
    held = copies_held_by_jobs(workshop, day)
    wanted = set(needs["tools"]) - held.get(job.pk, set())
    if not wanted:
        return []
    copies = usable_copies(workshop, day)
    others = list(overlapping.prefetch_related("lines__operation"))
    errors = []
    for number in sorted(wanted):
        if copies.get(number, 0) < 1:
            errors.append(
                _("The tools room has no usable copy of the special tool %(tools)s.")
                % {"tools": number}
            )
            continue
        taken = [
            other
            for other in others
            if number in jobs.job_needs(other)["tools"] and number not in held.get(other.pk, set())
        ]
        if len(taken) >= copies[number]:
            errors.append(
                _("Every usable copy of the special tool %(tool)s is taken then (%(jobs)s).")
                % {
                    "tool": number,
                    "jobs": ", ".join(f"{o.repair_order.number}/{o.position}" for o in taken),
                }
            )
    return errors


def _check_time(
    job: Job, technician: User, bay: Bay | None, start: dt.datetime, end: dt.datetime
) -> dict[str, list[str]]:
    workshop = job.repair_order.workshop
    zone = workshop.zone
    day = timezone.localdate(start, zone)
    errors: dict[str, list[str]] = {}
    if start < timezone.now() - PAST_SLACK:
        errors["start"] = [_("The start is in the past.")]
        return errors
    shift = Shift.objects.filter(workshop=workshop, technician=technician, date=day).first()
    if shift is None:
        errors["start"] = [_("%(name)s has no shift that day.") % {"name": technician}]
        return errors
    absences = roster.absences_of(workshop, day).get(technician.pk, [])
    windows = roster.shift_windows(shift, zone, absences)
    if not any(s <= start and end <= e for s, e in windows):
        spans = ", ".join(f"{_hm(s, zone)}–{_hm(e, zone)}" for s, e in windows) or "—"
        errors["start"] = [
            _(
                "%(start)s–%(end)s is not within %(name)s's working time "
                "(%(spans)s, without breaks and absences)."
            )
            % {"start": _hm(start, zone), "end": _hm(end, zone), "name": technician, "spans": spans}
        ]
        return errors
    overlapping = (
        jobs_of(workshop)
        .filter(
            status__in=jobs.PLANNABLE_JOB_STATUSES,
            plan__planned_start__lt=end,
            plan__planned_end__gt=start,
        )
        .exclude(pk=job.pk)
        .select_related("repair_order", "plan")
    )
    clash = overlapping.filter(technician=technician).first()
    if clash is not None:
        errors["start"] = [
            _("%(name)s works on job %(job)s of %(ro)s then (%(start)s–%(end)s).")
            % {
                "name": technician,
                "job": clash.position,
                "ro": clash.repair_order.number,
                "start": _hm(clash.plan.planned_start, zone),
                "end": _hm(clash.plan.planned_end, zone),
            }
        ]
    if bay is not None:
        taken = overlapping.filter(Q(plan__bay=bay)).first()
        if taken is not None:
            errors["bay"] = [
                _("Bay %(bay)s is taken by job %(job)s of %(ro)s then (%(start)s–%(end)s).")
                % {
                    "bay": bay.code,
                    "job": taken.position,
                    "ro": taken.repair_order.number,
                    "start": _hm(taken.plan.planned_start, zone),
                    "end": _hm(taken.plan.planned_end, zone),
                }
            ]
    if "start" not in errors:
        refusals = _check_parts(job, start, zone) + _check_tools(
            job, jobs.job_needs(job), overlapping, day
        )
        if refusals:
            errors["start"] = refusals
    return errors


@transaction.atomic
def job_reassign(
    *, actor: User, job: Job, technician: User, bay: Bay | None, start: dt.datetime
) -> Job:
    """Give a job to a technician, in a bay, from a start time: the technician has the job's
    level and skills, the bay its equipment, the job fits the technician's working time that
    day and clashes with no other planned job of the technician or the bay. A running job
    stays where it is."""
    job = (
        jobs_for_update()
        .select_related("repair_order__workshop", "technician", "plan")
        .prefetch_related("lines__operation", "clock_entries")
        .get(pk=job.pk)
    )
    access_for(actor).require(Perm.JOB_ASSIGN, job.repair_order.workshop_id)
    if (
        job.status not in jobs.PLANNABLE_JOB_STATUSES
        or job.repair_order.status not in jobs.WORKING_ORDER_STATUSES
    ):
        raise ValidationError(_("This job is not open for planning."))
    if jobs.running_entry(job) is not None:
        raise ValidationError(_("Someone is clocked on this job; they clock off first."))
    if start is None or timezone.is_naive(start):
        raise ValidationError({"start": [_("Enter a start time.")]})
    check_date(start, "start")
    needs = jobs.job_needs(job)
    errors: dict[str, list[str]] = {}
    technician_errors = _check_technician(job, technician, needs)
    if technician_errors:
        errors["technician"] = technician_errors
    if bay is None and needs["equipment"]:
        errors["bay"] = [_("Choose a bay with the equipment this job needs.")]
    elif bay is not None:
        bay_errors = _check_bay(job, bay, needs)
        if bay_errors:
            errors["bay"] = bay_errors
    end = start + dt.timedelta(minutes=jobs.remaining_minutes(job, timezone.now()))
    if not errors:
        errors = _check_time(job, technician, bay, start, end)
    if errors:
        raise ValidationError(errors)

    if job.technician_id != technician.pk:
        workorders.job_assign(actor=actor, job=job, technician=technician)
    plan = jobs.plan_of(job)
    before = {
        "technician": job.technician_id,
        "bay": plan.bay_id,
        "planned_start": plan.planned_start.isoformat() if plan.planned_start else None,
        "planned_end": plan.planned_end.isoformat() if plan.planned_end else None,
    }
    # The technician is the job's (workorders writes it); where and when, the plan's.
    JobPlan.objects.update_or_create(
        job=job, defaults={"bay": bay, "planned_start": start, "planned_end": end}
    )
    job.refresh_from_db()
    after = {
        "technician": technician.pk,
        "bay": bay.pk if bay else None,
        "planned_start": start.isoformat(),
        "planned_end": end.isoformat(),
    }
    audit_record(
        actor=actor,
        action="job_planned",
        target=job,
        workshop_id=job.repair_order.workshop_id,
        changes={k: [before[k], v] for k, v in after.items() if before[k] != v},
    )
    return job
