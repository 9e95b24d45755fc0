"""The special tools room and the roster screens of the control centre.

The tools register (where every copy is, what is overdue) is read by the foreman, by
whoever sees the board and by technicians; the tools room's permission checks tools out,
takes them back and changes their state. The roster (technicians' level and skills,
shifts, absences, bays) belongs to whoever holds the roster permission. Every screen is
the current workshop's; the services check the rules and permissions again.
"""

import datetime as dt
from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils import timezone
from django.utils.dateparse import parse_date
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from servicelane.control import roster_services, services
from servicelane.control import tools_selectors as selectors
from servicelane.control.choices import ToolState
from servicelane.control.models import SpecialTool
from servicelane.control.tools_forms import (
    AbsenceForm,
    BayForm,
    CalibrationDoneForm,
    CheckOutForm,
    ShiftForm,
    TechnicianForm,
    ToolFilterForm,
    ToolRegisterForm,
    ToolStateForm,
)
from servicelane.core.dates import is_sane_date
from servicelane.core.errors import apply_to_form
from servicelane.core.models import Workshop
from servicelane.core.permissions import Perm
from servicelane.core.tenancy import access_for
from servicelane.core.viewutils import paginate, query_without_page, require_perm


def require_any_perm(
    *perms: Perm,
) -> Callable[[Callable[..., HttpResponse]], Callable[..., HttpResponse]]:
    """Login required, and a role that grants one of ``perms`` somewhere (else 403)."""

    def decorator(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
        @login_required
        @wraps(view)
        def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            access = access_for(request.user)
            if not any(access.can(perm) for perm in perms):
                raise PermissionDenied(_("Your role does not allow this."))
            return view(request, *args, **kwargs)

        return wrapped

    return decorator


def _workshop(request: HttpRequest, *perms: Perm) -> Workshop:
    """The current workshop, if the user's role there grants one of ``perms``."""
    workshop = request.workshop
    access = access_for(request.user)
    if workshop is None or not any(access.can(perm, workshop.pk) for perm in perms):
        raise PermissionDenied(_("Choose a workshop where your role allows this."))
    return workshop


def _may_manage_tools(request: HttpRequest, workshop: Workshop) -> bool:
    return access_for(request.user).can(Perm.TOOLS_MANAGE, workshop.pk)


def _back(request: HttpRequest, fallback: str) -> HttpResponse:
    target = request.POST.get("next", "")
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return redirect(target)
    return redirect(fallback)


# ---------------------------------------------------------------- the register


@require_GET
@require_any_perm(*selectors.TOOL_READ_PERMS)
def tools_list(request: HttpRequest) -> HttpResponse:
    """Every copy: its place, its state, where it is now, when it is due back and when
    its calibration falls due, overdue ones flagged."""
    workshop = _workshop(request, *selectors.TOOL_READ_PERMS)
    form = ToolFilterForm(request.GET)
    filters = {"q": "", "state": "", "flag": ""}
    if form.is_valid():
        filters.update({k: form.cleaned_data[k] or "" for k in filters})
    tools = selectors.tools_register(user=request.user, workshop=workshop, **filters)
    page = paginate(request, tools)
    page.object_list = selectors.with_flags(page.object_list)
    now, today = timezone.now(), timezone.localdate()
    summary = SpecialTool.objects.filter(workshop=workshop).aggregate(
        out=Count("pk", filter=Q(state=ToolState.CHECKED_OUT)),
        overdue=Count("pk", filter=Q(state=ToolState.CHECKED_OUT, due_back_at__lt=now)),
        calibration=Count(
            "pk",
            filter=Q(
                calibration_due__lte=today + dt.timedelta(days=selectors.CALIBRATION_WARNING_DAYS)
            ),
        ),
    )
    context = {
        "workshop": workshop,
        "form": form,
        "page": page,
        "filtered": any(filters.values()),
        "query": query_without_page(request),
        "summary": summary,
        "can_manage": _may_manage_tools(request, workshop),
        "next": request.get_full_path(),
    }
    if request.htmx:
        return render(request, "control/partials/_tools_results.html", context)
    return render(request, "control/tools.html", context)


@require_http_methods(["GET", "POST"])
@require_perm(Perm.TOOLS_MANAGE)
def tool_register(request: HttpRequest) -> HttpResponse:
    """Register a copy of a special tool: number, name, storage place, calibration due;
    a known number gets its next copy number."""
    workshop = _workshop(request, Perm.TOOLS_MANAGE)
    if request.method == "POST":
        form = ToolRegisterForm(request.POST)
        if form.is_valid():
            try:
                tool = services.tool_register(
                    actor=request.user, workshop=workshop, **form.cleaned_data
                )
            except ValidationError as exc:
                apply_to_form(form, exc)
            else:
                messages.success(
                    request,
                    _("Copy %(copy)s of %(number)s is registered, in its place %(place)s.")
                    % {"copy": tool.copy, "number": tool.number, "place": tool.storage_place},
                )
                return redirect("control:tool", tool_id=tool.pk)
    else:
        form = ToolRegisterForm()
    status = 400 if form.is_bound and form.errors else 200
    return render(
        request, "control/tools_register.html", {"workshop": workshop, "form": form}, status=status
    )


def _needing_with_status(workshop: Workshop, tool: SpecialTool) -> list[Any]:
    """The open jobs needing the tool's number, each with how its copies stand for it
    (``job.tool_needs``: free, with this job, taken by whom for which order)."""
    needing = selectors.jobs_needing_tool(workshop, tool.number)
    needs = selectors.tools_for_jobs(job.pk for job in needing)
    for job in needing:
        job.tool_needs = [n for n in needs.get(job.pk, []) if n.number == tool.number]
    return needing


def _detail(
    request: HttpRequest,
    tool: SpecialTool,
    *,
    state_form: ToolStateForm | None = None,
    calibration_form: CalibrationDoneForm | None = None,
    status: int = 200,
) -> HttpResponse:
    workshop = tool.workshop
    can_manage = _may_manage_tools(request, workshop)
    movements = paginate(request, selectors.tool_movements(tool))
    copies = selectors.with_flags(
        selectors.tools_register(user=request.user, workshop=workshop).filter(number=tool.number)
    )
    needing = _needing_with_status(workshop, tool)
    context = {
        "workshop": workshop,
        "tool": tool,
        "copies": copies,
        "needing": needing,
        "movements": movements,
        "page": movements,
        "query": query_without_page(request),
        "can_manage": can_manage,
        "state_form": state_form or ToolStateForm(),
        "calibration_form": calibration_form or CalibrationDoneForm(),
        "next": request.path,
    }
    return render(request, "control/tools_detail.html", context, status=status)


@require_GET
@require_any_perm(*selectors.TOOL_READ_PERMS)
def tool_detail(request: HttpRequest, tool_id: int) -> HttpResponse:
    """One copy: where it belongs and where it is, its other copies, the open jobs that
    need its number, and its movement log."""
    workshop = _workshop(request, *selectors.TOOL_READ_PERMS)
    tool = selectors.tool_get(user=request.user, tool_id=tool_id, workshop=workshop)
    return _detail(request, tool)


def _check_out_form(
    request: HttpRequest, workshop: Workshop, tool: SpecialTool, data: Any = None
) -> CheckOutForm:
    jobs = list(selectors.open_jobs(workshop))
    needing_ids = {job.pk for job in selectors.jobs_needing_tool(workshop, tool.number)}
    initial: dict[str, Any] = {}
    wanted = selectors.open_job_get(workshop, request.GET.get("job")) if data is None else None
    if wanted is not None:
        initial = {"job": wanted.pk, "technician": wanted.technician_id}
    return CheckOutForm(
        data,
        initial=initial,
        members=selectors.technicians(workshop),
        needing=[job for job in jobs if job.pk in needing_ids],
        others=[job for job in jobs if job.pk not in needing_ids],
    )


@require_http_methods(["GET", "POST"])
@require_perm(Perm.TOOLS_MANAGE)
def tool_check_out(request: HttpRequest, tool_id: int) -> HttpResponse:
    """Hand the tool to a technician of the workshop, for an open job or none; the jobs
    that need this tool number come first (``?job=`` chooses one)."""
    workshop = _workshop(request, Perm.TOOLS_MANAGE)
    tool = selectors.tool_get(user=request.user, tool_id=tool_id, workshop=workshop)
    if request.method == "POST":
        form = _check_out_form(request, workshop, tool, request.POST)
        if form.is_valid():
            member = selectors.technician_get(workshop, form.cleaned_data["technician"])
            job = None
            if form.cleaned_data["job"]:
                job = selectors.open_job_get(workshop, form.cleaned_data["job"])
            try:
                if form.cleaned_data["job"] and job is None:
                    raise ValidationError({"job": [_("This job is not open any more.")]})
                services.tool_check_out(
                    actor=request.user,
                    tool=tool,
                    technician=member.user,
                    job=job,
                    until=form.cleaned_data["until"],
                )
            except ValidationError as exc:
                apply_to_form(form, exc)
            else:
                messages.success(
                    request,
                    _("%(tool)s is checked out to %(technician)s.")
                    % {"tool": tool, "technician": member.user},
                )
                return redirect("control:tools")
    else:
        form = _check_out_form(request, workshop, tool)
    needing = _needing_with_status(workshop, tool)
    context = {"workshop": workshop, "tool": tool, "form": form, "needing": needing}
    status = 400 if form.is_bound and form.errors else 200
    return render(request, "control/tools_check_out.html", context, status=status)


@require_POST
@require_perm(Perm.TOOLS_MANAGE)
def tool_return(request: HttpRequest, tool_id: int) -> HttpResponse:
    """The tool is back in its place."""
    workshop = _workshop(request, Perm.TOOLS_MANAGE)
    tool = selectors.tool_get(user=request.user, tool_id=tool_id, workshop=workshop)
    try:
        services.tool_return(actor=request.user, tool=tool)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("%(tool)s is back in its place.") % {"tool": tool})
    return _back(request, reverse("control:tools"))


