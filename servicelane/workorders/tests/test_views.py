"""The advisor's repair order screens: the list, check-in and walk-in, the order's tabs and
their actions, photos, and what a technician may open."""

import datetime as dt
import io
import json
from decimal import Decimal
from typing import cast

import pytest
from django.http import HttpResponseRedirect
from django.test import Client
from django.urls import reverse
from PIL import Image

from servicelane.appointments.choices import AppointmentStatus
from servicelane.appointments.tests.factories import book
from servicelane.customers.models import Customer
from servicelane.customers.tests.factories import CustomerFactory
from servicelane.testing.clients import client_of
from servicelane.testing.scenarios import (
    approve_all,
    handover_answers,
    priced_job,
    ready_order,
    walk_in,
    work_all,
)
from servicelane.workorders.choices import (
    ChecklistKind,
    EstimateStatus,
    JobSource,
    JobStatus,
    LineKind,
    ROStatus,
)
from servicelane.workorders.estimate.services import estimate_answer, estimate_send, job_add
from servicelane.workorders.handover.services import repair_order_cancel, repair_order_mark_invoiced
from servicelane.workorders.models import (
    ChecklistTemplate,
    Handover,
    Inspection,
    JobLine,
    Photo,
    RepairOrder,
)
from servicelane.workorders.reception.services import repair_order_check_in
from servicelane.workorders.tests.factories import BERLIN

pytestmark = pytest.mark.django_db

NINE_TODAY = dt.datetime(2026, 11, 23, 9, 0)  # Monday 09:00 in Freiburg


def detail_url(ro: RepairOrder, tab: str = "") -> str:
    url = reverse("workorders:detail", kwargs={"pk": ro.pk})
    return f"{url}?tab={tab}" if tab else url


def page_of(response) -> str:
    return response.content.decode()


def png(size: tuple[int, int] = (640, 480)) -> io.BytesIO:
    buffer = io.BytesIO()
    Image.new("RGB", size, (200, 30, 30)).save(buffer, "PNG")
    buffer.seek(0)
    buffer.name = "dent.png"
    return buffer


def with_plate(ro: RepairOrder, plate: str) -> RepairOrder:
    ro.vehicle.plate = plate
    ro.vehicle.save()
    return ro


# ---------------------------------------------------------------- list


def test_list_filters_by_status_and_finds_an_order_by_number_or_plate(
    freiburg, advisor, advisor_client
):
    waiting = with_plate(walk_in(freiburg, advisor), "FR-AB 101")
    sent = with_plate(walk_in(freiburg, advisor), "FR-XY 7")
    priced_job(sent, advisor)
    estimate_send(actor=advisor, repair_order=sent)
    url = reverse("workorders:list")

    by_status = page_of(advisor_client.get(url, {"status": ROStatus.ESTIMATE_SENT}))
    by_number = page_of(advisor_client.get(url, {"q": waiting.number}))
    by_plate = page_of(advisor_client.get(url, {"q": "fr xy7"}, headers={"HX-Request": "true"}))

    assert sent.number in by_status and waiting.number not in by_status
    assert waiting.number in by_number and sent.number not in by_number
    assert sent.number in by_plate and waiting.number not in by_plate
    assert "<html" not in by_plate  # htmx gets the results only
    assert "<html" in by_status


def test_list_shows_open_orders_first_and_closed_ones_on_request(freiburg, advisor, advisor_client):
    open_order = walk_in(freiburg, advisor)
    closed = walk_in(freiburg, advisor)
    repair_order_cancel(actor=advisor, repair_order=closed, reason="Customer left")
    url = reverse("workorders:list")

    default = page_of(advisor_client.get(url))
    everything = page_of(advisor_client.get(url, {"open": ""}))

    assert open_order.number in default and closed.number not in default
    assert closed.number in everything


