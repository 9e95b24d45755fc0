"""Another workshop's world: the Beijing workshop with one record of every kind that Freiburg
must never reach (``other_world``), the values its records give every route parameter, and
the site's named routes. The tenant-isolation suite and the input edge checks walk them."""

import datetime
from typing import Any

import pytest
from django.contrib.contenttypes.models import ContentType
from django.urls import URLPattern, URLResolver, get_resolver
from django.utils import timezone

from servicelane.appointments.choices import Channel
from servicelane.appointments.models import Closure
from servicelane.appointments.selectors import booking_plan, free_slots
from servicelane.appointments.services import appointment_book
from servicelane.billing.services import invoice_issue, payment_record
from servicelane.control.choices import PlanningStatus
from servicelane.control.models import Absence, Bay, PlanningRun
from servicelane.core.auth import api_token_issue
from servicelane.core.choices import WorkshopRole
from servicelane.customers.models import Customer
from servicelane.customers.tests.factories import CustomerFactory
from servicelane.demo.bookings import build_capacity
from servicelane.followup.models import Survey
from servicelane.parts.tests.factories import catalogue_part
from servicelane.servicebook.models import ServiceEntry
from servicelane.servicebook.services import service_entry_correct
from servicelane.store import services as store_services
from servicelane.supply.models import CentreStock
from servicelane.supply.services import part_order_place
from servicelane.testing.centres import connect, make_centre
from servicelane.testing.personas import member, technician_of
from servicelane.testing.scenarios import handover_answers, pass_qc
from servicelane.tools.models import SpecialTool
from servicelane.vehicles.services import vehicle_record_mileage
from servicelane.vehicles.tests.factories import vehicle_of
from servicelane.workorders.catalogue import ensure_catalogue
from servicelane.workorders.estimate.services import (
    estimate_answer,
    estimate_send,
    job_add,
    job_line_add,
)
from servicelane.workorders.handover.services import repair_order_hand_over
from servicelane.workorders.reception.services import photo_add, repair_order_check_in
from servicelane.workorders.work.services import job_clock_on, job_finish

SECRET_NAME = "Zwetschgenbaum"
SECRET_EMAIL = "geheim.kundin@beijing.example"
SECRET_PHONE = "+8613912345678"
SECRET_PLATE = "京A·SECRET"


@pytest.fixture
def other_world(beijing, advisor_bj):
    """The Beijing workshop's records that Freiburg must never reach."""
    customer = CustomerFactory(
        workshop=beijing,
        last_name=SECRET_NAME,
        first_name="Lin",
        email=SECRET_EMAIL,
        phone=SECRET_PHONE,
        country="CN",
        language="zh-hans",
    )
    vehicle = vehicle_of(customer, plate=SECRET_PLATE)
    vehicle_record_mileage(
        actor=advisor_bj, vehicle=vehicle, km=12000, read_on=datetime.date(2025, 5, 1)
    )
    services = build_capacity(beijing, "beijing")
    plan = booking_plan(beijing, [services["oil-service"].pk])
    today = datetime.date.today()
    slot = free_slots(
        workshop=beijing, plan=plan, date_from=today, date_to=today + datetime.timedelta(days=7)
    )[0]
    appointment = appointment_book(
        actor=advisor_bj,
        workshop=beijing,
        channel=Channel.PHONE,
        service_type_ids=[services["oil-service"].pk],
        starts_at=slot.starts_at,
        customer=customer,
        vehicle=vehicle,
    )
    return {
        **beijing_repair_orders(beijing, advisor_bj, customer, vehicle),
        "customer": customer,
        "vehicle": vehicle,
        "user": advisor_bj,
        "appointment": appointment,
        "lane": appointment.lane,
        "service_type": services["oil-service"],
        "closure": Closure.objects.create(
            workshop=beijing, date=today + datetime.timedelta(days=30), reason="盘点"
        ),
        "token": api_token_issue(user=advisor_bj, name="北京 DMS")[0],
    }


