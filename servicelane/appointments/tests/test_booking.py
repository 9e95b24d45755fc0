"""Booking: references, who and which car, the confirmation e-mail and its manage link."""

import datetime as dt
import re

import pytest
from django.core import mail
from django.core.exceptions import ValidationError

from servicelane.appointments.choices import EventKind
from servicelane.appointments.links import appointment_from_token, manage_token
from servicelane.appointments.models import Appointment
from servicelane.appointments.tests.factories import UTC, book
from servicelane.customers.models import Customer
from servicelane.customers.tests.factories import CustomerFactory
from servicelane.testing.clock import TUESDAY
from servicelane.vehicles.models import Ownership, Vehicle, WorkshopVehicle
from servicelane.vehicles.tests.factories import vehicle_of

NINE = dt.datetime.combine(TUESDAY, dt.time(9))


def at(hour: int, minute: int = 0) -> dt.datetime:
    return dt.datetime.combine(TUESDAY, dt.time(hour, minute))


# --- references ---------------------------------------------------------------


@pytest.mark.django_db
def test_references_count_up_per_workshop_and_month(
    freiburg, fr_cap, advisor, beijing, bj_cap, advisor_bj
):
    first = book(freiburg, fr_cap, "diagnosis", at=at(9), actor=advisor)
    second = book(freiburg, fr_cap, "diagnosis", at=at(10), actor=advisor)
    in_beijing = book(beijing, bj_cap, "diagnosis", at=at(9), actor=advisor_bj)

    assert first.reference == "FR-2611-0001"
    assert second.reference == "FR-2611-0002"
    assert in_beijing.reference == "BJ-2611-0001"


@pytest.mark.django_db
def test_the_reference_month_is_the_workshops_local_month(
    time_machine, freiburg, fr_cap, advisor, beijing, bj_cap, advisor_bj
):
    # Monday 30 November, 20:00 UTC: 21:00 in Freiburg, already 1 December in Beijing.
    time_machine.move_to(dt.datetime(2026, 11, 30, 20, 0, tzinfo=UTC), tick=False)
    wednesday = dt.datetime(2026, 12, 2, 9, 0)

    assert book(freiburg, fr_cap, "diagnosis", at=wednesday, actor=advisor).reference == (
        "FR-2611-0001"
    )
    assert book(beijing, bj_cap, "diagnosis", at=wednesday, actor=advisor_bj).reference == (
        "BJ-2612-0001"
    )


@pytest.mark.django_db
def test_a_booking_records_who_booked_it_and_how(freiburg, fr_cap, advisor):
    appointment = book(freiburg, fr_cap, "diagnosis", at=NINE, actor=advisor)

    event = appointment.events.get()
    assert event.kind == EventKind.BOOKED
    assert event.actor == advisor
    assert event.data["services"] == ["diagnosis"]
    assert appointment.created_by == advisor
    assert appointment.channel == "phone"


# --- customer and car ---------------------------------------------------------


@pytest.mark.django_db
def test_a_known_customer_is_found_by_email_instead_of_duplicated(freiburg, fr_cap, advisor):
    known = CustomerFactory(workshop=freiburg, email="anna.huber@example.de")

    appointment = book(
        freiburg, fr_cap, "diagnosis", at=NINE, actor=advisor, email="Anna.Huber@Example.DE"
    )

    assert appointment.customer == known
    assert Customer.objects.count() == 1


@pytest.mark.django_db
def test_a_known_customer_is_found_by_phone_in_any_format(freiburg, fr_cap, advisor):
    known = CustomerFactory(workshop=freiburg, email="", phone="+497611234567")

    appointment = book(
        freiburg, fr_cap, "diagnosis", at=NINE, actor=advisor, email="", phone="0761 123 4567"
    )

    assert appointment.customer == known
    assert Customer.objects.count() == 1


@pytest.mark.django_db
def test_a_customer_of_another_workshop_is_not_matched(freiburg, fr_cap, advisor, beijing):
    CustomerFactory(workshop=beijing, email="anna.huber@example.de")

    appointment = book(
        freiburg, fr_cap, "diagnosis", at=NINE, actor=advisor, email="anna.huber@example.de"
    )

    assert appointment.customer.workshop == freiburg
    assert Customer.objects.count() == 2