def test_another_workshops_order_is_not_listed_and_its_page_is_not_found(
    freiburg, beijing, advisor, advisor_bj, advisor_client
):
    ours = walk_in(freiburg, advisor)
    theirs = walk_in(beijing, advisor_bj)

    listed = page_of(advisor_client.get(reverse("workorders:list"), {"open": ""}))
    searched = page_of(
        advisor_client.get(
            reverse("workorders:list"), {"q": theirs.number}, headers={"HX-Request": "true"}
        )
    )

    assert ours.number in listed and theirs.number not in listed
    assert theirs.number not in searched and "No repair order matches." in searched
    assert advisor_client.get(detail_url(theirs)).status_code == 404
    assert advisor_client.get(detail_url(theirs, "estimate")).status_code == 404
    response = advisor_client.post(
        reverse("workorders:cancel", kwargs={"pk": theirs.pk}), {"reason": "test"}
    )
    assert response.status_code == 404
    theirs.refresh_from_db()
    assert theirs.status == ROStatus.CHECKED_IN


def test_the_menu_offers_repair_orders_to_the_advisor_not_to_the_technician(
    freiburg, advisor_client, tech
):
    assert "Repair orders" in page_of(advisor_client.get(reverse("home")))
    assert "Repair orders" not in page_of(client_of(tech).get(reverse("home")))


def test_the_list_colours_a_promise_at_risk_then_late(
    freiburg, fr_cap, advisor, advisor_client, time_machine
):
    tuesday_nine = dt.datetime(2026, 11, 24, 9, 0)
    appointment = book(freiburg, fr_cap, "express-oil", at=tuesday_nine)
    time_machine.move_to(dt.datetime(2026, 11, 24, 8, 55, tzinfo=BERLIN), tick=False)
    ro = repair_order_check_in(actor=advisor, appointment=appointment, mileage=20_000)
    url = reverse("workorders:list")

    on_track = page_of(advisor_client.get(url))
    time_machine.move_to(dt.datetime(2026, 11, 24, 9, 40, tzinfo=BERLIN), tick=False)
    at_risk = page_of(advisor_client.get(url))
    time_machine.move_to(dt.datetime(2026, 11, 24, 10, 5, tzinfo=BERLIN), tick=False)
    late = page_of(advisor_client.get(url))
    overview = page_of(advisor_client.get(detail_url(ro)))

    assert "promise-on_track" in on_track and "1 h 5 min left" in on_track
    assert "promise-at_risk" in at_risk and "At risk: 20 min left" in at_risk
    assert "promise-late" in late and "Late by 5 min" in late
    assert "promise-late" in overview


# ---------------------------------------------------------------- check-in and walk-in


def test_a_booked_car_is_checked_in_with_one_post_and_its_services_become_approved_jobs(
    freiburg, fr_cap, advisor, advisor_client
):
    appointment = book(freiburg, fr_cap, "oil-service", at=NINE_TODAY, plate="FR-OK 1")
    appointment.notes = "Rattles over bumps"
    appointment.parking_spot = "P4"
    appointment.save()
    board = page_of(advisor_client.get(reverse("appointments:arrivals")))
    url = reverse("workorders:check_in", kwargs={"appointment_id": appointment.pk})
    assert url in board

    form = page_of(advisor_client.get(url))
    assert "Rattles over bumps" in form and 'value="P4"' in form
    response = advisor_client.post(
        url,
        {
            "mileage": "31250",
            "fuel_level": "2",
            "documents_seen": ["registration", "service_booklet"],
            "concerns": "Rattles over bumps",
            "parking_spot": "P4",
            "car_confirmed": "on",  # booked on the public page: the advisor confirms the car
        },
    )

    ro = RepairOrder.objects.get(appointment=appointment)
    assert response.status_code == 302
    assert response.url == detail_url(ro)
    assert (ro.mileage, ro.fuel_level, ro.parking_spot) == (31250, 2, "P4")
    assert ro.documents_seen == ["registration", "service_booklet"]
    booked = ro.jobs.get(source=JobSource.BOOKED)
    assert booked.status == JobStatus.APPROVED
    assert sorted(booked.lines.values_list("code", flat=True)) == [
        "MICRO-FILTER",
        "OIL-SERVICE",
        "VEHICLE-CHECK",
    ]
    oil = booked.lines.get(code="OIL-SERVICE")
    assert (oil.menu_price, oil.unit_price) == (True, Decimal("89.00"))  # the network's price
    assert ro.jobs.filter(source=JobSource.CONCERN, title="Rattles over bumps").exists()
    appointment.refresh_from_db()
    assert appointment.status == AppointmentStatus.ARRIVED
    board = page_of(advisor_client.get(reverse("appointments:arrivals")))
    assert ro.number in board and url not in board
    overview = page_of(advisor_client.get(response.url))
    assert "Ölservice" in overview and "Checked in" in overview  # in the customer's language
    # A second try goes to the order already open.
    assert advisor_client.get(url).url == detail_url(ro)


