"""The bay: a technician's jobs and clock on a tablet, and the three-level quality check.

Technicians hold no right to the customer's personal data, so these screens show the
car, the order's concerns and the work, never who the customer is.
"""

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Exists, OuterRef
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from servicelane.core.errors import apply_to_form
from servicelane.core.models import Workshop
from servicelane.core.panels import render_panels
from servicelane.core.permissions import Perm
from servicelane.core.tenancy import access_for
from servicelane.core.viewutils import require_perm
from servicelane.workorders.choices import QC_CHECKLIST, JobStatus, LineKind, QCLevel, ROStatus
from servicelane.workorders.estimate.services import job_add
from servicelane.workorders.models import Job, RepairOrder
from servicelane.workorders.part_lines.selectors import jobs_waiting_for_parts
from servicelane.workorders.quality.forms import QualityCheckForm
from servicelane.workorders.quality.selectors import (
    QC_PERMS,
    qc_next_level,
    qc_queue_for_user,
    repair_order_for_qc,
)
from servicelane.workorders.quality.services import quality_check_record
from servicelane.workorders.reception.services import photo_add
from servicelane.workorders.registry import slot_of, technician_panels, with_plans
from servicelane.workorders.selectors import checklist_points, job_get_for_user
from servicelane.workorders.work.forms import (
    FoundWorkForm,
    PauseForm,
    PhotoForm,
)
from servicelane.workorders.work.selectors import (
    job_time_summary,
    jobs_for_technician,
    running_entry,
)
from servicelane.workorders.work.services import job_clock_on, job_finish, job_pause

# Work on the order that waits for the customer's (or the advisor's) word.
AWAITING_APPROVAL = (JobStatus.DRAFT, JobStatus.PENDING)


def hms(seconds: int) -> str:
    """A running clock as the screen shows it: 1:05:09."""
    seconds = abs(int(seconds))
    return f"{seconds // 3600}:{seconds % 3600 // 60:02d}:{seconds % 60:02d}"


def hours(minutes: int) -> str:
    """A time in hours and minutes: 1:30 h."""
    sign = "−" if minutes < 0 else ""
    minutes = abs(int(minutes))
    return _("%(sign)s%(hours)d:%(minutes)02d h") % {
        "sign": sign,
        "hours": minutes // 60,
        "minutes": minutes % 60,
    }


# ---------------------------------------------------------------- my jobs


def _clock_workshop(request: HttpRequest) -> Workshop | None:
    """The workshop chosen in the top bar, when the user clocks there."""
    workshop = getattr(request, "workshop", None)
    if workshop is not None and access_for(request.user).can(Perm.JOB_CLOCK, workshop.pk):
        return workshop
    return None


def _decorate(job: Job, user_id: int, now: Any) -> Job:
    """What a job card shows: the running clock, flat-rate time, the promise."""
    job.running_entry = next(
        (e for e in job.clock_entries.all() if e.ended_at is None and e.technician_id == user_id),
        None,
    )
    job.running_seconds = (
        int((now - job.running_entry.started_at).total_seconds()) if job.running_entry else 0
    )
    job.running_text = hms(job.running_seconds)
    job.time = job_time_summary(job)
    job.flat_rate_text = hours(job.time["flat_rate_minutes"])
    job.clocked_text = hours(job.time["clocked_minutes"])
    promised_at = job.repair_order.promised_at
    job.promise_seconds = int((promised_at - now).total_seconds()) if promised_at else None
    job.promise_text = hms(job.promise_seconds) if promised_at else ""
    return job


def _my_jobs_context(request: HttpRequest) -> dict[str, Any]:
    mine = jobs_for_technician(user=request.user, workshop=_clock_workshop(request))
    jobs = with_plans(mine).annotate(
        awaiting_approval=Exists(
            Job.objects.filter(repair_order=OuterRef("repair_order"), status__in=AWAITING_APPROVAL)
        )
    )
    now = timezone.now()
    jobs = list(jobs)
    waiting = jobs_waiting_for_parts([job.pk for job in jobs])
    running, assigned, unassigned = [], [], []
    for job in jobs:
        _decorate(job, request.user.pk, now)
        job.slot = slot_of(job)
        job.waiting_for_parts = job.pk in waiting
        job.parts_expected = waiting.get(job.pk)
        if job.running_entry is not None:
            running.append(job)
        elif job.technician_id == request.user.pk:
            assigned.append(job)
        else:
            unassigned.append(job)
    # The foreman's plan sets the order of the technician's own jobs; unplanned ones follow.
    assigned.sort(key=lambda job: (job.slot.planned_start is None, job.slot.planned_start or now))
    return {"running": running, "assigned": assigned, "unassigned": unassigned}


