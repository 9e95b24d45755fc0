"""Reception: a booked or walk-in car checked in, its mileage checked against its history,
fuel, documents and the customer's concerns recorded, earlier declined work taken up, and
the customer sent the link to follow the repair."""

import datetime as dt
from typing import cast

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from servicelane.appointments.choices import AppointmentStatus
from servicelane.appointments.services import appointment_cancel
from servicelane.appointments.tests.factories import book
from servicelane.core.models import AuditEntry, Counter
from servicelane.customers.models import Customer
from servicelane.customers.tests.factories import CustomerFactory
from servicelane.testing.refusals import refusal
from servicelane.testing.scenarios import handover_answers, priced_job, walk_in
from servicelane.vehicles.choices import MileageSource
from servicelane.vehicles.models import MileageReading
from servicelane.workorders.choices import (
    EventKind,
    JobSource,
    JobStatus,
    LineKind,
    ROStatus,
)
from servicelane.workorders.estimate.services import estimate_answer, estimate_send
from servicelane.workorders.handover.services import repair_order_hand_over
from servicelane.workorders.models import RepairOrder
from servicelane.workorders.reception.selectors import deferred_jobs_of
from servicelane.workorders.reception.services import (
    repair_order_check_in,
    repair_order_update_reception,
)

pytestmark = pytest.mark.django_db


NINE_TODAY = dt.datetime(2026, 11, 23, 9, 0)  # Monday 09:00 in Freiburg


def check_in(ro: RepairOrder, advisor, **kw) -> RepairOrder:
    """The same customer's car back for another visit."""
    return repair_order_check_in(
        actor=advisor,
        workshop=ro.workshop,
        customer=ro.customer,
        vehicle=ro.vehicle,
        **{"mileage": ro.mileage + 5_000, **kw},
    )


# ---------------------------------------------------------------- walk-in


def test_a_walk_in_is_checked_in_with_its_mileage_on_the_cars_history(freiburg, advisor):
    ro = walk_in(freiburg, advisor, mileage=42_000)

    assert ro.number == "FR-R26-00001"
    assert ro.status == ROStatus.CHECKED_IN
    assert ro.appointment is None
    assert ro.advisor == advisor
    assert ro.created_by == advisor
    assert ro.language == "de"  # the customer's
    assert ro.contact_email == "walkin@example.de"
    assert ro.mileage == 42_000
    reading = MileageReading.objects.get(vehicle=ro.vehicle)
    assert (reading.km, reading.source, reading.flagged) == (42_000, MileageSource.RECEPTION, False)
    assert reading.read_on == dt.date(2026, 11, 23)
    assert ro.events.get().kind == EventKind.CHECKED_IN
    audit = AuditEntry.objects.get(action="repair_order_checked_in", target_id=str(ro.pk))
    assert audit.actor == advisor
    assert audit.changes["mileage"] == 42_000


def test_a_technician_cannot_check_a_car_in(freiburg, advisor, tech):
    first = walk_in(freiburg, advisor)

    with pytest.raises(PermissionDenied):
        check_in(first, tech)

    assert RepairOrder.objects.count() == 1


def test_another_workshops_customer_is_unknown_here(freiburg, beijing, advisor):
    ro = walk_in(freiburg, advisor)
    stranger = cast(Customer, CustomerFactory(workshop=beijing))

    with pytest.raises(ValidationError) as exc:
        repair_order_check_in(
            actor=advisor, workshop=freiburg, customer=stranger, vehicle=ro.vehicle, mileage=50_000
        )

    assert exc.value.message_dict == {"customer": ["Unknown customer."]}


# ---------------------------------------------------------------- mileage


def test_a_mileage_lower_than_the_cars_history_is_refused_and_nothing_is_written(freiburg, advisor):
    first = walk_in(freiburg, advisor, mileage=50_000)

    with pytest.raises(ValidationError) as exc:
        check_in(first, advisor, mileage=49_000)

    assert "The car's history shows 50,000 km already." in exc.value.message_dict["mileage"][0]
    assert RepairOrder.objects.count() == 1
    assert MileageReading.objects.filter(vehicle=first.vehicle).count() == 1
    # The refused check-in took no number: the next order follows on.
    assert check_in(first, advisor, mileage=51_000).number == "FR-R26-00002"


