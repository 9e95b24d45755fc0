"""A booking's timeline in words: when it was moved to, and who acted."""

from django.utils import formats, timezone
from django.utils.translation import gettext as _

from servicelane.appointments.choices import EventKind
from servicelane.appointments.models import Appointment, AppointmentEvent
from servicelane.core.events import TimelineEntry
from servicelane.core.events import timeline as events_timeline


def event_text(event: AppointmentEvent) -> str:
    moved_to = event.moved_to
    if moved_to is None:
        return ""
    return "→ " + formats.date_format(timezone.localtime(moved_to), "SHORT_DATETIME_FORMAT")


def who(event: AppointmentEvent) -> str:
    """Staff act under their name; a step without one is the customer's, on the booking
    page or their link — except the reminder, which the workshop's system sends."""
    if event.actor:
        return str(event.actor)
    return "" if event.kind == EventKind.REMINDER_SENT else _("customer")


def timeline(appointment: Appointment) -> list[TimelineEntry]:
    """Oldest first, as the booking's page lists them."""
    events = list(appointment.events.select_related("actor"))
    return list(reversed(events_timeline(events, event_text, who)))
