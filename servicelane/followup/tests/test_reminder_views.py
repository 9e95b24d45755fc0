"""The reminders page: what the daily batch reminded owners of, newest first, read only,
filtered by status and kind, and only the user's workshop's."""

import datetime as dt
from typing import cast

import pytest
from django.test import Client

from servicelane.core.choices import NetworkRole, WorkshopRole
from servicelane.customers.models import Customer
from servicelane.customers.tests.factories import CustomerFactory
from servicelane.followup.choices import ReminderKind, ReminderStatus
from servicelane.followup.models import Reminder
from servicelane.servicebook.catalogue import ensure_maintenance_items
from servicelane.testing.clock import NOW
from servicelane.testing.personas import member, network_staff
from servicelane.vehicles.tests.factories import vehicle_of

pytestmark = pytest.mark.django_db

URL = "/follow-up/reminders/"


@pytest.fixture(autouse=True)
def pinned_now(time_machine):
    time_machine.move_to(NOW, tick=False)


@pytest.fixture(autouse=True)
def items(network):
    ensure_maintenance_items(network)


_cycles = iter(range(1, 10_000))


def reminder(workshop, *, minutes_ago=0, last_name="Muster", **fields) -> Reminder:
    """A reminder as the daily batch records it (the batch is tested on its own)."""
    owner = cast(
        Customer, CustomerFactory(workshop=workshop, last_name=last_name, first_name="Anna")
    )
    car = vehicle_of(owner)
    values = {
        "kind": ReminderKind.SERVICE,
        "item_code": "engine_oil",
        "due_date": dt.date(2026, 12, 10),
        "due_km": 60_000,
        "status": ReminderStatus.SENT,
        "sent_at": NOW - dt.timedelta(minutes=minutes_ago),
        **fields,
    }
    return Reminder.objects.create(
        workshop=workshop,
        vehicle=car,
        customer=owner,
        cycle=dt.date(2025, 1, 1) + dt.timedelta(days=next(_cycles)),
        email=owner.email,
        language=owner.language,
        run="test",
        created_at=NOW - dt.timedelta(minutes=minutes_ago),
        **values,
    )


def text(response) -> str:
    return response.content.decode()


def test_the_list_shows_each_reminder_newest_first(advisor_client, freiburg):
    older = reminder(freiburg, minutes_ago=60, last_name="Älter")
    newer = reminder(
        freiburg,
        minutes_ago=5,
        last_name="Neuer",
        kind=ReminderKind.WARRANTY,
        item_code="",
        due_km=None,
        status=ReminderStatus.QUEUED,
        sent_at=None,
    )

    response = advisor_client.get(URL)

    assert response.status_code == 200
    page = text(response)
    assert page.index("Anna Neuer") < page.index("Anna Älter")
    assert older.vehicle.vin in page and newer.vehicle.vin in page
    assert f'href="/customers/{older.customer_id}/"' in page
    assert "Service due: Engine oil" in page
    assert "Warranty ending" in page
    assert "at 60,000 km" in page
    assert "Queued" in page and "Sent" in page
    assert "2 reminders" in page


def test_item_names_follow_the_readers_language(freiburg):
    reminder(freiburg, item_code="brake_fluid")
    client = Client()
    client.force_login(member(freiburg, WorkshopRole.MANAGER, language="de"))

    page = text(client.get(URL))

    assert "Bremsflüssigkeit" in page


def test_filters_by_status_and_kind(advisor_client, freiburg):
    reminder(freiburg, last_name="Gesendet")
    reminder(freiburg, last_name="Wartend", status=ReminderStatus.QUEUED, sent_at=None)
    reminder(freiburg, last_name="Garantie", kind=ReminderKind.WARRANTY, item_code="")

    queued = text(advisor_client.get(URL, {"status": "queued"}))
    warranty = text(advisor_client.get(URL, {"kind": "warranty"}))
    wrong = advisor_client.get(URL, {"status": "lost"})

    assert "Wartend" in queued and "Gesendet" not in queued and "Garantie" not in queued
    assert "Garantie" in warranty and "Wartend" not in warranty
    assert wrong.status_code == 200
    assert 'class="alert error"' in text(wrong)


def test_htmx_gets_only_the_results(advisor_client, freiburg):
    reminder(freiburg)

    response = advisor_client.get(URL, {"kind": "service"}, HTTP_HX_REQUEST="true")

    assert "<html" not in text(response)
    assert "Engine oil" in text(response)


def test_the_list_is_paginated(advisor_client, freiburg, settings):
    settings.PAGE_SIZE = 2
    for minutes in range(3):
        reminder(freiburg, minutes_ago=minutes, last_name=f"Kunde{minutes}")

    first = text(advisor_client.get(URL))
    second = text(advisor_client.get(URL, {"page": 2}))

    assert "Kunde0" in first and "Kunde1" in first and "Kunde2" not in first
    assert "Kunde2" in second
    assert "Page 2 of 2" in second


def test_another_workshops_reminders_are_invisible(advisor_client, freiburg, beijing, network):
    reminder(freiburg, last_name="Freiburger")
    reminder(beijing, last_name="Pekinger")

    page = text(advisor_client.get(URL))
    client = Client()
    client.force_login(network_staff(network, NetworkRole.NETWORK_SUPPORT))
    network_page = text(client.get(URL))
    narrowed = text(client.get(URL, {"workshop": "BJ"}))

    assert "Freiburger" in page and "Pekinger" not in page
    assert "Freiburger" in network_page and "Pekinger" in network_page
    assert "Pekinger" in narrowed and "Freiburger" not in narrowed


def test_technicians_are_refused(freiburg):
    client = Client()
    client.force_login(member(freiburg, WorkshopRole.TECHNICIAN))

    assert client.get(URL).status_code == 403


def test_query_count_does_not_grow_with_rows(
    advisor_client, freiburg, django_assert_max_num_queries
):
    reminder(freiburg)
    with django_assert_max_num_queries(10):
        advisor_client.get(URL)
    for minutes in range(8):
        reminder(freiburg, minutes_ago=minutes, item_code="brake_fluid")

    with django_assert_max_num_queries(10):
        response = advisor_client.get(URL)

    assert text(response).count("Brake fluid") == 8
