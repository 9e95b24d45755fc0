"""The special tools room: the register (where every copy is, what is overdue), one
copy with its log and the open jobs that need its number, registering, check-out,
return, state changes and calibration.

The register is read by the foreman, by whoever sees the board and by technicians; the
tools room's permission checks tools out, takes them back and changes their state. Every
screen is the current workshop's; the services check the rules and permissions again.
The pages keep their addresses under /control/tools/.
"""

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from servicelane.core.errors import apply_to_form
from servicelane.core.models import Workshop
from servicelane.core.permissions import Perm
from servicelane.core.selectors import workshop_technician_get, workshop_technicians
from servicelane.core.tenancy import access_for
from servicelane.core.types import WorkshopRequest
from servicelane.core.viewutils import paginate, query_without_page, require_perm, workshop_with
from servicelane.tools import jobs, selectors, services
from servicelane.tools.forms import (
    CalibrationDoneForm,
    CheckOutForm,
    ToolFilterForm,
    ToolRegisterForm,
    ToolStateForm,
)
from servicelane.tools.models import SpecialTool


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


def _may_manage_tools(request: WorkshopRequest, workshop: Workshop) -> bool:
    return access_for(request.user).can(Perm.TOOLS_MANAGE, workshop.pk)


def _back(request: WorkshopRequest, fallback: str) -> HttpResponse:
    target = request.POST.get("next", "")
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return redirect(target)
    return redirect(fallback)


# ---------------------------------------------------------------- the register


@require_GET
@require_any_perm(*selectors.TOOL_READ_PERMS)
def tools_list(request: WorkshopRequest) -> HttpResponse:
    """Every copy: its place, its state, where it is now, when it is due back and when
    its calibration falls due, overdue ones flagged."""
    workshop = workshop_with(request, *selectors.TOOL_READ_PERMS)
    form = ToolFilterForm(request.GET)
    filters = {"q": "", "state": "", "flag": ""}
    if form.is_valid():
        filters.update({k: form.cleaned_data[k] or "" for k in filters})
    tools = selectors.tools_register(user=request.user, workshop=workshop, **filters)
    page = paginate(request, tools)
    page.object_list = selectors.with_flags(page.object_list)
    summary = selectors.register_summary(workshop)
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
        return render(request, "tools/partials/_tools_results.html", context)
    return render(request, "tools/tools.html", context)


@require_http_methods(["GET", "POST"])
@require_perm(Perm.TOOLS_MANAGE)
def tool_register(request: WorkshopRequest) -> HttpResponse:
    """Register a copy of a special tool: number, name, storage place, calibration due;
    a known number gets its next copy number."""
    workshop = workshop_with(request, Perm.TOOLS_MANAGE)
    if request.method == "POST":
        form = ToolRegisterForm(request.POST)
        if form.is_valid():
            try:
                tool = services.tool_register(
                    actor=request.user,
                    workshop=workshop,
                    number=form.cleaned_data["number"],
                    name=form.cleaned_data["name"],
                    storage_place=form.cleaned_data["storage_place"],
                    calibration_due=form.cleaned_data["calibration_due"],
                )
            except ValidationError as exc:
                apply_to_form(form, exc)
            else:
                messages.success(
                    request,
                    _("Copy %(copy)s of %(number)s is registered, in its place %(place)s.")
                    % {"copy": tool.copy, "number": tool.number, "place": tool.storage_place},
                )
                return redirect("tools:tool", tool_id=tool.pk)
    else:
        form = ToolRegisterForm()
    status = 400 if form.is_bound and form.errors else 200
    return render(
        request, "tools/tools_register.html", {"workshop": workshop, "form": form}, status=status
    )


def _detail(
    request: WorkshopRequest,
    tool: SpecialTool,
    *,
    state_form: ToolStateForm | None = None,
    calibration_form: CalibrationDoneForm | None = None,
    status: int = 200,
) -> HttpResponse:
    workshop = tool.workshop
    can_manage = _may_manage_tools(request, workshop)
    movements = paginate(request, selectors.tool_movements(tool))
    movements.object_list = selectors.with_jobs(movements.object_list)
    copies = selectors.with_flags(
        selectors.tools_register(user=request.user, workshop=workshop).filter(number=tool.number)
    )
    needing = selectors.needing_with_status(workshop, tool.number)
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
    return render(request, "tools/tools_detail.html", context, status=status)