@require_POST
@require_perm(Perm.TOOLS_MANAGE)
def tool_state(request: HttpRequest, tool_id: int) -> HttpResponse:
    """To calibration, defective, or back in its place."""
    workshop = _workshop(request, Perm.TOOLS_MANAGE)
    tool = selectors.tool_get(user=request.user, tool_id=tool_id, workshop=workshop)
    form = ToolStateForm(request.POST)
    if form.is_valid():
        try:
            services.tool_state_change(
                actor=request.user, tool=tool, state=form.cleaned_data["state"]
            )
        except ValidationError as exc:
            apply_to_form(form, exc)
        else:
            messages.success(request, _("The tool's state is changed."))
            return redirect("control:tool", tool_id=tool.pk)
    return _detail(request, tool, state_form=form, status=400)


@require_POST
@require_perm(Perm.TOOLS_MANAGE)
def tool_calibrated(request: HttpRequest, tool_id: int) -> HttpResponse:
    """Back from calibration, with the date the next one falls due."""
    workshop = _workshop(request, Perm.TOOLS_MANAGE)
    tool = selectors.tool_get(user=request.user, tool_id=tool_id, workshop=workshop)
    form = CalibrationDoneForm(request.POST)
    if form.is_valid():
        try:
            services.tool_calibration_done(
                actor=request.user,
                tool=tool,
                calibration_due=form.cleaned_data["calibration_due"],
            )
        except ValidationError as exc:
            apply_to_form(form, exc)
        else:
            messages.success(request, _("The calibration is recorded."))
            return redirect("control:tool", tool_id=tool.pk)
    return _detail(request, tool, calibration_form=form, status=400)