def test_a_walk_in_customer_is_found_by_name_and_their_car_checked_in_with_deferred_work(
    freiburg, advisor, advisor_client
):
    earlier = walk_in(freiburg, advisor, mileage=40_000)
    declined = priced_job(earlier, advisor, "WIPER-BLADES", title="Wiper blades")
    estimate = estimate_send(actor=advisor, repair_order=earlier)
    estimate_answer(
        estimate=estimate, decisions={declined.pk: False}, signed_name="Eva Kundin", ip=None
    )
    customer = earlier.customer
    url = reverse("workorders:new")

    matches = page_of(
        advisor_client.get(url, {"q": customer.last_name}, headers={"HX-Request": "true"})
    )
    assert customer.display_name in matches and f"?customer={customer.pk}" in matches
    form = page_of(advisor_client.get(url, {"customer": customer.pk}))
    assert "Wiper blades" in form and earlier.vehicle.plate in form
    response = advisor_client.post(
        url,
        {
            "customer": customer.pk,
            "vehicle": earlier.vehicle.pk,
            "mileage": "41000",
            "fuel_level": "4",
            "concerns": "Brakes squeal",
            "deferred_jobs": [declined.pk],
        },
    )

    assert response.status_code == 302
    ro = RepairOrder.objects.exclude(pk=earlier.pk).get()
    assert response.url == detail_url(ro)
    assert (ro.customer, ro.vehicle, ro.mileage) == (customer, earlier.vehicle, 41_000)
    taken_up = ro.jobs.get(source=JobSource.DEFERRED)
    assert taken_up.deferred_from == declined
    assert taken_up.lines.get().code == "WIPER-BLADES"


def test_a_walk_in_for_another_workshops_customer_is_not_found(
    freiburg, beijing, advisor_client, advisor_bj
):
    stranger = cast(Customer, CustomerFactory(workshop=beijing))

    response = advisor_client.get(reverse("workorders:new"), {"customer": stranger.pk})

    assert response.status_code == 404


def test_a_mileage_below_the_cars_history_is_refused_until_the_advisor_confirms_it(
    freiburg, advisor, advisor_client
):
    earlier = walk_in(freiburg, advisor, mileage=42_000)
    data = {
        "customer": earlier.customer.pk,
        "vehicle": earlier.vehicle.pk,
        "mileage": "40000",
    }
    url = reverse("workorders:new")

    refused = advisor_client.post(url, data)

    page = page_of(refused)
    assert refused.status_code == 400
    assert "The car&#x27;s history shows 42,000 km already" in page
    assert 'name="mileage_confirmed"' in page
    assert RepairOrder.objects.count() == 1

    confirmed = advisor_client.post(url, {**data, "mileage_confirmed": "on"})

    assert confirmed.status_code == 302
    assert RepairOrder.objects.exclude(pk=earlier.pk).get().mileage == 40_000


def test_check_in_form_shows_the_confirm_box_only_after_a_refused_reading(
    freiburg, fr_cap, advisor, advisor_client
):
    appointment = book(freiburg, fr_cap, "diagnosis", at=NINE_TODAY)
    url = reverse("workorders:check_in", kwargs={"appointment_id": appointment.pk})

    assert 'name="mileage_confirmed"' not in page_of(advisor_client.get(url))
    response = advisor_client.post(url, {"mileage": "lots"})

    assert response.status_code == 400
    assert 'name="mileage_confirmed"' in page_of(response)
    assert not RepairOrder.objects.exists()


# ---------------------------------------------------------------- estimate


