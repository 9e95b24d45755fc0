"""The advisor's screens: calendar, arrivals, phone booking; the manager's capacity."""

import datetime as dt
from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from servicelane.appointments import selectors
from servicelane.appointments.booking_views import (
    book_from_form,
    parse_day,
    slot_context,
    slots_by_day,
)
from servicelane.appointments.choices import Channel, Weekday
from servicelane.appointments.forms import (
    ClosureForm,
    LaneForm,
    OpeningHoursForm,
    PhoneBookingForm,
    ServiceTypeForm,
    parse_start,
)
from servicelane.appointments.models import Appointment, Closure, Lane, OpeningHours, ServiceType
from servicelane.appointments.services import (
    LANE_FIELDS,
    SERVICE_TYPE_FIELDS,
    SlotUnavailable,
    appointment_assign,
    appointment_cancel,
    appointment_mark_arrived,
    appointment_mark_no_show,
    appointment_reschedule,
    closure_add,
    closure_remove,
    lane_save,
    opening_hours_set,
    service_type_save,
)
from servicelane.appointments.timeline import timeline
from servicelane.core.holidays import holidays_supported
from servicelane.core.permissions import Perm
from servicelane.core.selectors import workshop_advisors
from servicelane.core.tenancy import access_for, get_for_user
from servicelane.core.types import WorkshopRequest
from servicelane.core.viewutils import require_perm, submit, workshop_with
from servicelane.customers.selectors import customer_get_for_user
from servicelane.vehicles.selectors import vehicles_of_customer


def _week_start(day: dt.date) -> dt.date:
    return day - dt.timedelta(days=day.weekday())


@require_perm(Perm.APPOINTMENT_VIEW)
def day_view(request: WorkshopRequest) -> HttpResponse:
    workshop = workshop_with(request, Perm.APPOINTMENT_VIEW)
    day = parse_day(request.GET.get("day"), workshop)
    return render(
        request,
        "appointments/day.html",
        {
            "day": day,
            "previous": day - dt.timedelta(days=1),
            "next": day + dt.timedelta(days=1),
            "plan": selectors.day_plan(workshop=workshop, day=day),
            "can_book": access_for(request.user).can(Perm.APPOINTMENT_BOOK, workshop.pk),
        },
    )


@require_perm(Perm.APPOINTMENT_VIEW)
def week_view(request: WorkshopRequest) -> HttpResponse:
    workshop = workshop_with(request, Perm.APPOINTMENT_VIEW)
    monday = _week_start(parse_day(request.GET.get("day"), workshop))
    return render(
        request,
        "appointments/week.html",
        {
            "monday": monday,
            "previous": monday - dt.timedelta(days=7),
            "next": monday + dt.timedelta(days=7),
            "plan": selectors.week_plan(workshop=workshop, monday=monday),
        },
    )


@require_perm(Perm.APPOINTMENT_VIEW)
def arrivals(request: WorkshopRequest) -> HttpResponse:
    """Today's welcome board; refreshes itself every minute."""
    workshop = workshop_with(request, Perm.APPOINTMENT_VIEW)
    today = timezone.now().astimezone(workshop.zone).date()
    context = {
        "today": today,
        "arrivals": selectors.appointments_on(workshop=workshop, day=today),
        "can_book": access_for(request.user).can(Perm.APPOINTMENT_BOOK, workshop.pk),
    }
    if request.htmx:
        return render(request, "appointments/partials/_arrivals.html", context)
    return render(request, "appointments/arrivals.html", context)


@require_perm(Perm.APPOINTMENT_BOOK)
def new(request: WorkshopRequest) -> HttpResponse:
    """Book a caller: customer, car, services, a free time."""
    workshop = workshop_with(request, Perm.APPOINTMENT_BOOK)
    initial: dict[str, object] = {"advisor": request.user.pk}
    customer = None
    if request.GET.get("customer"):
        if not request.GET["customer"].isdigit():
            raise Http404(_("Not found."))
        customer = customer_get_for_user(
            user=request.user, customer_id=int(request.GET["customer"])
        )
        initial.update(customer=customer.pk, language=customer.language)
        first_car = vehicles_of_customer(user=request.user, customer_id=customer.pk).first()
        if first_car is not None:
            initial["vin"] = first_car.vehicle.vin
    form = PhoneBookingForm(request.POST or None, workshop=workshop, initial=initial)
    status = 200
    if request.method == "POST" and "show" not in request.POST and form.is_valid():
        appointment, status = book_from_form(
            form,
            actor=request.user,
            workshop=workshop,
            channel=Channel.PHONE,
            customer=form.cleaned_data["customer"],
            advisor=form.cleaned_data["advisor"],
            parking_spot=form.cleaned_data["parking_spot"],
        )
        if appointment is not None:
            messages.success(
                request,
                _("Appointment %(ref)s booked.") % {"ref": appointment.reference},
            )
            return redirect("appointments:detail", appointment_id=appointment.pk)
    elif request.method == "POST" and "show" not in request.POST:
        status = 400
    data = request.POST or {"day": form.fields["day"].initial.isoformat()}
    context = {
        "form": form,
        "customer": customer or (form.cleaned_data.get("customer") if form.is_bound else None),
        **slot_context(workshop, data),
        "slots_url": "appointments:slots",
    }
    return render(request, "appointments/new.html", context, status=status)


