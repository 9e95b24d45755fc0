"""The roster screens of the control centre: technicians' level and skills, shifts,
absences and bays, for whoever holds the roster permission. Every screen is the current
workshop's; the services check the rules and permissions again.
"""

import datetime as dt
from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils import timezone
from django.utils.dateparse import parse_date
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from servicelane.control.roster import selectors, services
from servicelane.control.roster.forms import AbsenceForm, BayForm, ShiftForm, TechnicianForm
from servicelane.core.dates import is_sane_date
from servicelane.core.errors import apply_to_form
from servicelane.core.models import Workshop
from servicelane.core.permissions import Perm
from servicelane.core.selectors import workshop_technician_get
from servicelane.core.types import WorkshopRequest
from servicelane.core.viewutils import require_perm, workshop_with


def _day(value: str | None) -> dt.date | None:
    """A day typed in the address; none (so: this week) when it is not a date or lies
    outside the range the app takes."""
    try:
        day = parse_date(value or "")
    except ValueError:
        return None
    return day if is_sane_date(day) else None


def _week_day(request: WorkshopRequest) -> dt.date:
    return _day(request.GET.get("week")) or timezone.localdate()


def _roster_page(
    request: WorkshopRequest,
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
def roster(request: WorkshopRequest) -> HttpResponse:
    """The week's shifts per technician (``?week=`` any day of it), their level and
    skills, and a form to set or change one day's shift (``?technician=&date=``)."""
    workshop = workshop_with(request, Perm.ROSTER_MANAGE)
    return _roster_page(request, workshop, day=_week_day(request))


@require_POST
@require_perm(Perm.ROSTER_MANAGE)
def roster_shift(request: WorkshopRequest) -> HttpResponse:
    """Set, change or remove (no shift) one technician's shift on one day."""
    workshop = workshop_with(request, Perm.ROSTER_MANAGE)
    form = ShiftForm(request.POST, members=selectors.technicians(workshop))
    if form.is_valid():
        data = form.cleaned_data
        member = workshop_technician_get(workshop, data["technician"])
        try:
            if data["off"]:
                services.shift_remove(
                    actor=request.user,
                    workshop=workshop,
                    technician=member.user,
                    date=data["date"],
                )
            else:
                services.shift_set(
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
def roster_technician(request: WorkshopRequest, technician_id: int) -> HttpResponse:
    """A technician's qualification level and skills."""
    workshop = workshop_with(request, Perm.ROSTER_MANAGE)
    member = workshop_technician_get(workshop, technician_id)
    if request.method == "POST":
        form = TechnicianForm(request.POST)
        if form.is_valid():
            try:
                services.technician_skills_set(
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
def roster_absences(request: WorkshopRequest) -> HttpResponse:
    """Absences not over yet, and a form to add one."""
    workshop = workshop_with(request, Perm.ROSTER_MANAGE)
    members = selectors.technicians(workshop)
    if request.method == "POST":
        form = AbsenceForm(request.POST, members=members)
        if form.is_valid():
            data = form.cleaned_data
            member = workshop_technician_get(workshop, data["technician"])
            try:
                services.absence_add(
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
def roster_absence_remove(request: WorkshopRequest, absence_id: int) -> HttpResponse:
    workshop = workshop_with(request, Perm.ROSTER_MANAGE)
    absence = selectors.absence_get(user=request.user, workshop=workshop, absence_id=absence_id)
    services.absence_remove(actor=request.user, absence=absence)
    messages.success(request, _("The absence is removed."))
    return redirect("control:roster_absences")


def _bay_form_page(
    request: WorkshopRequest, workshop: Workshop, form: BayForm, bay: Any = None
) -> HttpResponse:
    status = 400 if form.is_bound and form.errors else 200
    return render(
        request,
        "control/roster_bays.html" if bay is None else "control/roster_bay.html",
        {"workshop": workshop, "form": form, "bay": bay, "bays": selectors.bay_rows(workshop)},
        status=status,
    )


def _bay_save(request: WorkshopRequest, workshop: Workshop, form: BayForm, bay: Any) -> bool:
    if not form.is_valid():
        return False
    try:
        services.bay_set(actor=request.user, workshop=workshop, bay=bay, **form.cleaned_data)
    except ValidationError as exc:
        apply_to_form(form, exc)
        return False
    return True


@require_http_methods(["GET", "POST"])
@require_perm(Perm.ROSTER_MANAGE)
def roster_bays(request: WorkshopRequest) -> HttpResponse:
    """The workshop's bays with their equipment, and a form to add one."""
    workshop = workshop_with(request, Perm.ROSTER_MANAGE)
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
def roster_bay(request: WorkshopRequest, bay_id: int) -> HttpResponse:
    """Change a bay: code, name, equipment, in use."""
    workshop = workshop_with(request, Perm.ROSTER_MANAGE)
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