def test_the_advisor_adds_a_job_with_an_operation_and_a_part_line(
    freiburg, advisor, advisor_client
):
    ro = walk_in(freiburg, advisor)

    response = advisor_client.post(
        reverse("workorders:job_add", kwargs={"pk": ro.pk}),
        {"title": "Brakes squeal", "operations": ["BRAKES-FRONT"]},
    )
    assert response.status_code == 302
    assert response.url == detail_url(ro, "estimate")
    job = ro.jobs.get(title="Brakes squeal")
    prefix = f"p{job.pk}"
    response = advisor_client.post(
        reverse("workorders:line_add", kwargs={"pk": ro.pk, "job_id": job.pk}),
        {
            "kind": "part",
            f"{prefix}-code": "34116860016",
            f"{prefix}-description": "Brake pads, front",
            f"{prefix}-quantity": "1",
            f"{prefix}-unit_price": "89.50",
            f"{prefix}-discount_percent": "10",
            f"{prefix}-discount_reason": "Loyal customer",
        },
    )

    assert response.status_code == 302
    labour = job.lines.get(kind=LineKind.LABOUR)
    part = job.lines.get(kind=LineKind.PART)
    assert (labour.code, labour.time_units) == ("BRAKES-FRONT", 18)
    assert (part.description, part.net_amount) == ("Brake pads, front", Decimal("80.55"))
    page = page_of(advisor_client.get(detail_url(ro, "estimate")))
    assert "Brake pads, front" in page and "Loyal customer" in page
    assert "BRAKES-FRONT · Replace front brake pads and discs" in page  # the operation choice


def test_a_negative_quantity_is_refused_inline_and_adds_nothing(freiburg, advisor, advisor_client):
    ro = walk_in(freiburg, advisor)
    job = priced_job(ro, advisor)
    prefix = f"p{job.pk}"

    response = advisor_client.post(
        reverse("workorders:line_add", kwargs={"pk": ro.pk, "job_id": job.pk}),
        {
            "kind": "part",
            f"{prefix}-description": "Brake pads",
            f"{prefix}-quantity": "-2",
            f"{prefix}-unit_price": "40",
        },
    )

    page = page_of(response)
    assert response.status_code == 400
    assert f'id="id_{prefix}-quantity-error">Enter a number greater than zero.' in page
    assert not JobLine.objects.filter(job=job, kind=LineKind.PART).exists()


def test_a_discount_without_a_reason_is_refused_inline(freiburg, advisor, advisor_client):
    ro = walk_in(freiburg, advisor)
    job = priced_job(ro, advisor)
    prefix = f"l{job.pk}"

    response = advisor_client.post(
        reverse("workorders:line_add", kwargs={"pk": ro.pk, "job_id": job.pk}),
        {
            "kind": "labour",
            f"{prefix}-operation_code": "BRAKE-FLUID",
            f"{prefix}-discount_percent": "20",
        },
    )

    assert response.status_code == 400
    assert "A discount needs a reason." in page_of(response)
    assert job.lines.count() == 1


def test_removing_a_draft_line_and_a_draft_job(freiburg, advisor, advisor_client):
    ro = walk_in(freiburg, advisor)
    keep = priced_job(ro, advisor, "BRAKES-FRONT", "BRAKE-FLUID")
    drop = priced_job(ro, advisor, "WIPER-BLADES", title="Wipers")
    fluid = keep.lines.get(code="BRAKE-FLUID")

    advisor_client.post(
        reverse("workorders:line_remove", kwargs={"pk": ro.pk, "line_id": fluid.pk})
    )
    advisor_client.post(reverse("workorders:job_remove", kwargs={"pk": ro.pk, "job_id": drop.pk}))

    assert list(keep.lines.values_list("code", flat=True)) == ["BRAKES-FRONT"]
    assert list(ro.jobs.values_list("title", flat=True)) == ["Brakes"]