@require_perm(Perm.JOB_CLOCK)
def my_jobs(request: HttpRequest) -> HttpResponse:
    """The technician's tablet: the running job, their jobs, jobs they may take."""
    context = _my_jobs_context(request)
    if request.htmx:
        return render(request, "workorders/bay/partials/_my_jobs.html", context)
    context["panels"] = render_panels(technician_panels, request, request.user)
    return render(request, "workorders/bay/my_jobs.html", context)


# ---------------------------------------------------------------- one job


def _job(request: HttpRequest, job_id: int) -> Job:
    return job_get_for_user(user=request.user, pk=job_id, perm=Perm.JOB_CLOCK)


def _job_page(
    request: HttpRequest,
    job: Job,
    *,
    status: int = 200,
    clock_errors: list[str] | None = None,
    pause_form: PauseForm | None = None,
    found_form: FoundWorkForm | None = None,
    photo_form: PhotoForm | None = None,
) -> HttpResponse:
    now = timezone.now()
    _decorate(job, request.user.pk, now)
    order = job.repair_order
    lines = list(job.lines.all())
    entries = sorted(job.clock_entries.all(), key=lambda e: (e.started_at, e.pk))
    for entry in entries:
        entry.duration_text = hms(entry.seconds)
    elsewhere = running_entry(request.user)
    if elsewhere is not None and elsewhere.job_id == job.pk:
        elsewhere = None
    workable = job.status in (JobStatus.APPROVED, JobStatus.PAUSED) and order.status in (
        ROStatus.CHECKED_IN,
        ROStatus.INSPECTION,
        ROStatus.ESTIMATE_SENT,
        ROStatus.APPROVED,
        ROStatus.IN_PROGRESS,
    )
    pause_form = pause_form or PauseForm()
    found_form = found_form or FoundWorkForm()
    photo_form = photo_form or PhotoForm()
    order_open = order.is_open and order.status not in (ROStatus.READY, ROStatus.INVOICED)
    # Refusals that belong to no field are shown on top, where the clock buttons are.
    alerts = list(clock_errors or []) + list(pause_form.non_field_errors())
    if not order_open:
        alerts += list(found_form.non_field_errors()) + list(photo_form.non_field_errors())
    context = {
        "job": job,
        "order": order,
        "vehicle": order.vehicle,
        "labour_lines": [line for line in lines if line.kind == LineKind.LABOUR],
        "part_lines": [line for line in lines if line.kind == LineKind.PART],
        "entries": entries,
        "running_elsewhere": elsewhere,
        "can_clock_on": job.running_entry is None
        and workable
        and job.technician_id in (None, request.user.pk),
        "difference_text": hours(job.time["difference_minutes"]),
        "alerts": alerts,
        "pause_form": pause_form,
        "found_form": found_form,
        "photo_form": photo_form,
        "order_open": order_open,
        "photo_count": order.photos.count(),
    }
    return render(request, "workorders/bay/job.html", context, status=status)


@require_perm(Perm.JOB_CLOCK)
def job_detail(request: HttpRequest, job_id: int) -> HttpResponse:
    """One job: its lines, the clock, found work and photos."""
    return _job_page(request, _job(request, job_id))


@require_POST
@require_perm(Perm.JOB_CLOCK)
def clock_on(request: HttpRequest, job_id: int) -> HttpResponse:
    job = _job(request, job_id)
    try:
        job_clock_on(actor=request.user, job=job)
    except ValidationError as exc:
        return _job_page(request, _job(request, job_id), status=400, clock_errors=exc.messages)
    messages.success(
        request,
        _("Clocked on job %(job)s of %(ro)s.")
        % {"job": job.position, "ro": job.repair_order.number},
    )
    return redirect("bay:job", job_id=job.pk)


@require_POST
@require_perm(Perm.JOB_CLOCK)
def pause(request: HttpRequest, job_id: int) -> HttpResponse:
    job = _job(request, job_id)
    form = PauseForm(request.POST)
    if form.is_valid():
        try:
            job_pause(actor=request.user, job=job, reason=form.reason_text())
        except ValidationError as exc:
            apply_to_form(form, exc)
        else:
            messages.success(
                request,
                _("Job %(job)s of %(ro)s paused.")
                % {"job": job.position, "ro": job.repair_order.number},
            )
            return redirect("bay:my_jobs")
    return _job_page(request, _job(request, job_id), status=400, pause_form=form)


@require_POST
@require_perm(Perm.JOB_CLOCK)
def finish(request: HttpRequest, job_id: int) -> HttpResponse:
    job = _job(request, job_id)
    try:
        done = job_finish(actor=request.user, job=job)
    except ValidationError as exc:
        return _job_page(request, _job(request, job_id), status=400, clock_errors=exc.messages)
    if done.repair_order.status == ROStatus.QUALITY_CHECK:
        message = _(
            "Job %(job)s done. All work on %(ro)s is done: the car waits for its quality check."
        )
    else:
        message = _("Job %(job)s of %(ro)s done.")
    messages.success(request, message % {"job": job.position, "ro": job.repair_order.number})
    return redirect("bay:my_jobs")


