"""The screens: public booking page, the customer's link, the advisor's and manager's pages."""

import datetime as dt
import re

import pytest
from django.core import mail
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from servicelane.appointments.choices import AppointmentStatus, Channel
from servicelane.appointments.links import manage_token
from servicelane.appointments.models import Appointment, OpeningHours, ServiceType
from servicelane.appointments.tests.factories import BERLIN, book, capacity, new_vin
from servicelane.core.choices import WorkshopRole
from servicelane.customers.tests.factories import CustomerFactory
from servicelane.testing.personas import member
from servicelane.vehicles.tests.factories import vehicle_of

pytestmark = pytest.mark.django_db

TUESDAY_9 = dt.datetime(2026, 11, 24, 9, 0)  # Freiburg local time


def local(moment: dt.datetime) -> str:
    return moment.replace(tzinfo=BERLIN).isoformat()


def public_form(fr_cap, **overrides):
    data = {
        "service_types": fr_cap.ids("oil-service"),
        "day": "2026-11-24",
        "starts_at": local(TUESDAY_9),
        "vin": new_vin(),
        "plate": "FR-EV 24",
        "first_name": "Eva",
        "last_name": "Schmidt",
        "email": "eva.schmidt@example.de",
        "phone": "0761 2345678",
        "language": "de",
        "consent_reminders": "on",
        "notes": "Es quietscht beim Bremsen.",
        "website": "",
    }
    data.update(overrides)
    return data


@pytest.fixture
def german_visitor() -> Client:
    return Client(headers={"Accept-Language": "de"})


def test_public_booking_books_sends_german_mail_with_calendar_entry_and_link(
    freiburg, fr_cap, german_visitor, django_capture_on_commit_callbacks
):
    url = reverse("booking:book", kwargs={"workshop_id": freiburg.pk})
    page = german_visitor.get(url)
    assert "Jetzt buchen" in page.content.decode()

    with django_capture_on_commit_callbacks(execute=True):
        response = german_visitor.post(url, public_form(fr_cap))

    assert response.status_code == 302
    appointment = Appointment.objects.get()
    assert appointment.channel == Channel.WEB
    assert appointment.starts_at == dt.datetime(2026, 11, 24, 8, 0, tzinfo=dt.UTC)
    assert appointment.customer.last_name == "Schmidt"
    assert appointment.customer.consent_reminders is True
    assert response["Location"] == reverse(
        "booking:manage", kwargs={"token": manage_token(appointment)}
    )
    (message,) = mail.outbox
    assert message.to == ["eva.schmidt@example.de"]
    assert appointment.reference in message.subject
    assert "Termin" in message.subject
    assert "/book/manage/" in message.body
    filename, ics, mimetype = message.attachments[0]
    assert filename == f"{appointment.reference}.ics"
    assert mimetype == "text/calendar"
    assert "DTSTART:20261124T080000Z" in ics
    landing = german_visitor.get(response["Location"])
    assert appointment.reference in landing.content.decode()


def test_public_booking_with_honeypot_filled_books_nothing(freiburg, fr_cap, german_visitor):
    url = reverse("booking:book", kwargs={"workshop_id": freiburg.pk})

    response = german_visitor.post(url, public_form(fr_cap, website="http://spam.example"))

    assert response.status_code == 400
    assert not Appointment.objects.exists()


def test_public_booking_shows_field_errors_and_books_nothing(freiburg, fr_cap, german_visitor):
    url = reverse("booking:book", kwargs={"workshop_id": freiburg.pk})

    response = german_visitor.post(url, public_form(fr_cap, vin="WBA123", email="kein-mail"))

    assert response.status_code == 400
    assert not Appointment.objects.exists()
    errors = re.findall(r'class="error"[^>]*>([^<]+)', response.content.decode())
    assert errors  # shown next to the fields, in German
    assert any("E-Mail" in e for e in errors)


