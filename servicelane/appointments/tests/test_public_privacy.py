"""The public booking page and the customer's link show only what the visitor typed.

A VIN typed by an anonymous visitor is a claim, not a car: it reveals nothing the
network knows about that car, makes nobody its owner, and joins the workshop's cars
(with its mileage) only when the advisor confirms the car at reception.
"""

import datetime as dt
import re

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse

from servicelane.appointments.choices import Channel, EventKind
from servicelane.appointments.links import manage_token
from servicelane.appointments.models import Appointment
from servicelane.appointments.services import appointment_book
from servicelane.appointments.tests.factories import BERLIN, new_vin
from servicelane.core.tests.factories import NetworkFactory, WorkshopFactory
from servicelane.customers.tests.factories import CustomerFactory
from servicelane.vehicles.choices import MileageSource
from servicelane.vehicles.models import MileageReading, Ownership, Vehicle, WorkshopVehicle
from servicelane.vehicles.services import vehicle_record_mileage
from servicelane.vehicles.tests.factories import vehicle_of
from servicelane.workorders.models import RepairOrder

pytestmark = pytest.mark.django_db

TODAY_9 = dt.datetime(2026, 11, 23, 9, 0)  # Monday, Freiburg local; it is 07:00 now
SECRET_PLATE = "京A·88888"
SECRET_OWNER = "王秘密"


def local(moment: dt.datetime) -> str:
    return moment.replace(tzinfo=BERLIN).isoformat()


@pytest.fixture
def visitor() -> Client:
    return Client(headers={"Accept-Language": "en"})


@pytest.fixture
def beijing_car(beijing, advisor_bj):
    """A car Beijing registered, with its plate, its owner and a reading there."""
    owner = CustomerFactory(
        workshop=beijing, last_name="王", first_name="秘密", phone="+8613800000000"
    )
    car = vehicle_of(owner, plate=SECRET_PLATE)
    vehicle_record_mileage(actor=advisor_bj, vehicle=car, km=40_000, read_on=dt.date(2026, 5, 1))
    return car


def public_form(fr_cap, **overrides):
    data = {
        "service_types": fr_cap.ids("diagnosis"),
        "day": "2026-11-23",
        "starts_at": local(TODAY_9),
        "vin": new_vin(),
        "plate": "",
        "model": "",
        "mileage": "",
        "first_name": "Eva",
        "last_name": "Schmidt",
        "email": "eva.schmidt@example.de",
        "phone": "0761 2345678",
        "language": "en",
        "consent_reminders": "on",
        "notes": "",
        "website": "",
    }
    data.update(overrides)
    return data


def book_publicly(client, workshop, data, capture) -> tuple[Appointment, str]:
    """Book on the public page; the booking and the page its redirect lands on."""
    url = reverse("booking:book", kwargs={"workshop_id": workshop.pk})
    with capture(execute=True):
        response = client.post(url, data)
    assert response.status_code == 302, response.content.decode()[:2000]
    page = client.get(response["Location"]).content.decode()
    reference = re.search(r"FR-\d{4}-\d{4}", page)[0]
    return Appointment.objects.get(workshop=workshop, reference=reference), page


def leaks(text: str) -> list[str]:
    return [secret for secret in (SECRET_PLATE, SECRET_OWNER, "王", "秘密") if secret in text]


def test_a_vin_of_another_workshops_car_reveals_nothing_and_links_nothing(
    freiburg, fr_cap, beijing_car, visitor, django_capture_on_commit_callbacks
):
    readings = MileageReading.objects.count()
    data = public_form(fr_cap, vin=beijing_car.vin.lower(), mileage="61000", model="BMW 320i")

    appointment, page = book_publicly(visitor, freiburg, data, django_capture_on_commit_callbacks)

    # The manage page (where the booking lands) shows what was typed, nothing else.
    assert leaks(page) == []
    assert beijing_car.vin in page and "61000 km" in page and "BMW 320i" in page
    assert "Eva Schmidt" in page and "eva.schmidt@example.de" in page
    # Neither does the confirmation e-mail nor its calendar entry.
    (message,) = mail.outbox
    ics = message.attachments[0][1]
    assert leaks(message.body) == [] and leaks(ics) == []
    assert beijing_car.vin in message.body and "Eva Schmidt" in message.body
    # The visitor owns nothing, the car is not Freiburg's and has no new reading.
    assert appointment.vehicle is None
    assert appointment.entered_vin == beijing_car.vin
    assert appointment.entered_mileage == 61_000
    assert not Ownership.objects.filter(vehicle=beijing_car, workshop=freiburg).exists()
    assert not Ownership.objects.filter(customer=appointment.customer).exists()
    assert not WorkshopVehicle.objects.filter(vehicle=beijing_car, workshop=freiburg).exists()
    assert MileageReading.objects.count() == readings
    beijing_car.refresh_from_db()
    assert beijing_car.plate == SECRET_PLATE