@require_GET
@require_any_perm(*selectors.TOOL_READ_PERMS)
def tool_detail(request: WorkshopRequest, tool_id: int) -> HttpResponse:
    """One copy: where it belongs and where it is, its other copies, the open jobs that
    need its number, and its movement log."""
    workshop = workshop_with(request, *selectors.TOOL_READ_PERMS)
    tool = selectors.tool_get(user=request.user, tool_id=tool_id, workshop=workshop)
    return _detail(request, tool)


def _check_out_form(
    request: WorkshopRequest, workshop: Workshop, tool: SpecialTool, data: QueryDict | None = None
) -> CheckOutForm:
    open_jobs = jobs.open_jobs(workshop)
    needing_ids = {job.id for job in jobs.jobs_needing(workshop, tool.number)}
    initial: dict[str, Any] = {}
    wanted = jobs.find(open_jobs, request.GET.get("job")) if data is None else None
    if wanted is not None:
        initial = {"job": wanted.id, "technician": wanted.technician_id}
    return CheckOutForm(
        data,
        initial=initial,
        members=workshop_technicians(workshop),
        needing=[job for job in open_jobs if job.id in needing_ids],
        others=[job for job in open_jobs if job.id not in needing_ids],
    )


@require_http_methods(["GET", "POST"])
@require_perm(Perm.TOOLS_MANAGE)
def tool_check_out(request: WorkshopRequest, tool_id: int) -> HttpResponse:
    """Hand the tool to a technician of the workshop, for an open job or none; the jobs
    that need this tool number come first (``?job=`` chooses one)."""
    workshop = workshop_with(request, Perm.TOOLS_MANAGE)
    tool = selectors.tool_get(user=request.user, tool_id=tool_id, workshop=workshop)
    if request.method == "POST":
        form = _check_out_form(request, workshop, tool, request.POST)
        if form.is_valid():
            member = workshop_technician_get(workshop, form.cleaned_data["technician"])
            job = None
            if form.cleaned_data["job"]:
                job = jobs.open_job(workshop, form.cleaned_data["job"])
            try:
                if form.cleaned_data["job"] and job is None:
                    raise ValidationError({"job": [_("This job is not open any more.")]})
                services.tool_check_out(
                    actor=request.user,
                    tool=tool,
                    technician=member.user,
                    job_id=job.id if job else None,
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
                return redirect("tools:tools")
    else:
        form = _check_out_form(request, workshop, tool)
    needing = selectors.needing_with_status(workshop, tool.number)
    context = {"workshop": workshop, "tool": tool, "form": form, "needing": needing}
    status = 400 if form.is_bound and form.errors else 200
    return render(request, "tools/tools_check_out.html", context, status=status)


@require_POST
@require_perm(Perm.TOOLS_MANAGE)
def tool_return(request: WorkshopRequest, tool_id: int) -> HttpResponse:
    """The tool is back in its place."""
    workshop = workshop_with(request, Perm.TOOLS_MANAGE)
    tool = selectors.tool_get(user=request.user, tool_id=tool_id, workshop=workshop)
    try:
        services.tool_return(actor=request.user, tool=tool)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("%(tool)s is back in its place.") % {"tool": tool})
    return _back(request, reverse("tools:tools"))


@require_POST
@require_perm(Perm.TOOLS_MANAGE)
def tool_state(request: WorkshopRequest, tool_id: int) -> HttpResponse:
    """To calibration, defective, or back in its place."""
    workshop = workshop_with(request, Perm.TOOLS_MANAGE)
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
            return redirect("tools:tool", tool_id=tool.pk)
    return _detail(request, tool, state_form=form, status=400)


@require_POST
@require_perm(Perm.TOOLS_MANAGE)
def tool_calibrated(request: WorkshopRequest, tool_id: int) -> HttpResponse:
    """Back from calibration, with the date the next one falls due."""
    workshop = workshop_with(request, Perm.TOOLS_MANAGE)
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
            return redirect("tools:tool", tool_id=tool.pk)
    return _detail(request, tool, calibration_form=form, status=400)


urls = [
    path("", tools_list, name="tools"),
    path("new/", tool_register, name="tool_register"),
    path("<int:tool_id>/", tool_detail, name="tool"),
    path("<int:tool_id>/check-out/", tool_check_out, name="tool_check_out"),
    path("<int:tool_id>/return/", tool_return, name="tool_return"),
    path("<int:tool_id>/state/", tool_state, name="tool_state"),
    path("<int:tool_id>/calibrated/", tool_calibrated, name="tool_calibrated"),
]