def test_public_booking_is_rate_limited_per_client(freiburg, fr_cap, german_visitor, settings):
    settings.PUBLIC_BOOKING_RATE_PER_HOUR = 2
    url = reverse("booking:book", kwargs={"workshop_id": freiburg.pk})
    statuses = [
        german_visitor.post(
            url, public_form(fr_cap, starts_at=local(TUESDAY_9 + dt.timedelta(hours=h)))
        ).status_code
        for h in (0, 2, 4)
    ]

    assert statuses == [302, 302, 429]
    assert Appointment.objects.count() == 2


def test_last_slot_taken_meanwhile_shows_error_and_keeps_the_form(freiburg, fr_cap, german_visitor):
    book(freiburg, fr_cap, "oil-service", at=TUESDAY_9)  # the only general bay
    url = reverse("booking:book", kwargs={"workshop_id": freiburg.pk})

    response = german_visitor.post(url, public_form(fr_cap))

    assert response.status_code == 409
    assert Appointment.objects.count() == 1
    assert "Schmidt" in response.content.decode()  # what was typed is kept


def test_customer_moves_and_cancels_through_the_link(
    freiburg, fr_cap, german_visitor, django_capture_on_commit_callbacks
):
    appointment = book(freiburg, fr_cap, "oil-service", at=TUESDAY_9)
    token = manage_token(appointment)
    move_url = reverse("booking:reschedule", kwargs={"token": token})
    offered = german_visitor.get(move_url, {"day": "2026-11-25"}).content.decode()
    new_time = local(dt.datetime(2026, 11, 25, 10, 0))
    assert f'value="{dt.datetime(2026, 11, 25, 9, 0, tzinfo=dt.UTC).isoformat()}"' in offered

    with django_capture_on_commit_callbacks(execute=True):
        moved = german_visitor.post(move_url, {"starts_at": new_time})

    assert moved.status_code == 302
    appointment.refresh_from_db()
    assert appointment.starts_at == dt.datetime(2026, 11, 25, 9, 0, tzinfo=dt.UTC)
    assert "verschoben" in mail.outbox[-1].subject

    manage_url = reverse("booking:manage", kwargs={"token": token})
    with django_capture_on_commit_callbacks(execute=True):
        german_visitor.post(manage_url, {"action": "cancel"})

    appointment.refresh_from_db()
    assert appointment.status == AppointmentStatus.CANCELLED
    assert "METHOD:CANCEL" in mail.outbox[-1].attachments[0][1]


def test_tampered_link_finds_nothing(freiburg, fr_cap, german_visitor):
    appointment = book(freiburg, fr_cap, "oil-service", at=TUESDAY_9)
    token = manage_token(appointment)

    response = german_visitor.get(reverse("booking:manage", kwargs={"token": token[:-2] + "xx"}))

    assert response.status_code == 404
    assert appointment.reference not in response.content.decode()


def test_advisor_books_a_caller_for_an_existing_customer(freiburg, fr_cap, advisor, advisor_client):
    customer = CustomerFactory(workshop=freiburg, email="stamm@example.de")
    vehicle = vehicle_of(customer, plate="FR-ST 1")
    form = advisor_client.get(reverse("appointments:new"), {"customer": customer.pk})
    assert vehicle.vin in form.content.decode()  # the customer's car is filled in

    response = advisor_client.post(
        reverse("appointments:new"),
        {
            "customer": customer.pk,
            "vin": vehicle.vin,
            "service_types": fr_cap.ids("diagnosis"),
            "day": "2026-11-24",
            "starts_at": local(TUESDAY_9),
            "language": "de",
            "advisor": advisor.pk,
            "parking_spot": "P3",
            "notes": "Motorkontrollleuchte an",
        },
    )

    appointment = Appointment.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse(
        "appointments:detail", kwargs={"appointment_id": appointment.pk}
    )
    assert appointment.customer == customer
    assert appointment.vehicle == vehicle
    assert appointment.channel == Channel.PHONE
    assert appointment.advisor == advisor
    assert appointment.parking_spot == "P3"


def test_day_view_shows_bookings_per_lane_with_load(freiburg, fr_cap, advisor_client):
    appointment = book(freiburg, fr_cap, "oil-service", at=TUESDAY_9, plate="FR-DV 9")

    page = advisor_client.get(reverse("appointments:day"), {"day": "2026-11-24"}).content.decode()

    assert appointment.customer.display_name in page
    assert "FR-DV 9" in page
    assert 'style="width: 100%"' in page  # the one bay is full at 09:00 and 09:30