def test_a_plate_typed_with_a_known_vin_does_not_change_the_networks_car(
    freiburg, fr_cap, beijing, visitor, django_capture_on_commit_callbacks
):
    car = vehicle_of(CustomerFactory(workshop=beijing), plate="")
    data = public_form(fr_cap, vin=car.vin, plate="FR-XX 1")

    book_publicly(visitor, freiburg, data, django_capture_on_commit_callbacks)

    car.refresh_from_db()
    assert car.plate == ""  # only the advisor fills gaps, at reception


def test_a_new_vin_from_the_public_page_creates_no_vehicle_before_reception(
    freiburg, fr_cap, visitor, django_capture_on_commit_callbacks
):
    appointment, _page = book_publicly(
        visitor, freiburg, public_form(fr_cap), django_capture_on_commit_callbacks
    )

    assert Vehicle.objects.count() == 0
    assert appointment.vehicle is None


def test_the_answer_does_not_tell_which_cars_the_network_or_the_workshop_knows(
    freiburg, fr_cap, visitor, django_capture_on_commit_callbacks
):
    elsewhere = WorkshopFactory(network=NetworkFactory(), code="XX")
    foreign = vehicle_of(CustomerFactory(workshop=elsewhere))
    url = reverse("booking:book", kwargs={"workshop_id": freiburg.pk})

    with django_capture_on_commit_callbacks(execute=True):
        unknown_plate = visitor.post(url, public_form(fr_cap, vin="", plate="FR-NEW 7"))
        other_network = visitor.post(
            url, public_form(fr_cap, vin=foreign.vin, starts_at=local(TODAY_9.replace(hour=11)))
        )

    # Both are accepted like any other: the advisor sorts the car out at reception.
    assert (unknown_plate.status_code, other_network.status_code) == (302, 302)
    assert Appointment.objects.filter(entered_plate="FR-NEW 7", vehicle=None).exists()


def test_a_visitor_typing_a_known_customers_phone_sees_only_the_name_they_typed(
    freiburg, fr_cap, visitor, django_capture_on_commit_callbacks
):
    known = CustomerFactory(
        workshop=freiburg, first_name="Anna", last_name="Geheimnis", phone="+497612345678"
    )
    data = public_form(fr_cap, email="someone@example.de")  # same phone as Anna

    appointment, page = book_publicly(visitor, freiburg, data, django_capture_on_commit_callbacks)

    assert appointment.customer == known  # the workshop's record, for the advisor
    assert "Geheimnis" not in page and "Geheimnis" not in mail.outbox[0].body
    assert "Eva Schmidt" in page and "Dear Eva Schmidt" in mail.outbox[0].body


def test_after_moving_and_cancelling_the_manage_page_still_shows_only_what_was_typed(
    freiburg, fr_cap, beijing_car, visitor, django_capture_on_commit_callbacks
):
    appointment, _page = book_publicly(
        visitor,
        freiburg,
        public_form(fr_cap, vin=beijing_car.vin),
        django_capture_on_commit_callbacks,
    )
    token = manage_token(appointment)
    move = reverse("booking:reschedule", kwargs={"token": token})
    manage = reverse("booking:manage", kwargs={"token": token})

    with django_capture_on_commit_callbacks(execute=True):
        moved = visitor.post(move, {"starts_at": local(TODAY_9.replace(hour=14))})
        moved_page = visitor.get(manage).content.decode()
        visitor.post(manage, {"action": "cancel"})
    cancelled_page = visitor.get(manage).content.decode()

    assert moved.status_code == 302
    assert leaks(visitor.get(move).content.decode()) == []
    for text in (moved_page, cancelled_page, *(m.body for m in mail.outbox)):
        assert leaks(text) == []
        assert beijing_car.vin in text
    assert all(leaks(m.attachments[0][1]) == [] for m in mail.outbox)


