"""The repair order REST API: every step of an order through the same services as the
screens, with the same refusals."""

import datetime as dt
import io
import json
from typing import cast

import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.http import HttpResponse
from PIL import Image

from servicelane.appointments.models import Appointment
from servicelane.appointments.tests.factories import book
from servicelane.core.choices import WorkshopRole
from servicelane.testing.clients import bearer_client
from servicelane.testing.clock import NOW
from servicelane.testing.personas import member
from servicelane.testing.refusals import assert_refused
from servicelane.testing.scenarios import (
    approve_all,
    handover_answers,
    pass_qc,
    priced_job,
    tick_all,
    walk_in,
    work_all,
)
from servicelane.testing.scenarios import approved_order as approved
from servicelane.workorders.choices import (
    QC_CHECKLIST,
    ChecklistKind,
    JobStatus,
    QCLevel,
    ROStatus,
)
from servicelane.workorders.estimate.services import estimate_answer, estimate_send, job_line_add
from servicelane.workorders.models import (
    CbsItem,
    ClockEntry,
    Estimate,
    Handover,
    Job,
    JobLine,
    Photo,
    QualityCheck,
    RepairOrder,
)
from servicelane.workorders.quality.services import quality_check_record
from servicelane.workorders.work.services import job_clock_on

RO = "/api/v1/repair-orders"
JOBS = "/api/v1/jobs"


def post(client, url, data=None):
    return client.post(url, data or {}, content_type="application/json")


def patch(client, url, data):
    return client.patch(url, data, content_type="application/json")


def png(width=3200, height=2400) -> SimpleUploadedFile:
    out = io.BytesIO()
    Image.new("RGB", (width, height), (200, 30, 30)).save(out, "PNG")
    return SimpleUploadedFile("scratch.png", out.getvalue(), content_type="image/png")


def checklist(client, kind: str) -> dict:
    [found] = client.get("/api/v1/checklists", {"kind": kind}).json()
    return found


def ticked(client, kind: str) -> dict[str, bool]:
    return {str(p["id"]): True for p in checklist(client, kind)["points"]}


def in_quality_check(workshop, advisor, technician) -> RepairOrder:
    """A walk-in whose one approved brake job is done: the car waits for the checks."""
    ro = walk_in(workshop, advisor)
    priced_job(ro, advisor)
    approve_all(estimate_send(actor=advisor, repair_order=ro))
    work_all(ro, technician)
    ro.refresh_from_db()
    assert ro.status == ROStatus.QUALITY_CHECK
    return ro


# --- the whole way ------------------------------------------------------------------