def test_a_lower_mileage_the_advisor_confirms_is_kept_and_flagged(freiburg, advisor):
    first = walk_in(freiburg, advisor, mileage=50_000)

    ro = check_in(first, advisor, mileage=49_000, mileage_confirmed=True)

    assert ro.mileage == 49_000
    reading = MileageReading.objects.filter(vehicle=first.vehicle).order_by("-id").first()
    assert reading is not None
    assert (reading.km, reading.flagged) == (49_000, True)


@pytest.mark.parametrize(
    ("mileage", "message"),
    [
        ("", "Enter the mileage in whole kilometres."),
        ("forty thousand", "Enter the mileage in whole kilometres."),
        ("12.5", "Enter the mileage in whole kilometres."),
        (-1, "Enter a mileage between 0 and 2,000,000 km."),
        (2_000_001, "Enter a mileage between 0 and 2,000,000 km."),
    ],
)
def test_a_mileage_that_is_not_a_reading_is_refused(freiburg, advisor, mileage, message):
    first = walk_in(freiburg, advisor)

    with pytest.raises(ValidationError) as exc:
        check_in(first, advisor, mileage=mileage)

    assert exc.value.message_dict == {"mileage": [message]}
    assert RepairOrder.objects.count() == 1


# ---------------------------------------------------------------- fuel, documents, concerns


def test_fuel_level_documents_and_parking_spot_are_recorded(freiburg, advisor):
    ro = walk_in(
        freiburg,
        advisor,
        fuel_level="3",
        documents_seen=["registration", "service_booklet", "registration"],
        parking_spot=" P12 ",
    )

    ro.refresh_from_db()
    assert ro.fuel_level == 3
    assert ro.get_fuel_level_display() == "3/4"
    assert ro.documents_seen == ["registration", "service_booklet"]
    assert ro.documents_seen_display == ["Registration certificate", "Service booklet"]
    assert ro.parking_spot == "P12"


@pytest.mark.parametrize(
    ("fields", "errors"),
    [
        ({"fuel_level": 5}, {"fuel_level": ["Choose a fuel level."]}),
        ({"fuel_level": "half"}, {"fuel_level": ["Choose a fuel level."]}),
        (
            {"documents_seen": ["registration", "passport"]},
            {"documents_seen": ["Unknown document: passport."]},
        ),
    ],
)
def test_an_unknown_fuel_level_or_document_is_refused(freiburg, advisor, fields, errors):
    first = walk_in(freiburg, advisor)

    with pytest.raises(ValidationError) as exc:
        check_in(first, advisor, **fields)

    assert exc.value.message_dict == errors
    assert RepairOrder.objects.count() == 1


def test_the_customers_concerns_are_kept_in_their_words_and_become_a_job(freiburg, advisor):
    concerns = (
        "Quietscht beim Bremsen – vor allem morgens!!\n"
        "Außerdem: Klimaanlage riecht „muffig“ (seit Mai)."
    )

    ro = walk_in(freiburg, advisor, concerns=f"  {concerns}\n\n")

    ro.refresh_from_db()
    assert ro.concerns == concerns
    job = ro.jobs.get()
    assert job.source == JobSource.CONCERN
    assert job.status == JobStatus.DRAFT
    assert job.title == "Quietscht beim Bremsen – vor allem morgens!!"
    assert job.description == concerns


def test_reception_data_can_be_corrected_and_the_change_is_audited(freiburg, advisor):
    ro = walk_in(freiburg, advisor, fuel_level=1)

    repair_order_update_reception(actor=advisor, repair_order=ro, fuel_level=2, parking_spot="B7")

    ro.refresh_from_db()
    assert (ro.fuel_level, ro.parking_spot) == (2, "B7")
    assert ro.events.filter(kind=EventKind.RECEPTION).get().data["fields"] == [
        "fuel_level",
        "parking_spot",
    ]
    audit = AuditEntry.objects.get(action="reception_updated", target_id=str(ro.pk))
    assert audit.changes["fuel_level"] == [1, 2]