def test_sending_the_estimate_mails_it_and_lists_its_link_and_pdf(
    freiburg, advisor, advisor_client, mailoutbox, django_capture_on_commit_callbacks
):
    ro = walk_in(freiburg, advisor)
    priced_job(ro, advisor)

    with django_capture_on_commit_callbacks(execute=True):
        response = advisor_client.post(
            reverse("workorders:estimate_send", kwargs={"pk": ro.pk}),
            {"estimated_completion_at": "2026-11-23T17:00"},
        )

    assert response.status_code == 302
    estimate = ro.estimates.get()
    assert estimate.status == EstimateStatus.SENT
    ro.refresh_from_db()
    assert ro.status == ROStatus.ESTIMATE_SENT
    assert ro.estimated_completion_at == dt.datetime(2026, 11, 23, 16, 0, tzinfo=dt.UTC)
    [mail] = mailoutbox
    assert mail.to == ["walkin@example.de"]
    assert ro.number in mail.subject
    assert mail.attachments[0][0] == f"{ro.number}-1.pdf"
    page = page_of(advisor_client.get(detail_url(ro, "estimate")))
    assert "/c/estimate/" in page  # the customer's link to copy
    pdf = advisor_client.get(
        reverse("workorders:estimate_pdf", kwargs={"pk": ro.pk, "seq": estimate.sequence})
    )
    assert pdf["Content-Type"] == "application/pdf"
    assert pdf.content.startswith(b"%PDF")


def test_sending_without_priced_jobs_says_why(freiburg, advisor, advisor_client):
    ro = walk_in(freiburg, advisor)
    job_add(actor=advisor, repair_order=ro, title="Noise from the rear")

    response = advisor_client.post(reverse("workorders:estimate_send", kwargs={"pk": ro.pk}), {})

    assert response.status_code == 400
    assert "a job without lines cannot be approved" in page_of(response)
    assert not ro.estimates.exists()


# ---------------------------------------------------------------- work, quality, handover


def test_assigning_a_technician_below_the_jobs_level_shows_the_reason(
    freiburg, advisor, advisor_client, junior, tech
):
    ro = walk_in(freiburg, advisor)
    job = priced_job(ro, advisor)  # front brakes need a level-3 technician
    url = reverse("workorders:job_assign", kwargs={"pk": ro.pk, "job_id": job.pk})

    refused = advisor_client.post(url, {"technician": junior.pk}, follow=True)

    assert "This job needs a technician of level “Technician” or above." in page_of(refused)
    job.refresh_from_db()
    assert job.technician is None

    advisor_client.post(url, {"technician": tech.pk})

    job.refresh_from_db()
    assert job.technician == tech
    work = page_of(advisor_client.get(detail_url(ro, "work")))
    assert "Tom Technik" in work and "Jan Junior · Induction" in work


def test_handover_is_refused_before_the_quality_check_with_the_reason(
    freiburg, advisor, advisor_client, tech
):
    ro = walk_in(freiburg, advisor)
    priced_job(ro, advisor)
    approve_all(estimate_send(actor=advisor, repair_order=ro))
    work_all(ro, tech)
    data = {
        "signed_name": "Eva Kundin",
        "mileage_out": "42010",
        **{f"point_{pk}": "on" for pk in handover_answers(freiburg)},
    }

    response = advisor_client.post(reverse("workorders:handover", kwargs={"pk": ro.pk}), data)

    assert response.status_code == 400
    assert "All three quality checks must pass first." in page_of(response)
    assert not Handover.objects.exists()
    ro.refresh_from_db()
    assert ro.status == ROStatus.QUALITY_CHECK
    quality = page_of(advisor_client.get(detail_url(ro, "quality")))
    assert reverse("bay:qc", kwargs={"repair_order_id": ro.pk, "level": 1}) in quality


def test_an_invoiced_car_is_handed_over_with_the_checklist_and_signature(
    freiburg, advisor, advisor_client, tech, foreman
):
    ro = ready_order(freiburg, advisor, tech, foreman)
    repair_order_mark_invoiced(actor=advisor, repair_order=ro, number="FR-2026-00001")
    answers = handover_answers(freiburg)
    url = reverse("workorders:handover", kwargs={"pk": ro.pk})

    incomplete = advisor_client.post(url, {"signed_name": "Eva Kundin", "mileage_out": "42010"})
    assert incomplete.status_code == 400
    assert "Go through every point with the customer" in page_of(incomplete)

    response = advisor_client.post(
        url,
        {
            "signed_name": "Eva Kundin",
            "mileage_out": "42010",
            **{f"point_{pk}": "on" for pk in answers},
        },
    )

    assert response.status_code == 302
    ro.refresh_from_db()
    assert ro.status == ROStatus.DELIVERED
    assert ro.handover.signed_name == "Eva Kundin"
    overview = page_of(advisor_client.get(detail_url(ro)))
    assert "Handed over" in overview and "signed by Eva Kundin" in overview