@pytest.mark.django_db
def test_a_walk_in_goes_from_reception_to_handover_through_the_api(
    api, advisor, freiburg, operations, tech, foreman
):
    customer = post(
        api,
        "/api/v1/customers",
        {"last_name": "Kundin", "first_name": "Eva", "email": "eva@example.de", "language": "de"},
    ).json()
    vin = "WBA8E9G50GNT12345"
    vehicle = post(
        api, "/api/v1/vehicles", {"vin": vin, "plate": "FR-EK 7", "owner_id": customer["id"]}
    )
    assert vehicle.status_code == 201, vehicle.json()
    assert api.get(f"{RO}/deferred", {"vin": vin}).json() == []

    # Reception
    created = post(
        api,
        RO,
        {
            "customer_id": customer["id"],
            "vin": vin,
            "mileage": 48_210,
            "fuel_level": 2,
            "concerns": "Quietscht beim Bremsen.\nSeit zwei Wochen.",
            "documents_seen": ["registration", "service_booklet"],
            "parking_spot": "P7",
        },
    )
    assert created.status_code == 201, created.json()
    order = created.json()
    ro_url = f"{RO}/{order['id']}"
    assert order["number"].startswith("FR-R26-")
    assert order["status"] == "checked_in"
    assert order["customer"]["name"] == "Eva Kundin"
    assert order["vehicle"]["vin"] == vin
    [concern] = order["jobs"]
    assert (concern["title"], concern["source"], concern["status"]) == (
        "Quietscht beim Bremsen.",
        "concern",
        "draft",
    )
    assert order["checked_in_at"] == "2026-11-23T06:00:00Z"

    changed = patch(api, f"{ro_url}/reception", {"parking_spot": "P9", "fuel_level": 3})
    assert changed.status_code == 200, changed.json()
    assert (changed.json()["parking_spot"], changed.json()["fuel_level"]) == ("P9", 3)

    cbs = post(
        api,
        f"{ro_url}/cbs",
        {
            "vin": vin,
            "mileage": 48_210,
            "items": [
                {"code": "engine_oil", "description": "Engine oil", "due_km": 49_000},
                {"code": "brake_fluid", "description": "Brake fluid", "due_date": "2026-10-01"},
            ],
        },
    )
    assert cbs.status_code == 201, cbs.json()
    assert {i["code"]: i["status"] for i in cbs.json()} == {
        "engine_oil": "due_soon",
        "brake_fluid": "overdue",
    }

    photo = api.post(f"{ro_url}/photos", {"image": png(), "caption": "Kratzer hinten links"})
    assert photo.status_code == 201, photo.json()
    assert (photo.json()["width"], photo.json()["height"]) == (1600, 1200)  # resized

    # Inspection: the front brakes are red and become a recommended job
    quick = checklist(api, "quick")
    results = [
        {"point_id": p["id"], "rating": "green"}
        for p in quick["points"]
        if p["text"] != "Front brakes"
    ] + [
        {
            "point_id": next(p["id"] for p in quick["points"] if p["text"] == "Front brakes"),
            "rating": "red",
            "note": "2 mm left",
            "photo_id": photo.json()["id"],
        }
    ]
    inspection = post(
        api, f"{ro_url}/inspections", {"template_id": quick["id"], "results": results}
    )
    assert inspection.status_code == 201, inspection.json()
    assert {r["rating"] for r in inspection.json()["results"]} == {"green", "red"}

    # Estimate: price the concern, send both jobs
    operations = {o["code"]: o for o in api.get("/api/v1/labour-operations").json()}
    assert operations["OIL-SERVICE"]["menu_price"] is True
    assert operations["OIL-SERVICE"]["price"] == "89.00"
    assert operations["BRAKES-FRONT"]["unit_price"] == "11.6667"  # 140.00 an hour / 12
    line = post(
        api,
        f"{JOBS}/{concern['id']}/lines",
        {
            "kind": "part",
            "code": "34 11 6 860 242",
            "description": "Brake pads",
            "quantity": "1",
            "unit_price": "89.50",
        },
    )
    assert line.status_code == 201, line.json()
    assert line.json()["net_total"] == "89.50"

    sent = post(api, f"{ro_url}/estimates", {})
    assert sent.status_code == 201, sent.json()
    estimate = sent.json()
    assert estimate["sequence"] == 1 and estimate["status"] == "sent"
    assert "/c/" in estimate["approval_url"]
    pdf = api.get(estimate["pdf"])
    assert pdf.status_code == 200
    assert pdf["Content-Type"] == "application/pdf"
    assert pdf.content.startswith(b"%PDF")

    detail = api.get(ro_url).json()
    assert detail["status"] == "estimate_sent"
    assert {j["status"] for j in detail["jobs"]} == {"pending"}
    assert detail["pending_totals"]["net"] == "299.50"  # 89.50 + 18 × 11.6667
    assert detail["pending_totals"]["gross"] == "356.41"  # + 19 % VAT

    # The customer approves everything through the link
    approve_all(Estimate.objects.get(repair_order_id=order["id"]))

    # The bay
    tech_api = bearer_client(tech)
    for job in detail["jobs"]:
        assigned = post(api, f"{JOBS}/{job['id']}/assign", {"technician_id": tech.pk})
        assert assigned.status_code == 200, assigned.json()
        assert assigned.json()["technician"]["id"] == tech.pk
    mine = tech_api.get(f"{JOBS}/mine").json()
    assert sorted(j["id"] for j in mine) == sorted(j["id"] for j in detail["jobs"])
    assert all("customer" not in j for j in mine)
    for job in mine:
        assert post(tech_api, f"{JOBS}/{job['id']}/clock-on").status_code == 200
        finished = post(tech_api, f"{JOBS}/{job['id']}/finish")
        assert finished.status_code == 200, finished.json()
        assert finished.json()["status"] == "done"

    # Three quality checks, in order
    for client, level, kind in (
        (tech_api, 1, ChecklistKind.QC_TECHNICIAN),
        (bearer_client(foreman), 2, ChecklistKind.QC_FOREMAN),
        (api, 3, ChecklistKind.QC_ADVISOR),
    ):
        check = post(
            client,
            f"{ro_url}/quality-checks",
            {"level": level, "passed": True, "answers": ticked(client, kind)},
        )
        assert check.status_code == 201, check.json()
    assert check.json()["repair_order_status"] == "ready"

    detail = api.get(ro_url).json()
    assert detail["status"] == "ready"
    assert detail["quality_check"]["passed_levels"] == [1, 2, 3]
    assert detail["totals"]["gross"] == "356.41"
    assert len(detail["cbs_items"]) == 2 and len(detail["photos"]) == 1
    assert [e["kind"] for e in detail["events"]][:2] == ["checked_in", "reception"]
    assert "qc_passed" in {e["kind"] for e in detail["events"]}
    # Without an invoice the car does not leave.
    assert any("invoice" in reason for reason in detail["handover_blockers"])
    refused = post(
        api,
        f"{ro_url}/handover",
        {"signed_name": "Eva Kundin", "mileage_out": 48_215, "answers": ticked(api, "handover")},
    )
    assert refused.status_code == 400
    assert "invoice" in refused.json()["detail"]

    invoice = post(api, "/api/v1/invoices", {"repair_order": order["id"]})
    assert invoice.status_code == 201, invoice.json()
    assert invoice.json()["gross_total"] == "356.41"
    handover = post(
        api,
        f"{ro_url}/handover",
        {"signed_name": "Eva Kundin", "mileage_out": 48_215, "answers": ticked(api, "handover")},
    )
    assert handover.status_code == 201, handover.json()
    assert handover.json()["mileage_out"] == 48_215
    detail = api.get(ro_url).json()
    assert detail["status"] == "delivered"
    assert detail["handover"]["signed_name"] == "Eva Kundin"
    assert detail["delivered_at"] == "2026-11-23T06:00:00Z"
    assert [e["kind"] for e in detail["events"]][-1] == "delivered"