@pytest.mark.django_db
def test_a_known_vin_books_the_existing_car(freiburg, fr_cap, advisor):
    owner = CustomerFactory(workshop=freiburg)
    car = vehicle_of(owner)

    appointment = book(
        freiburg, fr_cap, "diagnosis", at=NINE, actor=advisor, email=owner.email, vin=car.vin
    )

    assert appointment.vehicle == car
    assert appointment.customer == owner
    assert Vehicle.objects.count() == 1


@pytest.mark.django_db
def test_a_car_known_to_another_workshop_of_the_network_is_linked_not_duplicated(
    freiburg, fr_cap, beijing, bj_cap, advisor_bj
):
    car = vehicle_of(CustomerFactory(workshop=freiburg))

    appointment = book(beijing, bj_cap, "diagnosis", at=NINE, actor=advisor_bj, vin=car.vin)

    assert appointment.vehicle == car
    assert Vehicle.objects.count() == 1
    assert WorkshopVehicle.objects.filter(workshop=beijing, vehicle=car).exists()
    assert Ownership.objects.get(workshop=beijing, vehicle=car).customer == appointment.customer


@pytest.mark.django_db
def test_a_plate_the_workshop_knows_books_that_car(freiburg, fr_cap, advisor):
    car = vehicle_of(CustomerFactory(workshop=freiburg), plate="FR-AB 123")

    appointment = book(
        freiburg, fr_cap, "diagnosis", at=NINE, actor=advisor, vin="", plate="frab123"
    )

    assert appointment.vehicle == car


@pytest.mark.django_db
def test_a_plate_unknown_to_the_workshop_asks_for_the_vin(freiburg, fr_cap, advisor, beijing):
    vehicle_of(CustomerFactory(workshop=beijing), plate="FR-AB 123")  # known elsewhere only

    with pytest.raises(ValidationError) as error:
        book(freiburg, fr_cap, "diagnosis", at=NINE, actor=advisor, vin="", plate="FR-AB 123")

    assert "VIN" in error.value.message_dict["vin"][0]
    assert not Appointment.objects.exists()
    assert Customer.objects.filter(workshop=freiburg).count() == 0


@pytest.mark.django_db
def test_a_malformed_vin_is_refused_and_nothing_is_created(freiburg, fr_cap, advisor):
    with pytest.raises(ValidationError) as error:
        book(freiburg, fr_cap, "diagnosis", at=NINE, actor=advisor, vin="WBA123")

    assert "vin" in error.value.message_dict
    assert not Appointment.objects.exists()
    assert not Customer.objects.exists()
    assert not Vehicle.objects.exists()


@pytest.mark.django_db
def test_a_technician_may_not_book(freiburg, fr_cap, technician):
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        book(freiburg, fr_cap, "diagnosis", at=NINE, actor=technician)


# --- confirmation e-mail -------------------------------------------------------


def booked_with_mail(captured, *args, **kwargs) -> Appointment:
    with captured(execute=True):
        return book(*args, **kwargs)


@pytest.mark.django_db
def test_the_confirmation_goes_to_the_contact_address_with_a_calendar_entry(
    freiburg, fr_cap, django_capture_on_commit_callbacks
):
    appointment = booked_with_mail(
        django_capture_on_commit_callbacks,
        freiburg,
        fr_cap,
        "diagnosis",
        at=NINE,
        email="Eva.Klein@Example.DE",
        language="de",
    )

    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["eva.klein@example.de"]
    assert appointment.reference in message.subject
    # Rendered in German: Django's German date format and the German service name.
    assert "24. November 2026 09:00" in message.body
    assert "Fehlerdiagnose" in message.body
    ((filename, ics, mimetype),) = message.attachments
    assert filename == f"{appointment.reference}.ics"
    assert mimetype == "text/calendar"
    assert ics.startswith("BEGIN:VCALENDAR\r\n")
    assert "DTSTART:20261124T080000Z\r\n" in ics
    assert "DTEND:20261124T090000Z\r\n" in ics
    assert appointment.reference in ics
    assert "END:VCALENDAR" in ics


