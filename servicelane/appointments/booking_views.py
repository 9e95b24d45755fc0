"""The public booking page and the customer's signed link: no account needed."""

import datetime as dt
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from servicelane.appointments import selectors
from servicelane.appointments.choices import Channel
from servicelane.appointments.forms import (
    PublicBookingForm,
    SlotQueryForm,
    parse_start,
    party_from,
)
from servicelane.appointments.links import appointment_from_token, manage_token
from servicelane.appointments.models import Appointment
from servicelane.appointments.services import (
    SlotUnavailable,
    appointment_book,
    appointment_cancel,
    appointment_reschedule,
)
from servicelane.core.errors import apply_to_form
from servicelane.core.models import Workshop
from servicelane.core.ratelimit import allow, client_address

SLOT_DAYS = 4  # the first day asked for and the three after it


def slots_by_day(
    workshop: Workshop,
    service_ids: list[int],
    day: dt.date,
    exclude_appointment_id: int | None = None,
) -> list[dict[str, Any]]:
    """Free start times grouped by local day, for the slot picker."""
    if not service_ids:
        return []
    try:
        slots = selectors.availability(
            workshop=workshop,
            plan=selectors.booking_plan(workshop, service_ids),
            date_from=day,
            date_to=day + dt.timedelta(days=SLOT_DAYS - 1),
            exclude_appointment_id=exclude_appointment_id,
        )
    except ValidationError:
        return []
    days: dict[dt.date, list[selectors.FreeSlot]] = {}
    for slot in slots:
        days.setdefault(slot.starts_at.astimezone(workshop.zone).date(), []).append(slot)
    return [{"day": d, "slots": s} for d, s in days.items()]


def slot_context(
    workshop: Workshop, data: Any, exclude_appointment_id: int | None = None
) -> dict[str, Any]:
    """Slots for the services and day in ``data`` (GET or POST of a slot form)."""
    query = SlotQueryForm(data, workshop=workshop)
    query.is_valid()
    services = query.cleaned_data.get("service_types") or []
    day = query.cleaned_data.get("day") or timezone.now().astimezone(workshop.zone).date()
    return {
        "workshop": workshop,
        "slot_days": slots_by_day(workshop, [s.pk for s in services], day, exclude_appointment_id),
        "services_chosen": bool(services),
        "chosen": data.get("starts_at", ""),
    }


def parse_day(raw: str | None, workshop: Workshop) -> dt.date:
    """A day from the query string, else today in the workshop."""
    try:
        return dt.date.fromisoformat(raw or "")
    except ValueError:
        return timezone.now().astimezone(workshop.zone).date()


def rate_limited(request: HttpRequest, scope: str) -> bool:
    return not allow(
        scope=scope,
        key=client_address(request),
        limit=settings.PUBLIC_BOOKING_RATE_PER_HOUR,
        window_seconds=3600,
    )


def too_many(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "appointments/public/too_many.html",
        status=429,
    )


def choose_workshop(request: HttpRequest) -> HttpResponse:
    workshops = Workshop.objects.select_related("network").order_by("network__name", "name")
    return render(request, "appointments/public/workshops.html", {"workshops": workshops})


def book_from_form(form: Any, **booking: Any) -> tuple[Appointment | None, int]:
    """Book with a valid form's data; on refusal the reason lands on the form.

    Returns the booking (or None) and the status the page answers with: 409
    when the time was taken meanwhile, 400 for anything else refused.
    """
    data = form.cleaned_data
    try:
        appointment = appointment_book(
            service_type_ids=[s.pk for s in data["service_types"]],
            starts_at=data["starts_at"],
            party=party_from(data),
            notes=data["notes"],
            **booking,
        )
    except SlotUnavailable as exc:
        form.add_error("starts_at", str(exc))
        return None, 409
    except ValidationError as exc:
        apply_to_form(form, exc)
        return None, 400
    return appointment, 200


@require_http_methods(["GET", "POST"])
def book(request: HttpRequest, workshop_id: int) -> HttpResponse:
    workshop = get_object_or_404(Workshop, pk=workshop_id)
    timezone.activate(workshop.zone)
    form = PublicBookingForm(request.POST or None, workshop=workshop)
    status = 200
    if request.method == "POST" and "show" not in request.POST:
        if rate_limited(request, "public-booking"):
            return too_many(request)
        if form.is_bot:
            form.add_error(None, _("Your booking could not be accepted."))
            status = 400
        elif form.is_valid():
            appointment, status = book_from_form(
                form, actor=None, workshop=workshop, channel=Channel.WEB
            )
            if appointment is not None:
                messages.success(
                    request,
                    _("Thank you! Your appointment is booked. Reference: %(ref)s")
                    % {"ref": appointment.reference},
                )
                return redirect("booking:manage", token=manage_token(appointment))
        else:
            status = 400
    initial = {"day": form.fields["day"].initial.isoformat()}
    context = {"form": form, **slot_context(workshop, request.POST or initial)}
    return render(request, "appointments/public/book.html", context, status=status)


def slots(request: HttpRequest, workshop_id: int) -> HttpResponse:
    """The slot picker alone, for htmx as services or the day change."""
    workshop = get_object_or_404(Workshop, pk=workshop_id)
    timezone.activate(workshop.zone)
    return render(request, "appointments/partials/_slots.html", slot_context(workshop, request.GET))


def _from_token(token: str) -> Appointment:
    appointment = appointment_from_token(token)
    if appointment is None:
        raise Http404(_("This link is not valid or has expired."))
    timezone.activate(appointment.workshop.zone)
    return appointment


@require_http_methods(["GET", "POST"])
def manage(request: HttpRequest, token: str) -> HttpResponse:
    appointment = _from_token(token)
    if request.method == "POST" and request.POST.get("action") == "cancel":
        if rate_limited(request, "public-manage"):
            return too_many(request)
        try:
            appointment_cancel(actor=None, appointment=appointment, reason=_("by the customer"))
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(request, _("Your appointment is cancelled."))
        return redirect("booking:manage", token=token)
    return render(
        request,
        "appointments/public/manage.html",
        {
            "appointment": appointment,
            "services": list(appointment.service_types.all()),
            "token": token,
        },
    )


@require_http_methods(["GET", "POST"])
def reschedule(request: HttpRequest, token: str) -> HttpResponse:
    appointment = _from_token(token)
    workshop = appointment.workshop
    if not appointment.is_open:
        messages.error(request, _("This appointment can no longer be moved."))
        return redirect("booking:manage", token=token)
    error = ""
    status = 200
    if request.method == "POST":
        if rate_limited(request, "public-manage"):
            return too_many(request)
        try:
            appointment_reschedule(
                actor=None,
                appointment=appointment,
                starts_at=parse_start(request.POST.get("starts_at")),
            )
        except SlotUnavailable as exc:
            error, status = str(exc), 409
        except ValidationError as exc:
            error, status = " ".join(exc.messages), 400
        else:
            messages.success(request, _("Your appointment has moved."))
            return redirect("booking:manage", token=token)
    service_ids = [s.pk for s in appointment.service_types.all()]
    day = parse_day(request.GET.get("day"), workshop)
    context = {
        "appointment": appointment,
        "token": token,
        "error": error,
        "day": day,
        "workshop": workshop,
        "slot_days": slots_by_day(workshop, service_ids, day, appointment.pk),
        "services_chosen": True,
        "chosen": "",
    }
    return render(request, "appointments/public/reschedule.html", context, status=status)