@pytest.mark.django_db
def test_declined_work_leaves_without_invoice_and_is_offered_at_the_next_visit(
    api, advisor, freiburg
):
    ro = walk_in(freiburg, advisor)
    job = priced_job(ro, advisor, title="Rear brakes")
    sent = post(api, f"{RO}/{ro.pk}/estimates", {})
    estimate_answer(
        estimate=Estimate.objects.get(pk=sent.json()["id"]),
        decisions={job.pk: False},
        signed_name="Eva Kundin",
        ip="192.0.2.7",
    )
    assert api.get(f"{RO}/{ro.pk}").json()["handover_blockers"] == []

    handover = post(
        api,
        f"{RO}/{ro.pk}/handover",
        {"signed_name": "Eva Kundin", "mileage_out": 42_000, "answers": handover_answers(freiburg)},
    )

    assert handover.status_code == 201, handover.json()
    assert RepairOrder.objects.get(pk=ro.pk).status == ROStatus.DELIVERED
    deferred = api.get(f"{RO}/deferred", {"vin": ro.vehicle.vin}).json()
    assert [(d["id"], d["title"], d["repair_order_number"]) for d in deferred] == [
        (job.pk, "Rear brakes", ro.number)
    ]
    assert deferred[0]["net_total"] == "210.00"

    # The next visit takes it up again.
    second = post(
        api,
        RO,
        {
            "customer_id": ro.customer_id,
            "vehicle_id": ro.vehicle_id,
            "mileage": 43_500,
            "deferred_job_ids": [job.pk],
        },
    )
    assert second.status_code == 201, second.json()
    [taken_up] = second.json()["jobs"]
    assert (taken_up["title"], taken_up["source"], taken_up["deferred_from_id"]) == (
        "Rear brakes",
        "deferred",
        job.pk,
    )
    assert api.get(f"{RO}/{second.json()['id']}/deferred").json() == []


@pytest.mark.django_db
def test_checking_in_an_express_booking_carries_its_promise(
    api, advisor, freiburg, fr_cap, time_machine, django_capture_on_commit_callbacks
):
    appointment = book(freiburg, fr_cap, "express-oil", at=dt.datetime(2026, 11, 24, 9, 0))
    time_machine.move_to(dt.datetime(2026, 11, 24, 7, 50, tzinfo=dt.UTC), tick=False)

    with django_capture_on_commit_callbacks(execute=True):
        response = post(
            api,
            f"{RO}/check-in",
            {"appointment_id": appointment.pk, "mileage": 61_000, "fuel_level": 4},
        )

    assert response.status_code == 201, response.json()
    order = response.json()
    assert order["appointment_reference"] == appointment.reference
    assert order["promise_hours"] == 1
    assert order["promised_at"] == "2026-11-24T09:00:00Z"  # 09:00 Berlin + 1 h, in UTC
    [job] = order["jobs"]
    assert (job["source"], job["status"], job["promised"]) == ("booked", "approved", True)
    assert [line["code"] for line in job["lines"]] == ["OIL-SERVICE"]
    assert order["totals"]["net"] == "89.00"  # the network's menu price
    assert Appointment.objects.get(pk=appointment.pk).status == "arrived"
    assert mail.outbox[-1].to == [appointment.contact_email]  # where to follow the repair

    again = post(api, f"{RO}/check-in", {"appointment_id": appointment.pk, "mileage": 61_000})
    assert again.status_code == 400
    assert again.json()["detail"] == "This appointment is already checked in."
    assert RepairOrder.objects.count() == 1


