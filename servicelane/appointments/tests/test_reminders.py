"""The reminder the day before a visit: once, in the customer's language, with consent."""

import datetime as dt

import pytest
from django.core import mail

from servicelane.appointments.choices import EventKind
from servicelane.appointments.services import appointment_cancel
from servicelane.appointments.tasks import reminder_time, send_due_reminders_now
from servicelane.appointments.tests.factories import UTC, book

WEDNESDAY_NINE = dt.datetime(2026, 11, 25, 9, 0)  # local time, in either workshop
# The reminder hour is 10:00 local on the day before: Tuesday 09:00 UTC in Freiburg.
FREIBURG_REMINDER = dt.datetime(2026, 11, 24, 9, 0, tzinfo=UTC)
AFTER_REMINDER_HOUR = FREIBURG_REMINDER + dt.timedelta(minutes=30)


def remind(captured, now: dt.datetime) -> int:
    with captured(execute=True):
        return send_due_reminders_now(now=now)


@pytest.mark.django_db
def test_the_reminder_goes_out_the_day_before_once_and_is_recorded(
    freiburg, fr_cap, django_capture_on_commit_callbacks
):
    appointment = book(
        freiburg,
        fr_cap,
        "diagnosis",
        at=WEDNESDAY_NINE,
        consent_reminders=True,
        email="eva@example.de",
    )
    assert reminder_time(appointment) == FREIBURG_REMINDER

    too_early = FREIBURG_REMINDER - dt.timedelta(minutes=1)
    assert remind(django_capture_on_commit_callbacks, too_early) == 0
    assert mail.outbox == [], "not before the reminder hour"

    sent = remind(django_capture_on_commit_callbacks, AFTER_REMINDER_HOUR)
    again = remind(django_capture_on_commit_callbacks, AFTER_REMINDER_HOUR + dt.timedelta(hours=1))

    assert (sent, again) == (1, 0)
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["eva@example.de"]
    assert appointment.reference in mail.outbox[0].subject
    appointment.refresh_from_db()
    assert appointment.reminder_sent_at == AFTER_REMINDER_HOUR
    event = appointment.events.get(kind=EventKind.REMINDER_SENT)
    assert event.data == {"to": "eva@example.de"}


@pytest.mark.django_db
def test_no_reminder_without_consent(freiburg, fr_cap, django_capture_on_commit_callbacks):
    appointment = book(freiburg, fr_cap, "diagnosis", at=WEDNESDAY_NINE, consent_reminders=False)

    assert remind(django_capture_on_commit_callbacks, AFTER_REMINDER_HOUR) == 0

    assert mail.outbox == []
    appointment.refresh_from_db()
    assert appointment.reminder_sent_at is None
    assert not appointment.events.filter(kind=EventKind.REMINDER_SENT).exists()


@pytest.mark.django_db
def test_no_reminder_for_a_cancelled_booking(freiburg, fr_cap, django_capture_on_commit_callbacks):
    appointment = book(freiburg, fr_cap, "diagnosis", at=WEDNESDAY_NINE, consent_reminders=True)
    appointment_cancel(actor=None, appointment=appointment)

    assert remind(django_capture_on_commit_callbacks, AFTER_REMINDER_HOUR) == 0

    assert mail.outbox == []


@pytest.mark.django_db
def test_only_customers_who_agreed_are_reminded_among_several(
    freiburg, fr_cap, django_capture_on_commit_callbacks
):
    book(freiburg, fr_cap, "diagnosis", at=WEDNESDAY_NINE, consent_reminders=True, email="a@x.de")
    book(
        freiburg,
        fr_cap,
        "express-oil",
        at=WEDNESDAY_NINE,
        consent_reminders=False,
        email="b@x.de",
    )

    assert remind(django_capture_on_commit_callbacks, AFTER_REMINDER_HOUR) == 1

    assert [m.to for m in mail.outbox] == [["a@x.de"]]


@pytest.mark.parametrize(
    ("language", "subject", "local_date", "service"),
    [
        ("de", "Erinnerung: Ihr Termin FR-2611-0001 morgen", "25. November 2026 09:00",
         "Fehlerdiagnose"),
        ("zh-hans", "提醒：您明天的预约 FR-2611-0001", "2026年11月25日 09:00", "故障诊断"),
        ("en", "Reminder: your appointment FR-2611-0001 tomorrow", "Nov. 25, 2026, 9 a.m.",
         "Diagnosis"),
    ],
)  # fmt: skip
@pytest.mark.django_db
def test_the_reminder_speaks_the_customers_language(
    freiburg, fr_cap, django_capture_on_commit_callbacks, language, subject, local_date, service
):
    book(
        freiburg,
        fr_cap,
        "diagnosis",
        at=WEDNESDAY_NINE,
        consent_reminders=True,
        language=language,
    )

    assert remind(django_capture_on_commit_callbacks, AFTER_REMINDER_HOUR) == 1

    assert mail.outbox[0].subject == subject
    body = mail.outbox[0].body
    assert local_date in body
    assert service in body


@pytest.mark.django_db
def test_beijing_reminds_at_its_own_local_hour(beijing, bj_cap, django_capture_on_commit_callbacks):
    appointment = book(beijing, bj_cap, "diagnosis", at=WEDNESDAY_NINE, consent_reminders=True)
    beijing_reminder = dt.datetime(2026, 11, 24, 2, 0, tzinfo=UTC)  # 10:00 in Beijing

    assert reminder_time(appointment) == beijing_reminder
    assert (
        remind(django_capture_on_commit_callbacks, beijing_reminder - dt.timedelta(seconds=1)) == 0
    )
    assert remind(django_capture_on_commit_callbacks, beijing_reminder) == 1


@pytest.mark.django_db
def test_a_booking_made_after_the_reminder_hour_gets_no_reminder(
    time_machine, freiburg, fr_cap, django_capture_on_commit_callbacks
):
    time_machine.move_to(AFTER_REMINDER_HOUR, tick=False)
    book(freiburg, fr_cap, "diagnosis", at=WEDNESDAY_NINE, consent_reminders=True)

    assert remind(django_capture_on_commit_callbacks, AFTER_REMINDER_HOUR) == 0


@pytest.mark.django_db
def test_a_rescheduled_booking_is_reminded_again_for_its_new_day(
    freiburg, fr_cap, django_capture_on_commit_callbacks
):
    from servicelane.appointments.services import appointment_reschedule

    appointment = book(freiburg, fr_cap, "diagnosis", at=WEDNESDAY_NINE, consent_reminders=True)
    assert remind(django_capture_on_commit_callbacks, AFTER_REMINDER_HOUR) == 1
    appointment_reschedule(
        actor=None, appointment=appointment, starts_at=dt.datetime(2026, 11, 26, 9, 0)
    )

    assert remind(django_capture_on_commit_callbacks, AFTER_REMINDER_HOUR) == 0
    assert (
        remind(django_capture_on_commit_callbacks, AFTER_REMINDER_HOUR + dt.timedelta(days=1)) == 1
    )