@require_perm(Perm.APPOINTMENT_BOOK)
def slots(request: WorkshopRequest) -> HttpResponse:
    workshop = workshop_with(request, Perm.APPOINTMENT_BOOK)
    return render(request, "appointments/partials/_slots.html", slot_context(workshop, request.GET))


@require_perm(Perm.APPOINTMENT_VIEW)
def detail(request: WorkshopRequest, appointment_id: int) -> HttpResponse:
    appointment = selectors.appointment_get_for_user(
        user=request.user, appointment_id=appointment_id
    )
    workshop = appointment.workshop
    timezone.activate(workshop.zone)
    can_book = access_for(request.user).can(Perm.APPOINTMENT_BOOK, workshop.pk)
    day = parse_day(request.GET.get("day"), workshop)
    if not request.GET.get("day"):
        day = max(day, appointment.starts_at.astimezone(workshop.zone).date())
    service_ids = [s.pk for s in appointment.service_types.all()]
    return render(
        request,
        "appointments/detail.html",
        {
            "appointment": appointment,
            "events": timeline(appointment),
            "can_book": can_book,
            "advisors": workshop_advisors(workshop),
            "day": day,
            "slot_days": slots_by_day(workshop, service_ids, day, appointment.pk)
            if can_book and appointment.is_open
            else [],
            "services_chosen": True,
            "chosen": "",
        },
    )


def _change(
    request: WorkshopRequest, appointment_id: int, change: Callable[[Appointment], object]
) -> HttpResponse:
    """Apply one service call to a booking; the outcome is shown as a message."""
    appointment = selectors.appointment_get_for_user(
        user=request.user, appointment_id=appointment_id
    )
    try:
        change(appointment)
    except SlotUnavailable as exc:
        messages.error(request, str(exc))
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("Saved."))
    if request.POST.get("next") == "arrivals":
        return redirect("appointments:arrivals")
    return redirect("appointments:detail", appointment_id=appointment.pk)


@require_POST
@require_perm(Perm.APPOINTMENT_BOOK)
def arrived(request: WorkshopRequest, appointment_id: int) -> HttpResponse:
    return _change(
        request,
        appointment_id,
        lambda a: appointment_mark_arrived(actor=request.user, appointment=a),
    )


@require_POST
@require_perm(Perm.APPOINTMENT_BOOK)
def no_show(request: WorkshopRequest, appointment_id: int) -> HttpResponse:
    return _change(
        request,
        appointment_id,
        lambda a: appointment_mark_no_show(actor=request.user, appointment=a),
    )


@require_POST
@require_perm(Perm.APPOINTMENT_BOOK)
def cancel(request: WorkshopRequest, appointment_id: int) -> HttpResponse:
    reason = request.POST.get("reason", "")
    return _change(
        request,
        appointment_id,
        lambda a: appointment_cancel(actor=request.user, appointment=a, reason=reason),
    )


@require_POST
@require_perm(Perm.APPOINTMENT_BOOK)
def assign(request: WorkshopRequest, appointment_id: int) -> HttpResponse:
    advisor_id = request.POST.get("advisor", "")

    def assign_to(appointment: Appointment) -> None:
        advisor = None
        if advisor_id:
            advisors = workshop_advisors(appointment.workshop)
            advisor = advisors.filter(pk=advisor_id).first() if advisor_id.isdigit() else None
            if advisor is None:
                raise ValidationError(_("Choose a service advisor of this workshop."))
        appointment_assign(
            actor=request.user,
            appointment=appointment,
            advisor=advisor,
            parking_spot=request.POST.get("parking_spot", ""),
        )

    return _change(request, appointment_id, assign_to)


@require_POST
@require_perm(Perm.APPOINTMENT_BOOK)
def reschedule(request: WorkshopRequest, appointment_id: int) -> HttpResponse:
    return _change(
        request,
        appointment_id,
        lambda a: appointment_reschedule(
            actor=request.user, appointment=a, starts_at=parse_start(request.POST.get("starts_at"))
        ),
    )


# --- capacity (managers) ------------------------------------------------------