@pytest.mark.django_db
def test_a_lower_mileage_needs_confirmation_and_unknown_references_are_field_errors(
    api, advisor, freiburg
):
    ro = walk_in(freiburg, advisor, mileage=50_000)
    payload = {"customer_id": ro.customer_id, "vin": ro.vehicle.vin, "mileage": 49_000}

    lower = post(api, RO, payload)
    unknown_customer = post(api, RO, {**payload, "customer_id": 999_999})
    unknown_car = post(api, RO, {**payload, "vin": "WBA00000000000000"})
    no_car = post(api, RO, {"customer_id": ro.customer_id, "mileage": 1})
    bad_document = post(api, RO, {**payload, "documents_seen": ["passport"]})

    assert lower.status_code == 400 and "50,000 km" in lower.json()["errors"]["mileage"][0]
    assert list(unknown_customer.json()["errors"]) == ["customer_id"]
    assert list(unknown_car.json()["errors"]) == ["vin"]
    assert list(no_car.json()["errors"]) == ["vin"]
    assert bad_document.status_code == 400 and "documents_seen.0" in bad_document.json()["errors"]
    assert RepairOrder.objects.count() == 1
    confirmed = post(api, RO, {**payload, "mileage_confirmed": True})
    assert confirmed.status_code == 201
    assert confirmed.json()["mileage"] == 49_000


# --- refusals ------------------------------------------------------------------------


@pytest.mark.django_db
def test_handover_before_the_quality_check_is_refused_with_the_reason(api, advisor, freiburg, tech):
    ro = in_quality_check(freiburg, advisor, tech)

    response = post(
        api,
        f"{RO}/{ro.pk}/handover",
        {"signed_name": "Eva Kundin", "mileage_out": 42_000, "answers": handover_answers(freiburg)},
    )

    assert response.status_code == 400
    assert response.json()["detail"] == (
        "The repair order is quality check. All three quality checks must pass first. "
        "Issue the invoice first."
    )
    assert not Handover.objects.exists()
    assert RepairOrder.objects.get(pk=ro.pk).status == ROStatus.QUALITY_CHECK


@pytest.mark.django_db
def test_a_negative_quantity_is_a_field_error_and_adds_no_line(api, advisor, freiburg):
    ro = walk_in(freiburg, advisor)
    job = priced_job(ro, advisor)

    response = post(
        api,
        f"{JOBS}/{job.pk}/lines",
        {"kind": "part", "description": "Brake pads", "quantity": "-2", "unit_price": "45.00"},
    )
    discount = post(
        api,
        f"{JOBS}/{job.pk}/lines",
        {"kind": "part", "description": "Pads", "unit_price": "45", "discount_percent": "10"},
    )
    not_a_number = post(
        api, f"{JOBS}/{job.pk}/lines", {"kind": "part", "description": "Pads", "quantity": "x"}
    )
    huge = post(
        api,
        f"{JOBS}/{job.pk}/lines",
        {"kind": "part", "description": "Pads", "quantity": "1e30", "unit_price": "1"},
    )

    assert response.status_code == 400
    assert response.json()["errors"] == {"quantity": ["Enter a number greater than zero."]}
    assert discount.json()["errors"] == {"discount_reason": ["A discount needs a reason."]}
    assert not_a_number.status_code == 400 and "quantity" in not_a_number.json()["errors"]
    assert "quantity" in huge.json()["errors"]
    assert JobLine.objects.filter(job=job, kind="part").count() == 0


@pytest.mark.django_db
def test_lines_and_jobs_can_be_removed_only_while_draft(api, advisor, freiburg):
    ro = walk_in(freiburg, advisor)
    job = priced_job(ro, advisor)
    extra = priced_job(ro, advisor, "WIPER-BLADES", title="Wipers")
    line = job.lines.get()

    assert api.delete(f"{JOBS}/{job.pk}/lines/{line.pk}").status_code == 204
    assert api.delete(f"{JOBS}/{job.pk}/lines/{line.pk}").status_code == 404
    assert api.delete(f"{JOBS}/{extra.pk}").status_code == 204
    assert list(ro.jobs.values_list("pk", flat=True)) == [job.pk]

    labour = post(
        api, f"{JOBS}/{job.pk}/lines", {"kind": "labour", "operation_code": "BRAKES-REAR"}
    )
    assert labour.status_code == 201, labour.json()
    assert [line["code"] for line in labour.json()["lines"]] == ["BRAKES-REAR"]
    estimate_send(actor=advisor, repair_order=ro)
    sent = ro.jobs.first()
    assert sent is not None
    refused = api.delete(f"{JOBS}/{sent.pk}")
    assert refused.status_code == 400
    assert "only draft jobs can be changed" in refused.json()["detail"]
    assert Job.objects.filter(pk=sent.pk).exists()


@pytest.mark.django_db
def test_clocking_two_jobs_at_once_is_refused(advisor, freiburg, tech):
    ro = approved(freiburg, advisor, "Front brakes", "Rear brakes")
    first, second = ro.jobs.order_by("position")
    client = bearer_client(tech)

    on = post(client, f"{JOBS}/{first.pk}/clock-on")
    again = post(client, f"{JOBS}/{second.pk}/clock-on")

    assert on.status_code == 200 and on.json()["running"] is True
    assert again.status_code == 400
    assert again.json()["detail"] == (
        f"You are clocked on job 1 of {ro.number}. Pause or finish it first."
    )
    assert not ClockEntry.objects.filter(job=second).exists()
    no_reason = post(client, f"{JOBS}/{first.pk}/pause", {"reason": " "})
    assert no_reason.json()["errors"] == {"reason": ["A pause needs a reason."]}
    paused = post(client, f"{JOBS}/{first.pk}/pause", {"reason": "Waiting for parts"})
    assert paused.json()["status"] == "paused" and paused.json()["running"] is False
    assert post(client, f"{JOBS}/{second.pk}/clock-on").status_code == 200