# ---------------------------------------------------------------- the roster


def _day(value: str | None) -> dt.date | None:
    """A day typed in the address; none (so: this week) when it is not a date or lies
    outside the range the app takes."""
    try:
        day = parse_date(value or "")
    except ValueError:
        return None
    return day if is_sane_date(day) else None


def _week_day(request: HttpRequest) -> dt.date:
    return _day(request.GET.get("week")) or timezone.localdate()


def _roster_page(
    request: HttpRequest,
    workshop: Workshop,
    *,
    day: dt.date,
    shift_form: ShiftForm | None = None,
    status: int = 200,
) -> HttpResponse:
    week = selectors.roster_week(workshop, day)
    members = [row.membership for row in week.rows]
    if shift_form is None:
        technician_id = request.GET.get("technician")
        today = timezone.localdate()
        date = _day(request.GET.get("date"))
        if date is None:
            date = today if week.days[0] <= today <= week.days[-1] else week.days[0]
        initial: dict[str, Any] = {"date": date, "break_minutes": 0}
        row = next((r for r in week.rows if str(r.membership.user_id) == technician_id), None)
        if row is None and week.rows:
            row = week.rows[0]
        if row is not None:
            initial["technician"] = row.membership.user_id
            cell = next((c for c in row.cells if c.date == date), None)
            if cell is not None and cell.shift is not None:
                initial.update(
                    starts_at=cell.shift.starts_at,
                    ends_at=cell.shift.ends_at,
                    break_starts_at=cell.shift.break_starts_at,
                    break_minutes=cell.shift.break_minutes,
                )
        shift_form = ShiftForm(initial=initial, members=members)
    context = {
        "workshop": workshop,
        "week": week,
        "today": timezone.localdate(),
        "previous": week.monday - dt.timedelta(days=7),
        "next": week.monday + dt.timedelta(days=7),
        "shift_form": shift_form,
    }
    return render(request, "control/roster.html", context, status=status)