@require_POST
@require_perm(Perm.JOB_CLOCK)
def found_work(request: HttpRequest, job_id: int) -> HttpResponse:
    """Work found during the repair: recorded for the advisor's supplementary estimate."""
    job = _job(request, job_id)
    form = FoundWorkForm(request.POST)
    if form.is_valid():
        try:
            job_add(
                actor=request.user,
                repair_order=job.repair_order,
                title=form.cleaned_data["title"],
                description=form.cleaned_data["description"],
            )
        except ValidationError as exc:
            apply_to_form(form, exc)
        else:
            messages.success(
                request,
                _(
                    "Found work reported. The advisor asks the customer; "
                    "it starts once it is approved."
                ),
            )
            return redirect("bay:job", job_id=job.pk)
    return _job_page(request, _job(request, job_id), status=400, found_form=form)


@require_POST
@require_perm(Perm.JOB_CLOCK)
def photo(request: HttpRequest, job_id: int) -> HttpResponse:
    job = _job(request, job_id)
    form = PhotoForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            photo_add(
                actor=request.user,
                repair_order=job.repair_order,
                upload=form.cleaned_data["image"],
                caption=form.cleaned_data["caption"],
                shared=form.cleaned_data["shared"],
            )
        except ValidationError as exc:
            apply_to_form(form, exc)
        else:
            messages.success(request, _("Photo added."))
            return redirect("bay:job", job_id=job.pk)
    return _job_page(request, _job(request, job_id), status=400, photo_form=form)


# ---------------------------------------------------------------- quality check


def _require_some_qc(request: HttpRequest) -> None:
    access = access_for(request.user)
    if not any(access.can(perm) for perm in QC_PERMS.values()):
        raise PermissionDenied(_("Your role does not allow this."))


@login_required
def qc_queue(request: HttpRequest) -> HttpResponse:
    """Cars waiting for a check: first those at a level the user may do."""
    _require_some_qc(request)
    access = access_for(request.user)
    mine: list[RepairOrder] = []
    others: list[RepairOrder] = []
    for order in qc_queue_for_user(user=request.user):
        level = order.next_qc_level
        order.next_qc_label = QCLevel(level).label if level else ""
        order.rounds_failed = sum(1 for c in order.quality_checks.all() if not c.passed)
        if level and access.can(QC_PERMS[level], order.workshop_id):
            mine.append(order)
        else:
            others.append(order)
    return render(
        request,
        "workorders/bay/qc_queue.html",
        {"mine": mine, "others": others, "now": timezone.now()},
    )


@login_required
def qc_check(request: HttpRequest, repair_order_id: int, level: int) -> HttpResponse:
    """The checklist of one level; pass, or fail with the jobs to redo."""
    try:
        level = QCLevel(level)
    except ValueError:
        raise Http404(_("Not found.")) from None
    # Wrong role: 403. Right role, but not in this order's workshop: 404 from the selector.
    access_for(request.user).require(QC_PERMS[level])
    order = repair_order_for_qc(user=request.user, pk=repair_order_id, level=level)
    points = checklist_points(order.workshop, QC_CHECKLIST[level])
    done_jobs = [job for job in order.jobs.all() if job.status == JobStatus.DONE]
    form = QualityCheckForm(request.POST or None, points=points, jobs=done_jobs)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                quality_check_record(
                    actor=request.user,
                    repair_order=order,
                    level=level,
                    passed=form.passed,
                    answers=form.answers(),
                    note=form.cleaned_data["note"],
                    rework_job_ids=form.cleaned_data["rework_job_ids"],
                )
            except ValidationError as exc:
                apply_to_form(form, exc)
            else:
                if form.passed:
                    text = _("%(level)s passed for %(ro)s.")
                else:
                    text = _("%(level)s failed for %(ro)s: the jobs go back to the bay.")
                messages.success(request, text % {"level": level.label, "ro": order.number})
                return redirect("bay:qc_queue")
        status = 400
    next_level = qc_next_level(order) if order.status == ROStatus.QUALITY_CHECK else None
    checks = list(order.quality_checks.all())
    for check in checks:
        check.level_label = QCLevel(check.level).label
    context = {
        "order": order,
        "vehicle": order.vehicle,
        "level": level,
        "form": form,
        "waiting": order.status == ROStatus.QUALITY_CHECK and next_level == level,
        "next_level": QCLevel(next_level) if next_level else None,
        "may_do_next": bool(next_level)
        and access_for(request.user).can(QC_PERMS[next_level], order.workshop_id),
        "checks": checks,
        "jobs": [job for job in order.jobs.all() if job.is_agreed],
    }
    return render(request, "workorders/bay/qc.html", context, status=status)
