"""The dispatch board: the workshop day on one screen, the planner's proposal beside it,
and a job moved by hand.

The board is the current workshop's; reading it needs the board permission (foreman,
manager, advisor), planning needs the planning permission (foreman, manager) and moving a
job needs the right to assign jobs. The services check the rules and permissions again.
"""

import datetime as dt
from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from servicelane.control.board import selectors, services
from servicelane.control.board.forms import DayForm, PlanForm, ReassignForm
from servicelane.control.choices import PlanningStatus
from servicelane.control.jobs import selectors as jobs
from servicelane.control.models import PlanningRun
from servicelane.control.planning import runs
from servicelane.control.planning import selectors as planning
from servicelane.core.errors import apply_to_form
from servicelane.core.models import Workshop
from servicelane.core.permissions import Perm
from servicelane.core.tenancy import access_for
from servicelane.core.types import WorkshopRequest
from servicelane.core.viewutils import require_perm, workshop_with
from servicelane.workorders import selectors as workorders

# The board refreshes itself this often; a proposal being computed is asked for more often.
REFRESH_SECONDS = 15
RUN_POLL_SECONDS = 2


def _day(request: WorkshopRequest, workshop: Workshop, data: Any = None) -> dt.date:
    form = DayForm(data if data is not None else request.GET)
    if form.is_valid() and form.cleaned_data["date"]:
        return form.cleaned_data["date"]
    return timezone.localdate(timezone.now(), workshop.zone)


def _board_url(day: dt.date, run: PlanningRun | None = None) -> str:
    url = f"{reverse('control:board')}?date={day.isoformat()}"
    return f"{url}&run={run.pk}" if run is not None else url


def _run(request: WorkshopRequest, run_id: Any) -> PlanningRun:
    return planning.planning_run_get_for_user(user=request.user, pk=run_id)


def _context(
    request: WorkshopRequest,
    workshop: Workshop,
    day: dt.date,
    *,
    run: PlanningRun | None = None,
    reassign: dict[str, Any] | None = None,
) -> dict[str, Any]:
    data = selectors.board(workshop, day)
    access = access_for(request.user)
    today = timezone.localdate(timezone.now(), workshop.zone)
    return {
        "board": data,
        "day": day,
        "previous_day": day - dt.timedelta(days=1),
        "next_day": day + dt.timedelta(days=1),
        "today": today,
        "may_plan": access.can(Perm.PLAN, workshop.pk) and day >= today,
        "may_assign": access.can(Perm.JOB_ASSIGN, workshop.pk),
        "plan_form": PlanForm(initial={"date": day}),
        "proposal": planning.proposal(run, data) if run is not None else None,
        "reassign": reassign,
        "refresh_seconds": REFRESH_SECONDS,
        "run_poll_seconds": RUN_POLL_SECONDS,
    }


# ---------------------------------------------------------------- the board


@require_GET
@require_perm(Perm.BOARD_VIEW)
def board(request: WorkshopRequest) -> HttpResponse:
    """Today's board (or ?date=), with the day's latest open proposal beside it."""
    workshop = workshop_with(request, Perm.BOARD_VIEW)
    day = _day(request, workshop)
    if request.htmx:
        # The board's own refresh: only the board is swapped.
        context = _context(request, workshop, day)
        return render(request, "control/partials/_board.html", context)
    run = (
        _run(request, request.GET["run"])
        if request.GET.get("run")
        else planning.latest_open_run(workshop, day)
    )
    if run is not None and (run.workshop_id != workshop.pk or run.date != day):
        run = None
    return render(request, "control/board.html", _context(request, workshop, day, run=run))


# ---------------------------------------------------------------- planning runs


@require_POST
@require_perm(Perm.PLAN)
def plan(request: WorkshopRequest) -> HttpResponse:
    """Plan the rest of the day: the proposal appears beside the board."""
    workshop = workshop_with(request, Perm.PLAN)
    form = PlanForm(request.POST)
    day = _day(request, workshop, request.POST)
    if not form.is_valid():
        messages.error(request, " ".join(str(m) for ms in form.errors.values() for m in ms))
        return redirect(_board_url(day))
    try:
        run = runs.planning_run_request(
            actor=request.user,
            workshop=workshop,
            day=form.cleaned_data["date"],
            time_limit_s=form.cleaned_data["time_limit_s"] or runs.DEFAULT_TIME_LIMIT_S,
        )
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect(_board_url(day))
    if run.status == PlanningStatus.FAILED:
        messages.error(request, run.result.get("error") or _("The planner could not plan."))
    return redirect(_board_url(run.date, run))