@pytest.mark.parametrize("mileage", ["lots", None])
def test_a_corrected_mileage_that_is_not_a_number_is_refused(freiburg, advisor, mileage):
    ro = walk_in(freiburg, advisor, mileage=42_000)

    with pytest.raises(ValidationError) as exc:
        repair_order_update_reception(actor=advisor, repair_order=ro, mileage=mileage)

    assert exc.value.message_dict == {"mileage": ["Enter the mileage in whole kilometres."]}
    ro.refresh_from_db()
    assert ro.mileage == 42_000


# ---------------------------------------------------------------- deferred work


def test_work_declined_at_the_last_visit_is_offered_and_taken_up(freiburg, advisor):
    first = walk_in(freiburg, advisor)
    priced_job(first, advisor, "BRAKES-FRONT", title="Front brakes worn")
    estimate = estimate_send(actor=advisor, repair_order=first)
    estimate_answer(
        estimate=estimate,
        decisions={j.pk: False for j in estimate.jobs.all()},
        signed_name="Eva Kundin",
        ip=None,
    )
    repair_order_hand_over(
        actor=advisor,
        repair_order=first,
        signed_name="Eva Kundin",
        mileage_out=first.mileage,
        answers=handover_answers(freiburg),
    )
    declined = first.jobs.get()
    assert deferred_jobs_of(first.vehicle, freiburg) == [declined]

    ro = check_in(first, advisor, deferred_job_ids=[declined.pk])

    job = ro.jobs.get()
    assert job.source == JobSource.DEFERRED
    assert job.deferred_from == declined
    assert job.title == "Front brakes worn"
    assert job.status == JobStatus.DRAFT  # the customer is asked again
    assert [(ln.kind, ln.code, ln.quantity, ln.unit_price) for ln in job.lines.all()] == [
        (ln.kind, ln.code, ln.quantity, ln.unit_price) for ln in declined.lines.all()
    ]
    assert job.lines.get().kind == LineKind.LABOUR
    # Taken up once: no longer offered at the next visit.
    assert deferred_jobs_of(first.vehicle, freiburg) == []


def test_a_deferred_job_that_is_not_a_record_number_is_refused(freiburg, advisor):
    first = walk_in(freiburg, advisor)

    with pytest.raises(ValidationError) as exc:
        check_in(first, advisor, deferred_job_ids=["brakes"])

    assert exc.value.message_dict == {"deferred_job_ids": ["Unknown deferred job."]}
    assert RepairOrder.objects.count() == 1


def test_taking_up_another_cars_declined_work_is_refused(freiburg, advisor):
    first = walk_in(freiburg, advisor)
    priced_job(first, advisor)
    estimate = estimate_send(actor=advisor, repair_order=first)
    estimate_answer(
        estimate=estimate,
        decisions={j.pk: False for j in estimate.jobs.all()},
        signed_name="Eva Kundin",
        ip=None,
    )
    other = walk_in(freiburg, advisor)

    with pytest.raises(ValidationError) as exc:
        check_in(other, advisor, deferred_job_ids=[first.jobs.get().pk])

    assert exc.value.message_dict == {"deferred_job_ids": ["Unknown deferred job."]}
    assert RepairOrder.objects.count() == 2


# ---------------------------------------------------------------- from a booking


def test_a_booked_car_is_checked_in_with_its_services_as_approved_jobs(freiburg, fr_cap, advisor):
    appointment = book(
        freiburg,
        fr_cap,
        "oil-service",
        at=NINE_TODAY,
        email="eva@example.de",
        language="de",
    )

    ro = repair_order_check_in(actor=advisor, appointment=appointment, mileage=61_000, fuel_level=2)

    assert ro.appointment == appointment
    appointment.refresh_from_db()  # booked on the public page: the car is confirmed now
    assert ro.vehicle.vin == appointment.entered_vin
    assert (ro.customer, ro.vehicle) == (appointment.customer, appointment.vehicle)
    assert (ro.language, ro.contact_email) == ("de", "eva@example.de")
    assert ro.promised_at is None  # an oil service carries no promise
    job = ro.jobs.get()
    assert job.source == JobSource.BOOKED
    assert job.status == JobStatus.APPROVED  # agreed when booking
    assert job.title == "Ölservice"  # in the customer's language
    assert [ln.code for ln in job.lines.all()] == ["OIL-SERVICE", "MICRO-FILTER", "VEHICLE-CHECK"]
    assert all(ln.menu_price for ln in job.lines.all())
    appointment.refresh_from_db()
    assert appointment.status == AppointmentStatus.ARRIVED
    assert ro.events.get(kind=EventKind.CHECKED_IN).data["appointment"] == appointment.reference