@require_perm(Perm.CAPACITY_MANAGE)
def capacity(request: WorkshopRequest) -> HttpResponse:
    """Opening hours, closed days, lanes and service types on one page."""
    workshop = workshop_with(request, Perm.CAPACITY_MANAGE)
    hours = {h.weekday: h for h in OpeningHours.objects.filter(workshop=workshop)}
    forms = []
    for weekday in Weekday:
        current = hours.get(weekday.value)
        initial = (
            {"open": True, "opens": current.opens, "closes": current.closes}
            if current
            else {"open": False}
        )
        forms.append(
            (
                weekday,
                OpeningHoursForm(
                    request.POST if request.method == "POST" else None,
                    prefix=f"d{weekday.value}",
                    initial=initial,
                ),
            )
        )
    if request.method == "POST" and all(f.is_valid() for _, f in forms):
        try:
            opening_hours_set(
                actor=request.user,
                workshop=workshop,
                hours={
                    w.value: (f.cleaned_data["opens"], f.cleaned_data["closes"])
                    if f.cleaned_data["open"]
                    else None
                    for w, f in forms
                },
            )
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(request, _("Opening hours saved."))
            return redirect("appointments:capacity")
    today = timezone.now().astimezone(workshop.zone).date()
    return render(
        request,
        "appointments/capacity.html",
        {
            "workshop": workshop,
            "hour_forms": forms,
            "closures": Closure.objects.filter(workshop=workshop, date__gte=today),
            "closure_form": ClosureForm(),
            "lanes": Lane.objects.filter(workshop=workshop),
            "service_types": ServiceType.objects.filter(workshop=workshop).select_related("lane"),
            "holidays": selectors.upcoming_holidays(workshop),
            "holidays_supported": holidays_supported(workshop.country, workshop.subdivision),
        },
        status=400 if request.method == "POST" else 200,
    )


@require_POST
@require_perm(Perm.CAPACITY_MANAGE)
def closure_new(request: WorkshopRequest) -> HttpResponse:
    workshop = workshop_with(request, Perm.CAPACITY_MANAGE)
    form = ClosureForm(request.POST)
    if form.is_valid():
        try:
            closure_add(actor=request.user, workshop=workshop, **form.cleaned_data)
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(request, _("Closed day added."))
    else:
        messages.error(request, " ".join(str(e) for errors in form.errors.values() for e in errors))
    return redirect("appointments:capacity")


@require_POST
@require_perm(Perm.CAPACITY_MANAGE)
def closure_delete(request: WorkshopRequest, closure_id: int) -> HttpResponse:
    closure = get_for_user(Closure.objects.all(), request.user, Perm.CAPACITY_MANAGE, pk=closure_id)
    closure_remove(actor=request.user, closure=closure)
    messages.success(request, _("Closed day removed."))
    return redirect("appointments:capacity")


def _edit(
    request: WorkshopRequest,
    *,
    form: LaneForm | ServiceTypeForm,
    save: Callable[[dict[str, Any]], object],
    fields: list[str],
    title: str,
) -> HttpResponse:
    """The form's ``fields`` go to ``save``; its refusal shows on the form."""
    if (
        request.method == "POST"
        and submit(form, lambda data: save({f: data[f] for f in fields})).ok
    ):
        messages.success(request, _("Saved."))
        return redirect("appointments:capacity")
    status = 400 if request.method == "POST" else 200
    return render(
        request, "appointments/capacity_form.html", {"form": form, "title": title}, status=status
    )


@require_perm(Perm.CAPACITY_MANAGE)
def lane_edit(request: WorkshopRequest, lane_id: int | None = None) -> HttpResponse:
    workshop = workshop_with(request, Perm.CAPACITY_MANAGE)
    lane = (
        get_for_user(Lane.objects.filter(workshop=workshop), request.user, pk=lane_id)
        if lane_id
        else None
    )
    # The form must not touch the instance: the service compares before and after.
    form = LaneForm(request.POST or None, instance=Lane(**_values(lane, LANE_FIELDS)))
    return _edit(
        request,
        form=form,
        save=lambda data: lane_save(actor=request.user, workshop=workshop, lane=lane, **data),
        fields=LANE_FIELDS,
        title=_("Service lane"),
    )


@require_perm(Perm.CAPACITY_MANAGE)
def service_type_edit(request: WorkshopRequest, service_type_id: int | None = None) -> HttpResponse:
    workshop = workshop_with(request, Perm.CAPACITY_MANAGE)
    service_type = (
        get_for_user(
            ServiceType.objects.filter(workshop=workshop), request.user, pk=service_type_id
        )
        if service_type_id
        else None
    )
    form = ServiceTypeForm(
        request.POST or None,
        workshop=workshop,
        instance=ServiceType(workshop=workshop, **_values(service_type, SERVICE_TYPE_FIELDS)),
    )
    return _edit(
        request,
        form=form,
        save=lambda data: service_type_save(
            actor=request.user, workshop=workshop, service_type=service_type, **data
        ),
        fields=SERVICE_TYPE_FIELDS,
        title=_("Service type"),
    )


def _values(instance: object, fields: list[str]) -> dict[str, object]:
    if instance is None:
        return {}
    return {name: getattr(instance, name) for name in fields}