def test_cancelling_needs_a_reason(freiburg, advisor, advisor_client):
    ro = walk_in(freiburg, advisor)
    url = reverse("workorders:cancel", kwargs={"pk": ro.pk})

    refused = advisor_client.post(url, {"reason": ""})
    done = advisor_client.post(url, {"reason": "Customer left"})

    assert refused.status_code == 400
    assert done.status_code == 302
    ro.refresh_from_db()
    assert ro.status == ROStatus.CANCELLED
    assert "Customer left" in page_of(advisor_client.get(detail_url(ro)))


# ---------------------------------------------------------------- reception tab


def test_reception_data_and_cbs_are_recorded_from_the_reception_tab(
    freiburg, advisor, advisor_client
):
    ro = walk_in(freiburg, advisor)

    saved = advisor_client.post(
        reverse("workorders:reception", kwargs={"pk": ro.pk}),
        {"mileage": "42000", "fuel_level": "1", "parking_spot": "B7", "concerns": "Squeak"},
    )
    document = {
        "items": [
            {"code": "engine_oil", "description": "Engine oil", "due_km": 43_000},
            {"code": "brake_fluid", "description": "Brake fluid", "due_date": "2026-10-01"},
        ]
    }
    imported = advisor_client.post(
        reverse("workorders:cbs", kwargs={"pk": ro.pk}), {"text": json.dumps(document)}
    )
    broken = advisor_client.post(reverse("workorders:cbs", kwargs={"pk": ro.pk}), {"text": "{"})

    assert saved.status_code == 302 and imported.status_code == 302
    ro.refresh_from_db()
    assert (ro.fuel_level, ro.parking_spot, ro.concerns) == (1, "B7", "Squeak")
    assert broken.status_code == 400
    assert "This is not valid JSON." in page_of(broken)
    page = page_of(advisor_client.get(detail_url(ro, "reception")))
    assert "Engine oil" in page and "Overdue" in page and "Due soon" in page


def test_a_photo_is_uploaded_and_served_to_the_workshop_only(
    freiburg, advisor, advisor_client, advisor_bj, tech
):
    ro = walk_in(freiburg, advisor)

    response = advisor_client.post(
        reverse("workorders:photo_add", kwargs={"pk": ro.pk}),
        {"image": png(), "caption": "Dent rear left", "shared": "on"},
    )

    assert response.status_code == 302
    photo = Photo.objects.get(repair_order=ro)
    assert (photo.caption, photo.shared, photo.width) == ("Dent rear left", True, 640)
    url = reverse("workorders:photo", kwargs={"pk": ro.pk, "photo_id": photo.pk})
    assert url in page_of(advisor_client.get(detail_url(ro, "reception")))
    served = advisor_client.get(url)
    assert served.status_code == 200
    assert served["Content-Type"] == "image/jpeg"
    assert b"".join(served.streaming_content).startswith(b"\xff\xd8")
    assert client_of(tech).get(url).status_code == 200
    assert client_of(advisor_bj).get(url).status_code == 404
    assert Client().get(url).status_code == 302  # to the login page


def test_a_file_that_is_not_a_photo_is_refused_inline(freiburg, advisor, advisor_client):
    ro = walk_in(freiburg, advisor)
    text = io.BytesIO(b"not a picture")
    text.name = "notes.jpg"

    response = advisor_client.post(
        reverse("workorders:photo_add", kwargs={"pk": ro.pk}), {"image": text}
    )

    assert response.status_code == 400
    assert "This file is not a photo we can read" in page_of(response)
    assert not Photo.objects.exists()


# ---------------------------------------------------------------- inspection and technicians


