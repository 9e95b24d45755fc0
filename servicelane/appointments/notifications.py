"""E-mails to the customer about a booking, in the customer's language."""

from collections.abc import Callable
from typing import TypedDict

from django.template.loader import render_to_string
from django.utils import formats, timezone, translation
from django.utils.translation import gettext as _

from servicelane.appointments.choices import EventKind
from servicelane.appointments.ics import appointment_ics
from servicelane.appointments.links import manage_url
from servicelane.appointments.models import Appointment
from servicelane.core.tasks import send_email

SUBJECTS: dict[str, Callable[[str], str]] = {
    EventKind.BOOKED: lambda ref: _("Your appointment %(ref)s is booked") % {"ref": ref},
    EventKind.RESCHEDULED: lambda ref: _("Your appointment %(ref)s has moved") % {"ref": ref},
    EventKind.CANCELLED: lambda ref: _("Your appointment %(ref)s is cancelled") % {"ref": ref},
    EventKind.REMINDER_SENT: lambda ref: (
        _("Reminder: your appointment %(ref)s tomorrow") % {"ref": ref}
    ),
}


def _load(appointment_id: int) -> Appointment:
    return (
        Appointment.objects.select_related("workshop", "customer", "vehicle", "lane")
        .prefetch_related("service_types")
        .get(pk=appointment_id)
    )


class Message(TypedDict):
    subject: str
    body: str
    ics: str  # the calendar entry (RFC 5545)


def appointment_message(appointment: Appointment, kind: str) -> Message:
    """Subject, body and calendar entry of one message, rendered in the booking's language."""
    workshop = appointment.workshop
    with translation.override(appointment.language), timezone.override(workshop.zone):
        services = [s.name_in(appointment.language) for s in appointment.service_types.all()]
        when = formats.date_format(
            timezone.localtime(appointment.starts_at), "DATETIME_FORMAT", use_l10n=True
        )
        promised = (
            formats.date_format(
                timezone.localtime(appointment.promised_at), "DATETIME_FORMAT", use_l10n=True
            )
            if appointment.promised_at
            else ""
        )
        url = manage_url(appointment)
        context = {
            "appointment": appointment,
            "workshop": workshop,
            "services": services,
            "when": when,
            "promised": promised,
            "url": url,
            "kind": kind,
        }
        subject = SUBJECTS[kind](appointment.reference)
        body = render_to_string("appointments/emails/appointment.txt", context)
        ics = appointment_ics(
            appointment,
            summary=f"{workshop.name}: {', '.join(services)}",
            description=f"{appointment.reference}\n{url}",
            url=url,
            sequence=appointment.events.filter(kind=EventKind.RESCHEDULED).count(),
            cancelled=kind == EventKind.CANCELLED,
        )
    return {"subject": subject, "body": body, "ics": ics}


def send_appointment_message(appointment_id: int, kind: str) -> None:
    """Queue the e-mail about ``kind`` for the booking, if it has an address."""
    appointment = _load(appointment_id)
    if not appointment.contact_email:
        return
    message = appointment_message(appointment, kind)
    send_email.enqueue(
        subject=message["subject"],
        body=message["body"],
        to=[appointment.contact_email],
        attachments=[[f"{appointment.reference}.ics", message["ics"], "text/calendar"]],
    )