@pytest.mark.django_db
def test_a_technician_below_the_jobs_level_is_refused(api, advisor, freiburg, junior):
    ro = approved(freiburg, advisor, "Front brakes")  # needs level 3 (technician)
    job = ro.jobs.get()

    assigned = post(api, f"{JOBS}/{job.pk}/assign", {"technician_id": junior.pk})
    clocked = post(bearer_client(junior), f"{JOBS}/{job.pk}/clock-on")
    advisor_as_technician = post(api, f"{JOBS}/{job.pk}/assign", {"technician_id": advisor.pk})

    assert assigned.status_code == 400
    assert assigned.json()["errors"] == {
        "technician": ["This job needs a technician of level “Technician” or above."]
    }
    assert clocked.status_code == 400
    assert advisor_as_technician.json()["errors"] == {
        "technician_id": ["Not a technician of this workshop."]
    }
    job.refresh_from_db()
    assert job.technician is None and job.status == JobStatus.APPROVED
    assert bearer_client(junior).get(f"{JOBS}/mine").json() == []


@pytest.mark.django_db
def test_a_technician_cannot_reach_another_workshops_order(
    freiburg, beijing, advisor_bj, tech, operations
):
    ro = approved(beijing, advisor_bj, "刹车")
    job = ro.jobs.get()
    client = bearer_client(tech)
    quick = checklist(client, "quick")

    assert client.get(f"{RO}/{ro.pk}").status_code == 404
    assert post(client, f"{JOBS}/{job.pk}/clock-on").status_code == 404
    assert client.post(f"{RO}/{ro.pk}/photos", {"image": png()}).status_code == 404
    inspection = post(
        client, f"{RO}/{ro.pk}/inspections", {"template_id": quick["id"], "results": []}
    )
    assert inspection.status_code == 404
    assert post(client, f"{RO}/{ro.pk}/jobs", {"title": "Found"}).status_code == 404
    assert client.get(f"{JOBS}/mine").json() == []
    assert not ClockEntry.objects.exists() and not Photo.objects.exists()
    assert ro.jobs.count() == 1


@pytest.mark.django_db
def test_a_technician_has_no_order_list_nor_customer_data_but_works_on_the_car(
    advisor, freiburg, tech
):
    ro = approved(freiburg, advisor, "Front brakes")
    client = bearer_client(tech)

    listing = client.get(RO)
    detail = client.get(f"{RO}/{ro.pk}")
    photo = client.post(f"{RO}/{ro.pk}/photos", {"image": png(), "shared": "false"})
    found = post(client, f"{RO}/{ro.pk}/jobs", {"title": "Wiper blades torn"})

    assert_refused(cast(HttpResponse, listing), 403, "Your role does not allow this.")
    assert detail.status_code == 404
    assert photo.status_code == 201 and photo.json()["shared"] is False
    assert found.status_code == 201 and found.json()["source"] == "found"
    [mine] = client.get(f"{JOBS}/mine").json()
    assert mine["repair_order"]["number"] == ro.number
    assert mine["vehicle"]["vin"] == ro.vehicle.vin
    assert "customer" not in mine and "unit_price" not in mine["lines"][0]
    assert ro.customer.last_name not in client.get(f"{JOBS}/mine").content.decode()


@pytest.mark.django_db
def test_my_jobs_compare_flat_rate_with_clocked_minutes(advisor, freiburg, tech, time_machine):
    ro = approved(freiburg, advisor, "Front brakes")  # 18 units = 90 minutes
    job = ro.jobs.get()
    client = bearer_client(tech)
    post(client, f"{JOBS}/{job.pk}/clock-on")
    time_machine.move_to(NOW + dt.timedelta(minutes=120), tick=False)
    post(client, f"{JOBS}/{job.pk}/pause", {"reason": "Lunch"})

    [mine] = client.get(f"{JOBS}/mine").json()

    assert mine["status"] == "paused" and mine["assigned_to_me"] is True
    assert (mine["flat_rate_minutes"], mine["clocked_minutes"]) == (90, 120)
    assert (mine["difference_minutes"], mine["efficiency_percent"]) == (30, 75)


# --- quality check -------------------------------------------------------------------