def beijing_repair_orders(beijing, advisor_bj, customer, vehicle) -> dict[str, Any]:
    """An order invoiced and paid, and one still open with a draft line and a photo."""
    ensure_catalogue(beijing.network)
    tech = technician_of(beijing, level=4, email="tech@beijing.test")
    foreman = member(beijing, WorkshopRole.FOREMAN, email="foreman@beijing.test")
    done = repair_order_check_in(
        actor=advisor_bj, workshop=beijing, customer=customer, vehicle=vehicle, mileage=13000
    )
    job_add(actor=advisor_bj, repair_order=done, title="刹车", operation_codes=["BRAKES-FRONT"])
    estimate = estimate_send(actor=advisor_bj, repair_order=done)
    estimate_answer(
        estimate=estimate,
        decisions={j.pk: True for j in estimate.jobs.all()},
        signed_name="林女士",
        ip="192.0.2.1",
    )
    for job in done.jobs.all():
        job_clock_on(actor=tech, job=job)
        job_finish(actor=tech, job=job)
    pass_qc(done, tech, foreman, advisor_bj)
    invoice = invoice_issue(actor=advisor_bj, repair_order=done)
    cashier = member(beijing, WorkshopRole.CASHIER, email="cashier@beijing.test")
    payment_record(actor=cashier, invoice=invoice, method="card", amount="10.00")
    # Delivered: the service book gets its entries, the owner a survey.
    repair_order_hand_over(
        actor=advisor_bj,
        repair_order=done,
        signed_name="林女士",
        mileage_out=13001,
        answers=handover_answers(beijing),
    )
    open_order = repair_order_check_in(
        actor=advisor_bj,
        workshop=beijing,
        customer=customer,
        vehicle=vehicle,
        mileage=13100,
        concerns="异响",
    )
    job = open_order.jobs.get()
    job_line_add(
        actor=advisor_bj, job=job, kind="part", description="刹车片", quantity=1, unit_price=300
    )
    parts = beijing_parts(beijing, advisor_bj, job)
    line = parts.pop("line")
    import io

    from django.core.files.uploadedfile import SimpleUploadedFile
    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", (40, 30), "red").save(buffer, "PNG")
    photo = photo_add(
        actor=advisor_bj,
        repair_order=open_order,
        upload=SimpleUploadedFile("p.png", buffer.getvalue(), "image/png"),
        caption="前保险杠",
    )
    entry = ServiceEntry.objects.get(repair_order_ref=done.pk, kind="repair")
    # A new mileage in a correction waits in the network staff's review queue.
    review = service_entry_correct(
        actor=advisor_bj,
        entry=entry,
        reason="里程输错",
        performed_on=entry.performed_on,
        mileage=entry.mileage + 9,
        description=entry.description,
        confirm_lower_mileage=True,  # the open order's reception read 13,100 km that day
    )
    return {
        "repair_order": open_order,
        "done_order": done,
        "entry": entry,
        "review": review,
        "survey": Survey.objects.get(repair_order_ref=done.pk),
        "job": job,
        "line": line,
        "photo": photo,
        "estimate": estimate,
        "invoice": invoice,
        **parts,
    }


def beijing_parts(beijing, advisor_bj, job) -> dict[str, Any]:
    """A catalogue part line reserved and ordered from a centre, and a stock count."""
    part = catalogue_part(
        beijing.network, "11427953129", "Oil filter element", prices={"CN": ("CNY", "132.00")}
    )
    centre = make_centre(beijing.network, "beijing", "Beijing", ["BJ"])
    connect(beijing, centre, "6", "3")
    CentreStock.objects.create(centre=centre, part=part, on_hand=10)
    clerk = member(beijing, WorkshopRole.PARTS_CLERK, email="clerk@beijing.test")
    line = job_line_add(actor=advisor_bj, job=job, kind="part", code=part.number)
    store_services.part_reserve(actor=clerk, job_line=line)
    order = part_order_place(
        actor=clerk,
        workshop=beijing,
        kind="urgent",
        lines=[{"number": part.number, "quantity": 1}],
        repair_order=job.repair_order,
    )
    count = store_services.stock_count_record(actor=clerk, workshop=beijing, counts=[(part, 0)])
    return {
        "line": line,
        "part_order": order,
        "centre": centre,
        "count": count,
        **beijing_floor(beijing, clerk),
    }