@require_GET
@require_perm(Perm.ROSTER_MANAGE)
def roster(request: HttpRequest) -> HttpResponse:
    """The week's shifts per technician (``?week=`` any day of it), their level and
    skills, and a form to set or change one day's shift (``?technician=&date=``)."""
    workshop = _workshop(request, Perm.ROSTER_MANAGE)
    return _roster_page(request, workshop, day=_week_day(request))


@require_POST
@require_perm(Perm.ROSTER_MANAGE)
def roster_shift(request: HttpRequest) -> HttpResponse:
    """Set, change or remove (no shift) one technician's shift on one day."""
    workshop = _workshop(request, Perm.ROSTER_MANAGE)
    form = ShiftForm(request.POST, members=selectors.technicians(workshop))
    if form.is_valid():
        data = form.cleaned_data
        member = selectors.technician_get(workshop, data["technician"])
        try:
            if data["off"]:
                roster_services.shift_remove(
                    actor=request.user,
                    workshop=workshop,
                    technician=member.user,
                    date=data["date"],
                )
            else:
                roster_services.shift_set(
                    actor=request.user,
                    workshop=workshop,
                    technician=member.user,
                    date=data["date"],
                    starts_at=data["starts_at"],
                    ends_at=data["ends_at"],
                    break_starts_at=data["break_starts_at"],
                    break_minutes=data["break_minutes"] or 0,
                )
        except ValidationError as exc:
            apply_to_form(form, exc)
        else:
            messages.success(
                request,
                _("The shift of %(technician)s on %(date)s is saved.")
                % {"technician": member.user, "date": data["date"].strftime("%Y-%m-%d")},
            )
            return redirect(f"{reverse('control:roster')}?week={data['date']:%Y-%m-%d}")
    day = form.cleaned_data.get("date") if hasattr(form, "cleaned_data") else None
    return _roster_page(
        request, workshop, day=day or timezone.localdate(), shift_form=form, status=400
    )


@require_http_methods(["GET", "POST"])
@require_perm(Perm.ROSTER_MANAGE)
def roster_technician(request: HttpRequest, technician_id: int) -> HttpResponse:
    """A technician's qualification level and skills."""
    workshop = _workshop(request, Perm.ROSTER_MANAGE)
    member = selectors.technician_get(workshop, technician_id)
    if request.method == "POST":
        form = TechnicianForm(request.POST)
        if form.is_valid():
            try:
                roster_services.technician_skills_set(
                    actor=request.user,
                    workshop=workshop,
                    technician=member.user,
                    skills=form.cleaned_data["skills"],
                    level=form.cleaned_data["level"],
                )
            except ValidationError as exc:
                apply_to_form(form, exc)
            else:
                messages.success(
                    request,
                    _("Level and skills of %(technician)s are saved.")
                    % {"technician": member.user},
                )
                return redirect("control:roster")
    else:
        form = TechnicianForm(initial={"level": member.level, "skills": member.skills})
    status = 400 if form.is_bound and form.errors else 200
    return render(
        request,
        "control/roster_technician.html",
        {"workshop": workshop, "member": member, "form": form},
        status=status,
    )


@require_http_methods(["GET", "POST"])
@require_perm(Perm.ROSTER_MANAGE)
def roster_absences(request: HttpRequest) -> HttpResponse:
    """Absences not over yet, and a form to add one."""
    workshop = _workshop(request, Perm.ROSTER_MANAGE)
    members = selectors.technicians(workshop)
    if request.method == "POST":
        form = AbsenceForm(request.POST, members=members)
        if form.is_valid():
            data = form.cleaned_data
            member = selectors.technician_get(workshop, data["technician"])
            try:
                roster_services.absence_add(
                    actor=request.user,
                    workshop=workshop,
                    technician=member.user,
                    starts_at=data["starts_at"],
                    ends_at=data["ends_at"],
                    reason=data["reason"],
                )
            except ValidationError as exc:
                apply_to_form(form, exc)
            else:
                messages.success(request, _("The absence is added."))
                return redirect("control:roster_absences")
    else:
        form = AbsenceForm(members=members)
    since = dt.datetime.combine(timezone.localdate(), dt.time(0), workshop.zone)
    status = 400 if form.is_bound and form.errors else 200
    return render(
        request,
        "control/roster_absences.html",
        {
            "workshop": workshop,
            "form": form,
            "absences": selectors.absences_from(workshop, since),
        },
        status=status,
    )


