"""Handover: the checklist gone through with the customer, their typed signature, the mileage
at handover, and what the service book and the survey will use, frozen at delivery."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from servicelane.billing.services import invoice_issue
from servicelane.customers.services import customer_update
from servicelane.servicebook.selectors import entries_of, service_book_vehicle
from servicelane.servicebook.services import entries_from_handover
from servicelane.testing.scenarios import (
    approve_all,
    declined_order,
    handover_answers,
    pass_qc,
    priced_job,
    ready_order,
    walk_in,
    work_all,
)
from servicelane.vehicles.choices import MileageSource
from servicelane.vehicles.models import MileageReading
from servicelane.workorders.choices import ChecklistKind, EventKind, ROStatus
from servicelane.workorders.estimate.services import estimate_send
from servicelane.workorders.handover.services import repair_order_hand_over
from servicelane.workorders.models import Handover
from servicelane.workorders.reception.services import repair_order_update_reception
from servicelane.workorders.selectors import checklist_points

pytestmark = pytest.mark.django_db


@pytest.fixture
def ro(freiburg, advisor):
    """Ready with nothing to invoice: the customer declined the only job."""
    ro = declined_order(freiburg, advisor, mileage=42_000)
    assert ro.status == ROStatus.READY
    return ro


def hand_over(ro, actor, **kw) -> Handover:
    values = {
        "signed_name": "Eva Kundin",
        "mileage_out": ro.mileage + 3,
        "answers": handover_answers(ro.workshop),
    }
    values.update(kw)
    return repair_order_hand_over(actor=actor, repair_order=ro, **values)


def issue_invoice(actor, ro):
    return invoice_issue(actor=actor, repair_order=ro)


def not_delivered(ro) -> bool:
    ro.refresh_from_db()
    return ro.status != ROStatus.DELIVERED and not Handover.objects.filter(repair_order=ro).exists()


def test_the_car_is_handed_over_with_checklist_signature_and_mileage(ro, advisor):
    handover = hand_over(ro, advisor, signed_name="  Eva Kundin ", mileage_out="42003")

    ro.refresh_from_db()
    assert ro.status == ROStatus.DELIVERED
    assert ro.delivered_at == handover.delivered_at
    assert handover.signed_name == "Eva Kundin"
    assert handover.mileage_out == 42_003
    assert handover.handed_over_by == advisor
    assert set(handover.answers.values()) == {True}
    assert len(handover.answers) == len(checklist_points(ro.workshop, "handover"))
    event = ro.events.get(kind=EventKind.DELIVERED)
    assert event.data == {"signed_name": "Eva Kundin", "mileage_out": 42_003}


def test_the_mileage_at_handover_goes_on_the_cars_history(ro, advisor):
    hand_over(ro, advisor, mileage_out=42_012)

    latest = MileageReading.objects.filter(vehicle=ro.vehicle).order_by("-id").first()
    assert latest is not None
    assert (latest.km, latest.source, latest.flagged) == (42_012, MileageSource.SERVICE, False)


def test_an_unchanged_odometer_adds_no_second_reading(ro, advisor):
    hand_over(ro, advisor, mileage_out=ro.mileage)

    assert MileageReading.objects.filter(vehicle=ro.vehicle).count() == 1


def test_every_handover_point_must_be_gone_through(ro, advisor):
    answers = handover_answers(ro.workshop)
    points = checklist_points(ro.workshop, ChecklistKind.HANDOVER)
    answers[str(points[2].pk)] = False

    with pytest.raises(ValidationError) as exc:
        hand_over(ro, advisor, answers=answers)

    assert exc.value.message_dict == {
        "answers": ["Go through every point with the customer: Old parts offered."]
    }
    assert not_delivered(ro)


@pytest.mark.parametrize("name", ["", "  ", "E"])
def test_the_customer_must_sign_with_their_name(ro, advisor, name):
    with pytest.raises(ValidationError) as exc:
        hand_over(ro, advisor, signed_name=name)

    assert exc.value.message_dict == {
        "signed_name": ["The customer types their full name to sign."]
    }
    assert not_delivered(ro)


@pytest.mark.parametrize("mileage_out", [41_999, -1, "", "lots", None, 43_001])
def test_a_mileage_below_the_check_in_reading_or_implausible_is_refused(ro, advisor, mileage_out):
    with pytest.raises(ValidationError) as exc:
        hand_over(ro, advisor, mileage_out=mileage_out)

    assert exc.value.message_dict == {
        "mileage_out": ["Enter the odometer reading: at least 42,000 km (the reading at check-in)."]
    }
    assert not_delivered(ro)
    assert MileageReading.objects.filter(vehicle=ro.vehicle).count() == 1


def test_the_contact_data_are_frozen_at_handover(ro, advisor):
    handover = hand_over(ro, advisor)

    customer_update(
        actor=advisor, customer=ro.customer, email="someone.else@example.de", phone="+4976199999"
    )

    handover.refresh_from_db()
    assert (handover.contact_email, handover.language) == ("walkin@example.de", "de")
    assert handover.contact_phone == ro.contact_phone != "+4976199999"
    # And the order's own copy can no longer be redirected either.
    with pytest.raises(ValidationError):
        repair_order_update_reception(
            actor=advisor, repair_order=ro, contact_email="someone.else@example.de"
        )


def test_a_car_is_handed_over_once(ro, advisor):
    hand_over(ro, advisor)

    with pytest.raises(ValidationError) as exc:
        hand_over(ro, advisor, signed_name="Someone Else")

    assert "The repair order is delivered." in " ".join(exc.value.messages)
    assert Handover.objects.get(repair_order=ro).signed_name == "Eva Kundin"


def test_a_technician_cannot_hand_over_the_car(ro, tech):
    with pytest.raises(PermissionDenied):
        hand_over(ro, tech)

    assert not_delivered(ro)


def test_a_ready_car_with_work_done_is_not_handed_over_before_its_invoice(
    freiburg, advisor, tech, foreman
):
    ro = ready_order(freiburg, advisor, tech, foreman)

    with pytest.raises(ValidationError) as exc:
        hand_over(ro, advisor)

    assert " ".join(exc.value.messages) == "Issue the invoice first."
    assert not_delivered(ro)


def test_after_the_invoice_the_service_book_items_and_the_work_done_are_recorded(
    freiburg, advisor, tech, foreman
):
    ro = walk_in(freiburg, advisor)
    priced_job(ro, advisor, "OIL-SERVICE", "MICRO-FILTER", title="Oil service")
    priced_job(ro, advisor, "WIPER-BLADES", "BRAKES-FRONT", title="Wipers and brakes")
    approve_all(estimate_send(actor=advisor, repair_order=ro))
    work_all(ro, tech)
    pass_qc(ro, tech, foreman, advisor)
    issue_invoice(advisor, ro)
    ro.refresh_from_db()
    assert ro.status == ROStatus.INVOICED

    handover = hand_over(ro, advisor)

    ro.refresh_from_db()
    assert ro.status == ROStatus.DELIVERED
    # The maintenance items the operations perform (wiper blades are none).
    assert handover.service_items == ["engine_oil", "front_brakes", "micro_filter"]
    assert handover.work_done == [
        {"job": 1, "title": "Oil service", "source": "advisor"},
        {"job": 2, "title": "Wipers and brakes", "source": "advisor"},
    ]


def test_the_delivered_order_writes_the_network_service_book_once(
    freiburg, advisor, advisor_bj, tech, foreman
):

    ro = walk_in(freiburg, advisor)
    priced_job(ro, advisor, "OIL-SERVICE", "MICRO-FILTER", title="Oil service")
    priced_job(ro, advisor, "WIPER-BLADES", title="Wipers")
    approve_all(estimate_send(actor=advisor, repair_order=ro))
    work_all(ro, tech)
    pass_qc(ro, tech, foreman, advisor)
    issue_invoice(advisor, ro)
    handover = hand_over(ro, advisor)

    # Beijing never saw the car; the service book shows it the Freiburg visit.
    car = service_book_vehicle(user=advisor_bj, vin=ro.vehicle.vin)
    service, repair = entries_of(car, "service").get(), entries_of(car, "repair").get()
    assert (service.items, service.mileage, service.workshop) == (
        ["engine_oil", "micro_filter"],
        handover.mileage_out,
        freiburg,
    )
    assert service.performed_on == handover.delivered_at.astimezone(freiburg.zone).date()
    assert repair.description == "Oil service\nWipers"
    assert service.repair_order_ref == ro.pk and service.source == "repair_order"
    assert service.document_number == ro.number
    # A retry writes nothing twice.
    assert entries_from_handover(repair_order=ro, handover=handover, actor=advisor) == []
    assert entries_of(car).count() == 2