@pytest.mark.django_db
def test_quality_checks_out_of_order_are_refused(api, advisor, freiburg, tech):
    ro = in_quality_check(freiburg, advisor, tech)

    response = post(
        api,
        f"{RO}/{ro.pk}/quality-checks",
        {"level": 3, "passed": True, "answers": tick_all(freiburg, ChecklistKind.QC_ADVISOR)},
    )

    assert response.status_code == 400
    assert response.json()["errors"] == {
        "level": ["The next check is the technician self/peer check."]
    }
    assert not QualityCheck.objects.exists()


@pytest.mark.django_db
def test_the_foreman_cannot_do_the_advisors_check(advisor, freiburg, tech, foreman):
    ro = in_quality_check(freiburg, advisor, tech)
    for level, who in ((QCLevel.TECHNICIAN, tech), (QCLevel.FOREMAN, foreman)):
        quality_check_record(
            actor=who,
            repair_order=ro,
            level=level,
            passed=True,
            answers=tick_all(freiburg, QC_CHECKLIST[level]),
        )

    response = post(
        bearer_client(foreman),
        f"{RO}/{ro.pk}/quality-checks",
        {"level": 3, "passed": True, "answers": tick_all(freiburg, ChecklistKind.QC_ADVISOR)},
    )

    assert response.status_code == 403
    assert QualityCheck.objects.filter(level=3).count() == 0
    assert RepairOrder.objects.get(pk=ro.pk).status == ROStatus.QUALITY_CHECK


@pytest.mark.django_db
def test_a_failed_check_sends_the_job_back_as_rework(advisor, freiburg, tech):
    ro = in_quality_check(freiburg, advisor, tech)
    job = ro.jobs.get()
    client = bearer_client(tech)

    unticked = post(client, f"{RO}/{ro.pk}/quality-checks", {"level": 1, "passed": True})
    failed = post(
        client,
        f"{RO}/{ro.pk}/quality-checks",
        {"level": 1, "passed": False, "note": "Caliper bolt loose", "rework_job_ids": [job.pk]},
    )

    assert unticked.status_code == 400 and "answers" in unticked.json()["errors"]
    assert failed.status_code == 201, failed.json()
    assert failed.json()["repair_order_status"] == "in_progress"
    assert failed.json()["rework_job_ids"] == [job.pk]
    job.refresh_from_db()
    assert (job.status, job.rework_count) == (JobStatus.APPROVED, 1)


# --- other steps ---------------------------------------------------------------------


@pytest.mark.django_db
def test_a_malformed_cbs_document_or_photo_changes_nothing(api, advisor, freiburg):
    ro = walk_in(freiburg, advisor)

    no_due = post(api, f"{RO}/{ro.pk}/cbs", {"items": [{"code": "oil", "description": "Oil"}]})
    no_items = post(api, f"{RO}/{ro.pk}/cbs", {"vin": ro.vehicle.vin})
    not_a_photo = api.post(
        f"{RO}/{ro.pk}/photos",
        {"image": SimpleUploadedFile("x.jpg", b"not a picture", content_type="image/jpeg")},
    )
    no_photo = api.post(f"{RO}/{ro.pk}/photos", {"caption": "nothing"})

    assert no_due.status_code == 400
    assert no_due.json()["errors"] == {"items": ["Item 1 needs a due date or a due mileage."]}
    assert no_items.status_code == 400 and "items" in no_items.json()["errors"]
    assert not_a_photo.status_code == 400 and "image" in not_a_photo.json()["errors"]
    assert no_photo.status_code == 400
    assert not CbsItem.objects.exists() and not Photo.objects.exists()


@pytest.mark.django_db
def test_an_inspection_must_rate_every_point(api, advisor, freiburg):
    ro = walk_in(freiburg, advisor)
    quick = checklist(api, "quick")
    first, *rest = quick["points"]

    missing = post(
        api,
        f"{RO}/{ro.pk}/inspections",
        {"template_id": quick["id"], "results": [{"point_id": first["id"], "rating": "amber"}]},
    )
    unknown = post(api, f"{RO}/{ro.pk}/inspections", {"template_id": 999_999, "results": []})

    assert missing.status_code == 400
    assert missing.json()["errors"][f"point_{first['id']}"] == ["Say what was found."]
    assert missing.json()["errors"][f"point_{rest[0]['id']}"] == ["Rate this point."]
    assert unknown.json()["errors"] == {"template_id": ["Unknown checklist."]}
    assert RepairOrder.objects.get(pk=ro.pk).status == ROStatus.CHECKED_IN