def beijing_floor(beijing, someone) -> dict[str, Any]:
    """The control centre's records: a bay, a tool, an absence, a planning run."""
    technician = member(beijing, WorkshopRole.TECHNICIAN, email="floor-tech@beijing.test")
    bay = Bay.objects.create(workshop=beijing, code="B1", name="举升工位 1", equipment=["lift"])
    tool = SpecialTool.objects.create(
        workshop=beijing, number="ICOM-NEXT", name="诊断接口", storage_place="D-01"
    )
    now = timezone.now()
    absence = Absence.objects.create(
        workshop=beijing,
        technician=technician,
        starts_at=now + datetime.timedelta(days=2),
        ends_at=now + datetime.timedelta(days=3),
    )
    run = PlanningRun.objects.create(
        workshop=beijing, date=now.date(), status=PlanningStatus.DONE, requested_by=someone
    )
    return {"bay": bay, "tool": tool, "absence": absence, "run": run, "technician": technician}


def route_values(world: dict[str, Any]) -> dict[str, Any]:
    """Values for every URL parameter name, taken from the other workshop."""
    return {
        "customer_id": world["customer"].pk,
        "vin": world["vehicle"].vin,
        "appointment_id": world["appointment"].pk,
        "workshop_id": world["appointment"].workshop_id,
        "lane_id": world["lane"].pk,
        "service_type_id": world["service_type"].pk,
        "closure_id": world["closure"].pk,
        "pk": world["repair_order"].pk,
        "repair_order_id": world["repair_order"].pk,
        "ro_pk": world["done_order"].pk,
        "job_id": world["job"].pk,
        "line_id": world["line"].pk,
        "photo_id": world["photo"].pk,
        "seq": world["estimate"].sequence,
        "sequence": world["estimate"].sequence,
        "level": 1,
        "invoice_id": world["invoice"].pk,
        "entry_id": world["entry"].pk,
        "review_id": world["review"].pk,
        # the network's parts catalogue is read by every workshop; any number will do
        "number": "11427953129",
        "code": world["centre"].code,
        "count_id": world["count"].pk,
        "order_number": world["part_order"].number,
        "bay_id": world["bay"].pk,
        "tool_id": world["tool"].pk,
        "absence_id": world["absence"].pk,
        "run_id": world["run"].pk,
        "technician_id": world["technician"].pk,
        "token_id": world["token"].pk,
        # Django admin routes
        "object_id": world["customer"].pk,
        "content_type_id": ContentType.objects.get_for_model(Customer).pk,
        "app_label": "customers",
        "id": world["user"].pk,
        # password reset confirmation
        "uidb64": "MQ",
        "token": "set-password",
    }


def ui_routes() -> list[tuple[str, list[str]]]:
    """(namespaced name, parameter names) of every named URL pattern outside the API."""
    found: list[tuple[str, list[str]]] = []

    def walk(patterns: list[Any], namespace: str | None) -> None:
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                ns = pattern.namespace
                if ns == "api":
                    continue  # checked operation by operation below
                walk(
                    pattern.url_patterns,
                    f"{namespace}:{ns}" if namespace and ns else ns or namespace,
                )
            elif isinstance(pattern, URLPattern):
                if pattern.name is None:
                    # Only the admin's catch-all has no name; it answers like the admin index.
                    assert namespace == "admin", (
                        f"unnamed route {pattern.pattern} cannot be checked"
                    )
                    continue
                name = f"{namespace}:{pattern.name}" if namespace else pattern.name
                params = list(pattern.pattern.regex.groupindex)
                found.append((name, params))

    walk(get_resolver().url_patterns, None)
    return found