def test_the_advisor_confirms_the_car_at_check_in_and_only_then_it_is_linked(
    freiburg, fr_cap, beijing_car, advisor, advisor_client, visitor,
    django_capture_on_commit_callbacks,
):  # fmt: skip
    appointment, _page = book_publicly(
        visitor,
        freiburg,
        public_form(fr_cap, vin=beijing_car.vin, mileage="61000", plate="B-EV 1"),
        django_capture_on_commit_callbacks,
    )
    url = reverse("workorders:check_in", kwargs={"appointment_id": appointment.pk})

    form = advisor_client.get(url).content.decode()
    # The advisor sees what was typed beside what the network knows.
    assert "B-EV 1" in form and SECRET_PLATE in form
    assert 'value="61000"' in form  # the typed mileage, to check against the odometer
    unconfirmed = advisor_client.post(url, {"mileage": "61000", "vin": beijing_car.vin})
    assert unconfirmed.status_code == 400
    assert not WorkshopVehicle.objects.filter(vehicle=beijing_car, workshop=freiburg).exists()

    confirmed = advisor_client.post(
        url, {"mileage": "61000", "vin": beijing_car.vin, "car_confirmed": "on"}
    )

    assert confirmed.status_code == 302
    appointment.refresh_from_db()
    assert appointment.vehicle == beijing_car
    assert RepairOrder.objects.get(appointment=appointment).vehicle == beijing_car
    assert WorkshopVehicle.objects.filter(vehicle=beijing_car, workshop=freiburg).exists()
    assert (
        Ownership.objects.get(vehicle=beijing_car, workshop=freiburg, ended_on=None).customer
        == appointment.customer
    )
    reading = MileageReading.objects.filter(vehicle=beijing_car).order_by("-id").first()
    assert (reading.km, reading.workshop, reading.source) == (
        61_000,
        freiburg,
        MileageSource.RECEPTION,
    )
    confirmation = appointment.events.get(kind=EventKind.VEHICLE_CONFIRMED)
    assert confirmation.actor == advisor
    # Beijing's owner and plate stay Beijing's.
    assert Ownership.objects.filter(vehicle=beijing_car, ended_on=None).count() == 2
    beijing_car.refresh_from_db()
    assert beijing_car.plate == SECRET_PLATE


def test_a_check_in_refused_for_its_mileage_links_nothing(
    freiburg, fr_cap, beijing_car, advisor_client, visitor, django_capture_on_commit_callbacks
):
    appointment, _page = book_publicly(
        visitor,
        freiburg,
        public_form(fr_cap, vin=beijing_car.vin, mileage="30000"),  # below Beijing's 40,000
        django_capture_on_commit_callbacks,
    )
    url = reverse("workorders:check_in", kwargs={"appointment_id": appointment.pk})

    refused = advisor_client.post(url, {"mileage": "30000", "car_confirmed": "on"})

    assert refused.status_code == 400
    appointment.refresh_from_db()
    assert appointment.vehicle is None
    assert not WorkshopVehicle.objects.filter(vehicle=beijing_car, workshop=freiburg).exists()
    assert not Ownership.objects.filter(vehicle=beijing_car, workshop=freiburg).exists()


def test_the_advisor_corrects_a_mistyped_vin_through_the_api_check_in(
    freiburg, fr_cap, api, visitor, django_capture_on_commit_callbacks
):
    appointment, _page = book_publicly(
        visitor, freiburg, public_form(fr_cap, vin=new_vin()), django_capture_on_commit_callbacks
    )
    before = api.get(f"/api/v1/appointments/{appointment.pk}").json()
    real_vin = new_vin()

    response = api.post(
        "/api/v1/repair-orders/check-in",
        {"appointment_id": appointment.pk, "mileage": 12_000, "vin": real_vin},
        content_type="application/json",
    )

    assert response.status_code == 201, response.json()
    assert (before["vehicle_confirmed"], before["vin"]) == (False, appointment.entered_vin)
    after = api.get(f"/api/v1/appointments/{appointment.pk}").json()
    assert (after["vehicle_confirmed"], after["vin"]) == (True, real_vin)
    assert after["entered_vin"] == appointment.entered_vin  # what was typed stays on record
    assert WorkshopVehicle.objects.filter(vehicle__vin=real_vin, workshop=freiburg).exists()
    assert not Vehicle.objects.filter(vin=appointment.entered_vin).exists()


def test_the_free_times_the_public_page_loads_name_no_booking(freiburg, fr_cap, advisor, visitor):
    other = CustomerFactory(workshop=freiburg, first_name="Anna", last_name="Geheimnis")
    taken = appointment_book(
        actor=advisor,
        workshop=freiburg,
        channel=Channel.PHONE,
        service_type_ids=fr_cap.ids("diagnosis"),
        starts_at=TODAY_9,
        customer=other,
        vehicle=vehicle_of(other, plate="FR-GE 1"),
    )
    url = reverse("booking:slots", kwargs={"workshop_id": freiburg.pk})

    page = visitor.get(url, {"service_types": fr_cap.ids("diagnosis"), "day": "2026-11-23"})

    text = page.content.decode()
    assert page.status_code == 200 and 'name="starts_at"' in text
    nine, ten = (dt.datetime(2026, 11, 23, h, 0, tzinfo=dt.UTC).isoformat() for h in (8, 9))
    assert nine not in text and ten in text  # the taken time is simply not offered
    assert not [s for s in ("Geheimnis", "FR-GE 1", taken.reference, other.email) if s in text]