@pytest.mark.django_db
def test_cancelling_needs_a_reason_and_is_refused_once_work_was_clocked(
    api, advisor, freiburg, tech
):
    idle = walk_in(freiburg, advisor)
    busy = approved(freiburg, advisor, "Brakes")
    job_clock_on(actor=tech, job=busy.jobs.get())

    no_reason = post(api, f"{RO}/{idle.pk}/cancel", {})
    cancelled = post(api, f"{RO}/{idle.pk}/cancel", {"reason": "Customer left"})
    refused = post(api, f"{RO}/{busy.pk}/cancel", {"reason": "Customer left"})
    after = patch(api, f"{RO}/{idle.pk}/reception", {"parking_spot": "P1"})

    assert no_reason.json()["errors"] == {"reason": ["Say why the order is cancelled."]}
    assert cancelled.status_code == 200 and cancelled.json()["status"] == "cancelled"
    assert refused.status_code == 400
    assert (
        refused.json()["detail"] == "Work has been clocked on this order; it cannot be cancelled."
    )
    assert after.status_code == 400 and "no longer be changed" in after.json()["detail"]


@pytest.mark.django_db
def test_the_foreman_reads_orders_but_may_not_receive_or_send_estimates(advisor, freiburg, foreman):
    ro = walk_in(freiburg, advisor, concerns="Noise")
    client = bearer_client(foreman)

    assert client.get(f"{RO}/{ro.pk}").status_code == 200
    assert patch(client, f"{RO}/{ro.pk}/reception", {"parking_spot": "X"}).status_code == 403
    assert post(client, f"{RO}/{ro.pk}/estimates").status_code == 403
    assert not Estimate.objects.exists()


@pytest.mark.django_db
def test_an_estimate_pdf_of_an_unknown_sequence_is_404(api, advisor, freiburg):
    ro = walk_in(freiburg, advisor)
    priced_job(ro, advisor)
    estimate_send(actor=advisor, repair_order=ro)

    assert api.get(f"{RO}/{ro.pk}/estimates/1/pdf").content.startswith(b"%PDF")
    assert api.get(f"{RO}/{ro.pk}/estimates/2/pdf").status_code == 404
    no_draft = post(api, f"{RO}/{ro.pk}/estimates")
    assert no_draft.status_code == 400
    assert no_draft.json()["detail"] == "There is no draft job to put to the customer."


@pytest.mark.django_db
def test_a_completion_time_without_offset_is_the_workshops_local_time(api, advisor, freiburg):
    ro = walk_in(freiburg, advisor)
    priced_job(ro, advisor)

    past = post(api, f"{RO}/{ro.pk}/estimates", {"estimated_completion_at": "2026-11-23T06:30:00"})
    sent = post(api, f"{RO}/{ro.pk}/estimates", {"estimated_completion_at": "2026-11-23T16:00:00"})
    shown = api.get(f"{RO}/{ro.pk}").json()["estimated_completion_at"]
    moved = patch(api, f"{RO}/{ro.pk}/reception", {"estimated_completion_at": "2026-11-24T12:00"})

    # 06:30 in Freiburg is 05:30 UTC: before now (06:00 UTC).
    assert past.json()["errors"] == {"estimated_completion_at": ["This time is in the past."]}
    assert sent.status_code == 201, sent.json()
    assert shown == "2026-11-23T15:00:00Z"
    assert moved.json()["estimated_completion_at"] == "2026-11-24T11:00:00Z"


@pytest.mark.django_db
def test_checklists_and_operations_come_from_the_network(api, freiburg, operations):
    kinds = {c["kind"] for c in api.get("/api/v1/checklists").json()}
    brakes = api.get("/api/v1/labour-operations", {"q": "brake"}).json()

    assert {"quick", "detailed", "qc_technician", "qc_foreman", "qc_advisor", "handover"} <= kinds
    assert api.get("/api/v1/checklists", {"kind": "lunch"}).status_code == 400
    assert {o["code"] for o in brakes} == {"BRAKE-FLUID", "BRAKES-FRONT", "BRAKES-REAR"}
    fluid = next(o for o in brakes if o["code"] == "BRAKE-FLUID")
    assert (fluid["menu_price"], fluid["price"], fluid["currency"]) == (True, "69.00", "EUR")
    front = next(o for o in brakes if o["code"] == "BRAKES-FRONT")
    assert (front["quantity"], front["unit_price"], front["price"]) == ("18", "11.6667", "210.00")
    hv = api.get("/api/v1/labour-operations", {"q": "HV-BATTERY"}).json()[0]
    assert (hv["skills"], hv["equipment"], hv["tools"]) == (
        ["high_voltage"],
        ["high_voltage"],
        ["83 30 2 447 478"],
    )
    assert (front["skills"], front["tools"]) == ([], [])


# --- lists and query counts ----------------------------------------------------------