@require_GET
@require_perm(Perm.BOARD_VIEW)
def run_detail(request: WorkshopRequest, run_id: int) -> HttpResponse:
    """A proposal: the panel beside the board (polled while the planner works)."""
    run = _run(request, run_id)
    if not request.htmx:
        return redirect(_board_url(run.date, run))
    data = selectors.board(run.workshop, run.date)
    context = {
        "proposal": planning.proposal(run, data),
        "day": run.date,
        "may_plan": access_for(request.user).can(Perm.PLAN, run.workshop_id),
        "run_poll_seconds": RUN_POLL_SECONDS,
    }
    return render(request, "control/partials/_board_proposal.html", context)


@require_POST
@require_perm(Perm.PLAN)
def run_apply(request: WorkshopRequest, run_id: int) -> HttpResponse:
    run = _run(request, run_id)
    try:
        runs.planning_run_apply(actor=request.user, run=run)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect(_board_url(run.date, run))
    count = sum(1 for a in run.result.get("assignments", []) if not a.get("running"))
    messages.success(
        request,
        ngettext(
            "The plan is applied: %(count)s job planned. The technicians' tablets show it.",
            "The plan is applied: %(count)s jobs planned. The technicians' tablets show it.",
            count,
        )
        % {"count": count},
    )
    return redirect(_board_url(run.date))


@require_POST
@require_perm(Perm.PLAN)
def run_discard(request: WorkshopRequest, run_id: int) -> HttpResponse:
    run = _run(request, run_id)
    try:
        runs.planning_run_discard(actor=request.user, run=run)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("Proposal discarded; the current plan stays."))
    return redirect(_board_url(run.date))


# ---------------------------------------------------------------- one job by hand


@require_http_methods(["GET", "POST"])
@require_perm(Perm.JOB_ASSIGN)
def job_reassign(request: WorkshopRequest, job_id: int) -> HttpResponse:
    """Who does the job, in which bay, from when; refusals inline beside the board."""
    job = workorders.job_get_for_user(user=request.user, pk=job_id, perm=Perm.JOB_ASSIGN)
    workshop = job.repair_order.workshop
    access_for(request.user).require(Perm.BOARD_VIEW, workshop.pk)
    zone = workshop.zone
    if request.method == "POST":
        form = ReassignForm(request.POST, workshop=workshop)
        day = _day(request, workshop, request.POST)
        if form.is_valid():
            try:
                services.job_reassign(
                    actor=request.user,
                    job=job,
                    technician=form.technician_user(),
                    bay=form.bay_object(),
                    start=form.start_at(),
                )
            except ValidationError as exc:
                apply_to_form(form, exc)
            else:
                messages.success(
                    request,
                    _("Job %(job)s of %(ro)s planned for %(name)s at %(time)s.")
                    % {
                        "job": job.position,
                        "ro": job.repair_order.number,
                        "name": form.technician_user(),
                        "time": form.cleaned_data["start"].strftime("%H:%M"),
                    },
                )
                return redirect(_board_url(form.cleaned_data["date"]))
        status = 400
    else:
        day = _day(request, workshop)
        plan = jobs.plan_of(job)
        if plan.planned_start:
            day = timezone.localdate(plan.planned_start, zone)
        start = plan.planned_start or timezone.now()
        form = ReassignForm(
            workshop=workshop,
            initial={
                "technician": job.technician_id,
                "bay": plan.bay_id,
                "start": timezone.localtime(start, zone).strftime("%H:%M"),
                "date": day,
            },
        )
        status = 200
    job_needs = jobs.job_needs(job)
    reassign = {
        "job": job,
        "form": form,
        "needs": job_needs,
        "equipment_labels": selectors.equipment_labels(job_needs["equipment"]),
        "skill_labels": selectors.skill_labels(job_needs["skills"]),
        "remaining_minutes": jobs.remaining_minutes(job, timezone.now()),
        "day": day,
    }
    if request.htmx and request.method == "GET":
        return render(request, "control/partials/_board_reassign.html", {"reassign": reassign})
    context = _context(request, workshop, day, reassign=reassign)
    return render(request, "control/board.html", context, status=status)


urls = [
    path("", board, name="board"),
    path("plan/", plan, name="plan"),
    path("runs/<int:run_id>/", run_detail, name="run"),
    path("runs/<int:run_id>/apply/", run_apply, name="run_apply"),
    path("runs/<int:run_id>/discard/", run_discard, name="run_discard"),
    path("jobs/<int:job_id>/reassign/", job_reassign, name="job_reassign"),
]
