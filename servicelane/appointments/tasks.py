"""Reminders the day before a visit, sent by the task worker."""

import datetime as dt

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django_tasks import task
from django_tasks.exceptions import InvalidTaskError

from servicelane.appointments.choices import AppointmentStatus, EventKind
from servicelane.appointments.models import Appointment, AppointmentEvent
from servicelane.core.events import record_event


def reminder_time(appointment: Appointment) -> dt.datetime:
    """The reminder goes out at the configured hour of the day before, local time."""
    zone = appointment.workshop.zone
    day_before = appointment.starts_at.astimezone(zone).date() - dt.timedelta(days=1)
    return dt.datetime.combine(
        day_before, dt.time(settings.APPOINTMENT_REMINDER_HOUR), tzinfo=zone
    ).astimezone(dt.UTC)


def reminder_due(appointment: Appointment, now: dt.datetime) -> bool:
    """Due once its time has come, for a booking still ahead, made before that time,
    not yet reminded, whose customer agreed to reminders and can be written to."""
    when = reminder_time(appointment)
    return (
        appointment.status == AppointmentStatus.BOOKED
        and appointment.reminder_sent_at is None
        and appointment.customer.consent_reminders
        and bool(appointment.contact_email)
        and appointment.created_at < when <= now < appointment.starts_at
    )


@transaction.atomic
def send_reminder_if_due(appointment_id: int, now: dt.datetime | None = None) -> bool:
    """Send the reminder of one booking once; True when it went out now."""
    from servicelane.appointments.notifications import send_appointment_message

    now = now or timezone.now()
    appointment = (
        Appointment.objects.select_for_update(of=("self",))
        .select_related("workshop", "customer")
        .filter(pk=appointment_id)
        .first()
    )
    if appointment is None or not reminder_due(appointment, now):
        return False
    appointment.reminder_sent_at = now
    appointment.save(update_fields=["reminder_sent_at"])
    record_event(
        AppointmentEvent,
        subject=appointment,
        kind=EventKind.REMINDER_SENT,
        to=appointment.contact_email,
    )
    transaction.on_commit(lambda: send_appointment_message(appointment_id, EventKind.REMINDER_SENT))
    return True


@task()
def send_appointment_reminder(appointment_id: int) -> bool:
    return send_reminder_if_due(appointment_id)


@task()
def send_due_reminders() -> int:
    return send_due_reminders_now()


def send_due_reminders_now(now: dt.datetime | None = None) -> int:
    """Remind every booking whose reminder time has come; safe to run any number of times."""
    now = now or timezone.now()
    candidates = Appointment.objects.filter(
        status=AppointmentStatus.BOOKED,
        reminder_sent_at__isnull=True,
        customer__consent_reminders=True,
        starts_at__gt=now,
        starts_at__lt=now + dt.timedelta(days=2),
    ).values_list("pk", flat=True)
    return sum(send_reminder_if_due(pk, now) for pk in candidates)


def schedule_reminder(appointment_id: int) -> None:
    """Queue the reminder for its time, where the task backend can wait.

    Backends that cannot defer (the immediate one in tests) rely on the
    ``send_appointment_reminders`` command or the ``send_due_reminders`` task.
    """
    appointment = Appointment.objects.select_related("workshop").get(pk=appointment_id)
    when = reminder_time(appointment)
    if when <= appointment.created_at or when <= timezone.now():
        return
    try:
        send_appointment_reminder.using(run_after=when).enqueue(appointment_id)
    except InvalidTaskError:
        return