@pytest.mark.django_db
def test_the_list_filters_by_status_and_search(api, advisor, freiburg, beijing, advisor_bj):
    waiting = walk_in(freiburg, advisor)
    sent = walk_in(freiburg, advisor)
    priced_job(sent, advisor)
    estimate_send(actor=advisor, repair_order=sent)
    walk_in(beijing, advisor_bj)

    def numbers(**query):
        response = api.get(RO, query)
        assert response.status_code == 200, response.json()
        return [o["number"] for o in response.json()["items"]]

    assert numbers() == [sent.number, waiting.number]
    assert numbers(status="estimate_sent") == [sent.number]
    assert numbers(status=["estimate_sent", "checked_in"]) == [sent.number, waiting.number]
    assert numbers(q=waiting.number) == [waiting.number]
    assert numbers(open="false") == []
    assert api.get(RO, {"status": "lost"}).status_code == 400
    first = api.get(RO).json()["items"][0]
    assert first["customer"]["name"] == sent.customer.display_name
    assert first["advisor"]["id"] == advisor.pk


@pytest.mark.django_db
def test_the_list_costs_the_same_queries_for_3_or_12_orders(
    api, advisor, freiburg, django_assert_max_num_queries
):
    for _ in range(3):
        walk_in(freiburg, advisor)
    api.get("/api/v1/me")  # the token's last use is stamped once a minute; not measured

    with django_assert_max_num_queries(8) as few:
        assert len(api.get(RO).json()["items"]) == 3
    baseline = len(few)
    for _ in range(9):
        walk_in(freiburg, advisor)
    with django_assert_max_num_queries(baseline):
        assert len(api.get(RO, {"page_size": 50}).json()["items"]) == 12


@pytest.mark.django_db
def test_the_detail_costs_the_same_queries_for_1_or_6_jobs(
    api, advisor, freiburg, operations, tech, foreman, django_assert_max_num_queries
):
    quick = checklist(api, "quick")

    def ready_with(jobs: int) -> RepairOrder:
        ro = walk_in(freiburg, advisor)
        green = [{"point_id": p["id"], "rating": "green"} for p in quick["points"]]
        for _ in range(jobs):
            post(api, f"{RO}/{ro.pk}/inspections", {"template_id": quick["id"], "results": green})
        for n in range(jobs):
            job = priced_job(ro, advisor, "BRAKES-FRONT", "BRAKE-FLUID", title=f"Job {n}")
            job_line_add(actor=advisor, job=job, kind="part", description="Pads", unit_price="45")
        approve_all(estimate_send(actor=advisor, repair_order=ro))
        work_all(ro, tech)
        pass_qc(ro, tech, foreman, advisor)
        for _ in range(jobs):
            api.post(f"{RO}/{ro.pk}/photos", {"image": png(40, 30)})
        items = [{"code": f"i{n}", "description": "Item", "due_km": 1} for n in range(jobs)]
        post(api, f"{RO}/{ro.pk}/cbs", {"items": items})
        return ro

    small, large = ready_with(1), ready_with(6)
    api.get("/api/v1/me")  # the token's last use is stamped once a minute; not measured

    with django_assert_max_num_queries(30) as one:
        assert len(api.get(f"{RO}/{small.pk}").json()["jobs"]) == 1
    baseline = len(one)
    with django_assert_max_num_queries(baseline):
        body = api.get(f"{RO}/{large.pk}").json()
    assert len(body["jobs"]) == 6 and len(body["photos"]) == 6
    assert len(body["inspections"]) == 6 and len(body["cbs_items"]) == 6
    assert body["status"] == "ready" and len(body["quality_check"]["checks"]) == 3


@pytest.mark.django_db
def test_no_operation_reads_or_changes_another_workshops_order(freiburg, beijing, advisor_bj):
    from servicelane.api import api as ninja_api

    ro = approved(beijing, advisor_bj, "刹车")
    job = ro.jobs.get()
    values = {
        "repair_order_id": ro.pk,
        "job_id": job.pk,
        "line_id": job.lines.get().pk,
        "sequence": 1,
    }
    everyone = member(freiburg, *WorkshopRole.values, email="all-roles@freiburg.test")
    client = bearer_client(everyone)
    schema = ninja_api.get_openapi_schema(path_prefix="/api/v1")
    ours = [
        (method.upper(), path)
        for path, operations in schema["paths"].items()
        if path.startswith(("/api/v1/repair-orders/{", "/api/v1/jobs/{"))
        for method in operations
    ]
    before = (
        list(RepairOrder.objects.filter(pk=ro.pk).values()),
        list(Job.objects.filter(repair_order=ro).values()),
        list(JobLine.objects.filter(job__repair_order=ro).values()),
        ro.events.count(),
    )

    for method, path in ours:
        url = path.format(**values)
        for body in ({}, {"reason": "x", "title": "x", "kind": "part", "level": 1, "passed": True}):
            response = client.generic(
                method, url, json.dumps(body), content_type="application/json"
            )
            assert response.status_code in (400, 404), f"{method} {url}: {response.status_code}"
            if method == "GET":
                assert response.status_code == 404
    assert len(ours) >= 19
    assert before == (
        list(RepairOrder.objects.filter(pk=ro.pk).values()),
        list(Job.objects.filter(repair_order=ro).values()),
        list(JobLine.objects.filter(job__repair_order=ro).values()),
        ro.events.count(),
    )