@pytest.mark.parametrize(
    ("language", "subject"),
    [
        ("de", "Ihr Termin FR-2611-0001 ist gebucht"),
        ("zh-hans", "您的预约 FR-2611-0001 已成功"),
        ("en", "Your appointment FR-2611-0001 is booked"),
    ],
)
@pytest.mark.django_db
def test_the_confirmation_subject_is_in_the_bookings_language(
    freiburg, fr_cap, django_capture_on_commit_callbacks, language, subject
):
    booked_with_mail(
        django_capture_on_commit_callbacks,
        freiburg,
        fr_cap,
        "diagnosis",
        at=NINE,
        language=language,
    )

    assert [m.subject for m in mail.outbox] == [subject]


@pytest.mark.django_db
def test_a_booking_without_an_email_address_sends_nothing(
    freiburg, fr_cap, advisor, django_capture_on_commit_callbacks
):
    booked_with_mail(
        django_capture_on_commit_callbacks,
        freiburg,
        fr_cap,
        "diagnosis",
        at=NINE,
        actor=advisor,
        email="",
        phone="0761 7654321",
    )

    assert mail.outbox == []


# --- the manage link ------------------------------------------------------------


@pytest.mark.django_db
def test_the_manage_link_in_the_email_opens_the_booking(
    freiburg, fr_cap, django_capture_on_commit_callbacks
):
    appointment = booked_with_mail(
        django_capture_on_commit_callbacks, freiburg, fr_cap, "diagnosis", at=NINE
    )

    found = re.search(r"http://127\.0\.0\.1:8000/book/manage/([^/\s]+)/", mail.outbox[0].body)
    assert found, mail.outbox[0].body
    assert found.group(0) in mail.outbox[0].attachments[0][1].replace("\r\n ", "")
    assert appointment_from_token(found.group(1)) == appointment


@pytest.mark.django_db
def test_a_tampered_manage_token_opens_nothing(freiburg, fr_cap):
    appointment = book(freiburg, fr_cap, "diagnosis", at=NINE)
    other = book(freiburg, fr_cap, "diagnosis", at=at(10))
    token = manage_token(appointment)

    _payload, rest = token.split(":", 1)
    forged = manage_token(other).split(":", 1)[0] + ":" + rest

    assert appointment_from_token(token) == appointment
    assert appointment_from_token(forged) is None
    assert appointment_from_token(token[:-2] + ("AA" if token[-2:] != "AA" else "BB")) is None
    assert appointment_from_token("not-a-token") is None


@pytest.mark.django_db
def test_a_manage_token_expires_a_week_after_the_visit(time_machine, freiburg, fr_cap):
    appointment = book(freiburg, fr_cap, "diagnosis", at=NINE)
    token = manage_token(appointment)
    week_after = appointment.ends_at + dt.timedelta(days=7)

    time_machine.move_to(week_after - dt.timedelta(minutes=1), tick=False)
    assert appointment_from_token(token) == appointment

    time_machine.move_to(week_after + dt.timedelta(minutes=1), tick=False)
    assert appointment_from_token(token) is None


@pytest.mark.django_db
def test_a_public_booking_without_a_user_is_made_through_the_web_channel(freiburg, fr_cap):
    appointment = book(freiburg, fr_cap, "diagnosis", at=NINE)

    assert appointment.channel == "web"
    assert appointment.created_by is None
    assert appointment.customer.language == "de"


def test_express_work_mixed_with_other_work_loses_promise_and_notice_so_books_today(
    freiburg, fr_cap, advisor
):
    today_10 = dt.datetime(2026, 11, 23, 10, 0)  # Freiburg local; it is 07:00 now

    appointment = book(freiburg, fr_cap, "express-oil", "diagnosis", at=today_10, actor=advisor)

    assert appointment.lane == fr_cap.lanes["general"]
    assert appointment.promised_at is None


def test_the_phone_given_with_a_booking_is_the_bookings_contact(freiburg, fr_cap):
    known = CustomerFactory(workshop=freiburg, email="bekannt@example.de", phone="+497611111111")

    appointment = book(
        freiburg, fr_cap, "oil-service", at=at(9), email="bekannt@example.de", phone="0761 2222222"
    )

    assert appointment.customer == known
    assert appointment.contact_phone == "+497612222222"
    known.refresh_from_db()
    assert known.phone == "+497611111111"  # a booking never overwrites the record
