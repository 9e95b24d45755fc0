"""The daily reminder batch: once per due item, only with consent, in the owner's language."""

import datetime as dt
from typing import cast

import pytest
from django.core import mail
from django.core.management import call_command
from django.db import IntegrityError, transaction

from servicelane.customers.models import Customer
from servicelane.customers.tests.factories import CustomerFactory
from servicelane.followup.choices import ReminderKind, ReminderStatus
from servicelane.followup.models import Reminder
from servicelane.followup.reminders import run_reminder_batch
from servicelane.followup.tasks import next_run_after
from servicelane.servicebook.catalogue import ITEMS, ensure_maintenance_items
from servicelane.servicebook.choices import EntryKind
from servicelane.servicebook.services import service_entry_create
from servicelane.vehicles.models import Ownership
from servicelane.vehicles.tests.factories import vehicle_of

TODAY = dt.date.today()
ALL_ITEMS = [code for code, *_ in ITEMS]


@pytest.fixture
def items(network):
    ensure_maintenance_items(network)


def serviced_car(advisor, workshop, *, days_ago=350, **customer):
    """A car serviced completely ``days_ago`` days ago, driven little: only its 12-month
    engine oil can be due within a month."""
    owner = CustomerFactory(
        workshop=workshop, **{"language": "de", "consent_reminders": True, **customer}
    )
    car = vehicle_of(owner, first_registration=TODAY - dt.timedelta(days=3 * 365), plate="FR-SB 1")
    service_entry_create(
        actor=advisor,
        workshop=workshop,
        vehicle=car,
        kind=EntryKind.SERVICE,
        performed_on=TODAY - dt.timedelta(days=days_ago),
        mileage=9000,
        items=ALL_ITEMS,
    )
    return owner, car


@pytest.mark.django_db
def test_a_due_owner_is_emailed_once_however_often_the_batch_runs(advisor, freiburg, items):
    owner, _car = serviced_car(advisor, freiburg)

    first = run_reminder_batch()
    second = run_reminder_batch()

    assert (first.emails, second.emails) == (1, 0)
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == [owner.email]
    assert "FR-SB 1" in message.subject
    assert "Motoröl" in message.body  # the item in the owner's language
    assert f"/book/{freiburg.pk}/" in message.body  # a link to book
    reminder = Reminder.objects.get()
    assert (reminder.kind, reminder.item_code, reminder.status) == (
        ReminderKind.SERVICE,
        "engine_oil",
        ReminderStatus.SENT,
    )
    assert reminder.customer == owner and reminder.workshop == freiburg
    assert reminder.due_date == TODAY - dt.timedelta(days=350) + dt.timedelta(days=365)


@pytest.mark.django_db
def test_the_command_twice_sends_nothing_the_second_time(advisor, freiburg, items, capsys):
    serviced_car(advisor, freiburg)
    call_command("send_service_reminders", verbosity=0)
    call_command("send_service_reminders", verbosity=0)
    out = capsys.readouterr().out
    assert "1 e-mails sent for 1 reminders" in out
    assert "0 e-mails sent for 0 reminders" in out
    assert len(mail.outbox) == 1


@pytest.mark.django_db
def test_no_consent_no_email(advisor, freiburg, items):
    serviced_car(advisor, freiburg, consent_reminders=False)
    result = run_reminder_batch()
    assert result.no_consent == 1
    assert mail.outbox == [] and not Reminder.objects.exists()


@pytest.mark.django_db
def test_nothing_due_within_the_horizon_sends_nothing(advisor, freiburg, items):
    serviced_car(advisor, freiburg, days_ago=100)
    assert run_reminder_batch().emails == 0
    assert run_reminder_batch(horizon_days=300).emails == 1  # the horizon is configurable


@pytest.mark.django_db
def test_after_the_next_service_the_new_due_date_is_reminded_again(advisor, freiburg, items):
    _owner, car = serviced_car(advisor, freiburg, days_ago=350)
    run_reminder_batch()
    service_entry_create(
        actor=advisor,
        workshop=freiburg,
        vehicle=car,
        kind=EntryKind.SERVICE,
        performed_on=TODAY - dt.timedelta(days=1),
        mileage=9500,
        items=["engine_oil"],
    )
    assert run_reminder_batch().emails == 0  # just serviced
    a_year_on = TODAY + dt.timedelta(days=360)
    assert run_reminder_batch(today=a_year_on).emails == 1
    assert Reminder.objects.filter(item_code="engine_oil").count() == 2


@pytest.mark.django_db
def test_a_warranty_ending_soon_is_reminded(advisor, freiburg, items):
    _owner, car = serviced_car(advisor, freiburg, days_ago=100)
    car.warranty_until = TODAY + dt.timedelta(days=20)
    car.save()
    assert run_reminder_batch().emails == 1
    assert Reminder.objects.get().kind == ReminderKind.WARRANTY
    assert "Neuwagengarantie" in mail.outbox[0].body  # in the owner's German


@pytest.mark.django_db
def test_the_reminder_comes_from_the_workshop_that_last_worked_on_the_car(
    advisor, advisor_bj, freiburg, beijing, items
):
    owner, car = serviced_car(advisor, freiburg)
    # Beijing also knows the car and its owner, but the last work was Freiburg's.
    bj_owner = cast(
        Customer,
        CustomerFactory(
            workshop=beijing, consent_reminders=True, language="zh-hans", email="lin@example.cn"
        ),
    )

    Ownership.objects.create(workshop=beijing, vehicle=car, customer=bj_owner, started_on=TODAY)
    run_reminder_batch()
    assert [m.to for m in mail.outbox] == [[owner.email]]
    assert Reminder.objects.get().workshop == freiburg


@pytest.mark.django_db
def test_the_database_keeps_one_reminder_per_item_and_cycle(advisor, freiburg, items):
    owner, car = serviced_car(advisor, freiburg)
    run_reminder_batch()
    existing = Reminder.objects.get()
    with pytest.raises(IntegrityError), transaction.atomic():
        Reminder.objects.create(
            workshop=freiburg,
            vehicle=car,
            customer=owner,
            kind=existing.kind,
            item_code=existing.item_code,
            cycle=existing.cycle,
            email="other@example.org",
            language="en",
            run="another-run",
        )


@pytest.mark.django_db
def test_an_unreachable_mail_server_marks_the_reminders_failed(advisor, freiburg, items, settings):
    serviced_car(advisor, freiburg)
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_TIMEOUT = "127.0.0.1", 9, 2
    settings.EMAIL_USE_TLS = False
    with pytest.raises(OSError):
        run_reminder_batch()
    assert Reminder.objects.get().status == ReminderStatus.FAILED
    assert mail.outbox == []

    # The next run, with the server back, sends what failed: once.
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    assert run_reminder_batch().emails == 1
    assert run_reminder_batch().emails == 0
    assert Reminder.objects.get().status == ReminderStatus.SENT
    assert len(mail.outbox) == 1


def test_the_daily_run_is_at_the_configured_hour(settings):
    settings.SERVICE_REMINDER_HOUR_UTC = 6
    before = dt.datetime(2026, 11, 23, 5, 0, tzinfo=dt.UTC)
    after = dt.datetime(2026, 11, 23, 7, 0, tzinfo=dt.UTC)
    assert next_run_after(before) == dt.datetime(2026, 11, 23, 6, 0, tzinfo=dt.UTC)
    assert next_run_after(after) == dt.datetime(2026, 11, 24, 6, 0, tzinfo=dt.UTC)