def test_welcome_board_lists_todays_arrivals_and_marks_them_arrived(
    freiburg, fr_cap, advisor, advisor_client, time_machine
):
    appointment = book(freiburg, fr_cap, "diagnosis", at=dt.datetime(2026, 11, 23, 9, 0))
    appointment.parking_spot = "P7"
    appointment.save()
    time_machine.move_to(dt.datetime(2026, 11, 23, 7, 55, tzinfo=dt.UTC), tick=False)

    board = advisor_client.get(reverse("appointments:arrivals")).content.decode()
    assert appointment.customer.display_name in board
    assert "P7" in board
    advisor_client.post(
        reverse("appointments:arrived", kwargs={"appointment_id": appointment.pk}),
        {"next": "arrivals"},
    )

    appointment.refresh_from_db()
    assert appointment.status == AppointmentStatus.ARRIVED


def test_advisor_moves_a_booking_to_another_free_time(freiburg, fr_cap, advisor_client):
    appointment = book(freiburg, fr_cap, "oil-service", at=TUESDAY_9)

    advisor_client.post(
        reverse("appointments:reschedule", kwargs={"appointment_id": appointment.pk}),
        {"starts_at": local(dt.datetime(2026, 11, 24, 13, 0))},
    )

    appointment.refresh_from_db()
    assert appointment.starts_at == dt.datetime(2026, 11, 24, 12, 0, tzinfo=dt.UTC)


def test_manager_closes_saturdays_and_they_are_no_longer_offered(freiburg, fr_cap):
    manager = member(freiburg, WorkshopRole.MANAGER, email="chef@freiburg.test")
    client = Client()
    client.force_login(manager)
    data = {}
    for day in range(7):
        data[f"d{day}-open"] = "on" if day < 5 else ""
        data[f"d{day}-opens"] = "08:00"
        data[f"d{day}-closes"] = "17:00"

    response = client.post(reverse("appointments:capacity"), data)

    assert response.status_code == 302
    assert sorted(
        OpeningHours.objects.filter(workshop=freiburg).values_list("weekday", flat=True)
    ) == [0, 1, 2, 3, 4]
    slots = client.get(
        reverse("booking:slots", kwargs={"workshop_id": freiburg.pk}),
        {"service_types": fr_cap.ids("oil-service"), "day": "2026-11-28"},
    ).content.decode()
    assert "2026-11-28T" not in slots  # Saturday
    assert "2026-11-30T" in slots  # Monday after


def test_manager_adds_a_service_type_with_a_promise(freiburg, fr_cap):
    manager = member(freiburg, WorkshopRole.MANAGER, email="chef@freiburg.test")
    client = Client()
    client.force_login(manager)

    response = client.post(
        reverse("appointments:service_type_new"),
        {
            "code": "wheel-alignment",
            "name_en": "Wheel alignment",
            "name_de": "Achsvermessung",
            "name_zh_hans": "四轮定位",
            "lane": fr_cap.lanes["general"].pk,
            "duration_minutes": 45,
            "promise_hours": 2,
            "min_days_ahead": 0,
            "active": "on",
        },
    )

    assert response.status_code == 302
    service = ServiceType.objects.get(workshop=freiburg, code="wheel-alignment")
    assert (service.duration_minutes, service.promise_hours) == (45, 2)


def test_advisor_cannot_change_capacity(advisor_client, fr_cap):
    assert advisor_client.get(reverse("appointments:capacity")).status_code == 403


def test_day_view_queries_do_not_grow_with_bookings(freiburg, advisor_client):
    cap = capacity(freiburg, general_bays=30)

    def queries_for(count: int) -> int:
        Appointment.objects.all().delete()
        for _ in range(count):
            book(freiburg, cap, "diagnosis", at=TUESDAY_9)
        with CaptureQueriesContext(connection) as day:
            advisor_client.get(reverse("appointments:day"), {"day": "2026-11-24"})
        return len(day)

    assert queries_for(5) == queries_for(20)