def test_a_technician_is_refused_the_list_but_inspects_the_car_without_the_customers_data(
    freiburg, advisor, tech
):
    ro = walk_in(freiburg, advisor, concerns="Noise when braking")
    client = client_of(tech)
    quick = ChecklistTemplate.objects.get(network=freiburg.network, kind=ChecklistKind.QUICK)
    url = reverse("workorders:inspection", kwargs={"pk": ro.pk})

    assert client.get(reverse("workorders:list")).status_code == 403
    assert client.get(detail_url(ro)).status_code == 403
    form = page_of(client.get(url, {"template": quick.pk}))
    assert ro.vehicle.plate in form and "Noise when braking" in form
    assert ro.customer.last_name not in form and "walkin@example.de" not in form

    points = list(quick.points.all())
    data: dict[str, object] = {"template": quick.pk}
    for point in points:
        data[f"rating_{point.pk}"] = "green"
    data[f"rating_{points[1].pk}"] = "red"
    missing_note = client.post(url, data)
    assert missing_note.status_code == 400
    assert "Say what was found." in page_of(missing_note)

    data[f"note_{points[1].pk}"] = "Pads 2 mm"
    response = client.post(url, data)

    assert isinstance(response, HttpResponseRedirect)
    assert response.status_code == 302
    assert response.url == url
    inspection = Inspection.objects.get(repair_order=ro)
    assert inspection.performed_by == tech
    recommended = ro.jobs.get(source=JobSource.INSPECTION)
    assert recommended.title.endswith(": Pads 2 mm")
    assert recommended.lines.get().code == "BRAKES-FRONT"
    advisor_view = page_of(client_of(advisor).get(detail_url(ro, "inspection")))
    assert "Pads 2 mm" in advisor_view


def test_every_tab_of_an_order_in_work_opens(freiburg, advisor, advisor_client, tech, foreman):
    ro = ready_order(freiburg, advisor, tech, foreman)

    for tab in ("overview", "reception", "inspection", "estimate", "work", "quality"):
        assert advisor_client.get(detail_url(ro, tab)).status_code == 200, tab
    for tab in ("invoice", "handover", "cancel", "unknown"):
        assert advisor_client.get(detail_url(ro, tab)).status_code == 200, tab
    overview = page_of(advisor_client.get(detail_url(ro)))
    assert "Quality check passed" in overview and "Tom Technik" in overview
    assert "Issue the invoice" in overview


def test_a_cashier_reads_the_order_but_cannot_change_it(freiburg, advisor, cashier):
    ro = walk_in(freiburg, advisor)
    client = client_of(cashier)

    page = page_of(client.get(detail_url(ro, "estimate")))
    response = client.post(
        reverse("workorders:job_add", kwargs={"pk": ro.pk}), {"title": "Something"}
    )

    assert ro.number in page and "Add a job" not in page
    assert response.status_code == 403
    assert not ro.jobs.exists()


# ---------------------------------------------------------------- query counts


def test_the_list_needs_the_same_few_queries_for_many_orders(
    freiburg, advisor, advisor_client, django_assert_max_num_queries
):
    for _ in range(12):
        walk_in(freiburg, advisor)
    advisor_client.get(reverse("workorders:list"))  # session and caches warm

    with django_assert_max_num_queries(12):
        response = advisor_client.get(reverse("workorders:list"))

    assert response.content.decode().count("/repair-orders/") >= 12


@pytest.mark.parametrize(
    "tab", ["overview", "reception", "estimate", "work", "quality", "invoice", "handover"]
)
def test_the_orders_page_needs_a_bounded_number_of_queries(
    tab, freiburg, advisor, advisor_client, tech, foreman, django_assert_max_num_queries
):
    ro = ready_order(freiburg, advisor, tech, foreman)
    for title in ("Wipers", "Tyres", "Fluid"):
        priced_job(walk_in(freiburg, advisor), advisor, "WIPER-BLADES", title=title)
    advisor_client.get(detail_url(ro, tab))

    with django_assert_max_num_queries(25):
        response = advisor_client.get(detail_url(ro, tab))

    assert response.status_code == 200


def test_the_orders_page_queries_do_not_grow_with_its_jobs(freiburg, advisor, advisor_client):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def queries_for(jobs: int) -> dict[str, int]:
        ro = walk_in(freiburg, advisor)
        for n in range(jobs):
            priced_job(ro, advisor, "WIPER-BLADES", title=f"Job {n}")
        counts = {}
        for tab in ("overview", "estimate", "work"):
            with CaptureQueriesContext(connection) as captured:
                advisor_client.get(detail_url(ro, tab))
            counts[tab] = len(captured)
        return counts

    assert queries_for(2) == queries_for(8)