@require_POST
@require_perm(Perm.ROSTER_MANAGE)
def roster_absence_remove(request: HttpRequest, absence_id: int) -> HttpResponse:
    workshop = _workshop(request, Perm.ROSTER_MANAGE)
    absence = selectors.absence_get(user=request.user, workshop=workshop, absence_id=absence_id)
    roster_services.absence_remove(actor=request.user, absence=absence)
    messages.success(request, _("The absence is removed."))
    return redirect("control:roster_absences")


def _bay_form_page(
    request: HttpRequest, workshop: Workshop, form: BayForm, bay: Any = None
) -> HttpResponse:
    status = 400 if form.is_bound and form.errors else 200
    return render(
        request,
        "control/roster_bays.html" if bay is None else "control/roster_bay.html",
        {"workshop": workshop, "form": form, "bay": bay, "bays": selectors.bays_of(workshop)},
        status=status,
    )


def _bay_save(request: HttpRequest, workshop: Workshop, form: BayForm, bay: Any) -> bool:
    if not form.is_valid():
        return False
    try:
        roster_services.bay_set(actor=request.user, workshop=workshop, bay=bay, **form.cleaned_data)
    except ValidationError as exc:
        apply_to_form(form, exc)
        return False
    return True


@require_http_methods(["GET", "POST"])
@require_perm(Perm.ROSTER_MANAGE)
def roster_bays(request: HttpRequest) -> HttpResponse:
    """The workshop's bays with their equipment, and a form to add one."""
    workshop = _workshop(request, Perm.ROSTER_MANAGE)
    if request.method == "POST":
        form = BayForm(request.POST)
        if _bay_save(request, workshop, form, None):
            messages.success(request, _("The bay is saved."))
            return redirect("control:roster_bays")
    else:
        form = BayForm(initial={"active": True})
    return _bay_form_page(request, workshop, form)


@require_http_methods(["GET", "POST"])
@require_perm(Perm.ROSTER_MANAGE)
def roster_bay(request: HttpRequest, bay_id: int) -> HttpResponse:
    """Change a bay: code, name, equipment, in use."""
    workshop = _workshop(request, Perm.ROSTER_MANAGE)
    bay = selectors.bay_get(
        user=request.user, workshop=workshop, bay_id=bay_id, perm=Perm.ROSTER_MANAGE
    )
    if request.method == "POST":
        form = BayForm(request.POST)
        if _bay_save(request, workshop, form, bay):
            messages.success(request, _("The bay is saved."))
            return redirect("control:roster_bays")
    else:
        form = BayForm(
            initial={
                "code": bay.code,
                "name": bay.name,
                "equipment": bay.equipment,
                "active": bay.active,
            }
        )
    return _bay_form_page(request, workshop, form, bay)


urls = [
    path("tools/", tools_list, name="tools"),
    path("tools/new/", tool_register, name="tool_register"),
    path("tools/<int:tool_id>/", tool_detail, name="tool"),
    path("tools/<int:tool_id>/check-out/", tool_check_out, name="tool_check_out"),
    path("tools/<int:tool_id>/return/", tool_return, name="tool_return"),
    path("tools/<int:tool_id>/state/", tool_state, name="tool_state"),
    path("tools/<int:tool_id>/calibrated/", tool_calibrated, name="tool_calibrated"),
    path("roster/", roster, name="roster"),
    path("roster/shifts/", roster_shift, name="roster_shift"),
    path("roster/technicians/<int:technician_id>/", roster_technician, name="roster_technician"),
    path("roster/absences/", roster_absences, name="roster_absences"),
    path(
        "roster/absences/<int:absence_id>/remove/",
        roster_absence_remove,
        name="roster_absence_remove",
    ),
    path("roster/bays/", roster_bays, name="roster_bays"),
    path("roster/bays/<int:bay_id>/", roster_bay, name="roster_bay"),
]