def test_a_booking_is_checked_in_only_once(freiburg, fr_cap, advisor):
    appointment = book(freiburg, fr_cap, "diagnosis", at=NINE_TODAY)
    repair_order_check_in(actor=advisor, appointment=appointment, mileage=10_000)

    with pytest.raises(ValidationError) as exc:
        repair_order_check_in(actor=advisor, appointment=appointment, mileage=10_000)

    assert refusal(exc) == "This appointment is already checked in."
    assert RepairOrder.objects.filter(appointment=appointment).count() == 1


def test_a_cancelled_booking_cannot_be_checked_in(freiburg, fr_cap, advisor):
    appointment = book(freiburg, fr_cap, "diagnosis", at=NINE_TODAY)
    appointment_cancel(actor=advisor, appointment=appointment, reason="Customer called")

    with pytest.raises(ValidationError) as exc:
        repair_order_check_in(actor=advisor, appointment=appointment, mileage=10_000)

    assert refusal(exc) == "A cancelled appointment cannot be checked in."
    assert not RepairOrder.objects.exists()


def test_a_booking_for_another_day_cannot_be_checked_in_today(freiburg, fr_cap, advisor):
    appointment = book(freiburg, fr_cap, "diagnosis", at=NINE_TODAY + dt.timedelta(days=1))

    with pytest.raises(ValidationError) as exc:
        repair_order_check_in(actor=advisor, appointment=appointment, mileage=10_000)

    assert "only arrive on the day of the appointment" in refusal(exc)
    assert not RepairOrder.objects.exists()
    appointment.refresh_from_db()
    assert appointment.status == AppointmentStatus.BOOKED


def test_the_customer_gets_the_progress_link_by_email_at_check_in(
    freiburg, fr_cap, advisor, mailoutbox, django_capture_on_commit_callbacks
):
    appointment = book(
        freiburg, fr_cap, "diagnosis", at=NINE_TODAY, email="eva@example.de", language="en"
    )
    mailoutbox.clear()  # the booking confirmation

    with django_capture_on_commit_callbacks(execute=True):
        ro = repair_order_check_in(actor=advisor, appointment=appointment, mileage=10_000)

    (message,) = mailoutbox
    assert message.to == ["eva@example.de"]
    assert message.subject == f"Your car is with us: repair order {ro.number}"
    assert "Follow the work on your car here:" in message.body
    assert "/c/" in message.body


def test_nothing_is_sent_for_a_check_in_that_was_refused(
    freiburg, fr_cap, advisor, mailoutbox, django_capture_on_commit_callbacks
):
    appointment = book(freiburg, fr_cap, "diagnosis", at=NINE_TODAY, email="eva@example.de")
    mailoutbox.clear()

    with django_capture_on_commit_callbacks(execute=True), pytest.raises(ValidationError):
        repair_order_check_in(actor=advisor, appointment=appointment, mileage=10_000, fuel_level=9)

    assert mailoutbox == []


# ---------------------------------------------------------------- numbers


def test_repair_order_numbers_run_on_per_workshop(freiburg, beijing, advisor, advisor_bj):
    first = walk_in(freiburg, advisor)
    second = check_in(first, advisor)
    in_beijing = walk_in(beijing, advisor_bj)
    third = check_in(first, advisor)

    assert [first.number, second.number, third.number] == [
        "FR-R26-00001",
        "FR-R26-00002",
        "FR-R26-00003",
    ]
    assert in_beijing.number == "BJ-R26-00001"


def test_the_number_carries_the_workshops_local_year(beijing, advisor_bj, time_machine):
    # 1 January 2027, 07:00 in Beijing is still 2026 in UTC.
    time_machine.move_to(dt.datetime(2026, 12, 31, 23, 0, tzinfo=dt.UTC), tick=False)

    ro = walk_in(beijing, advisor_bj)

    assert ro.number == "BJ-R27-00001"
    assert Counter.objects.filter(workshop=beijing, key="ro-2027").exists()
