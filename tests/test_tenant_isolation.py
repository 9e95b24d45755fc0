"""A user of one workshop can neither read nor change another workshop's records.

The routes are not listed by hand: every URL pattern of the site and every
operation of the API's OpenAPI schema is visited, so a route added later is
checked too. A route whose parameters this module cannot fill fails the test,
asking for a value — it never slips through unchecked.
"""

import datetime
import json
import re
from typing import Any

import pytest
from django.contrib.contenttypes.models import ContentType
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone

from servicelane.api import api
from servicelane.appointments.choices import Channel
from servicelane.appointments.models import Appointment, Closure, Lane, OpeningHours, ServiceType
from servicelane.appointments.selectors import booking_plan, free_slots
from servicelane.appointments.services import appointment_book
from servicelane.billing.models import Invoice, Payment
from servicelane.billing.services import invoice_issue, payment_record
from servicelane.control.choices import PlanningStatus
from servicelane.control.models import Absence, Bay, PlanningRun, Shift
from servicelane.core.auth import api_token_issue
from servicelane.core.choices import NetworkRole, WorkshopRole
from servicelane.core.models import ApiToken
from servicelane.core.tests.factories import NetworkFactory
from servicelane.customers.models import Customer
from servicelane.customers.tests.factories import CustomerFactory
from servicelane.demo.bookings import build_capacity
from servicelane.followup.models import Reminder, Survey
from servicelane.parts.tests.factories import catalogue_part
from servicelane.servicebook.models import EntryReview, ServiceEntry
from servicelane.servicebook.services import service_entry_correct
from servicelane.store import services as store_services
from servicelane.store.models import Reservation, StockCount, StockItem, StockMovement
from servicelane.supply.models import CentreStock, PartOrder, PartOrderLine
from servicelane.supply.services import part_order_place
from servicelane.testing.centres import connect, make_centre
from servicelane.testing.clients import bearer_client
from servicelane.testing.personas import member, network_staff, technician_of
from servicelane.testing.scenarios import handover_answers, pass_qc
from servicelane.tools.models import SpecialTool
from servicelane.vehicles.models import MileageReading, Ownership, Vehicle
from servicelane.vehicles.services import vehicle_record_mileage
from servicelane.vehicles.tests.factories import vehicle_of
from servicelane.workorders import services as ro_services
from servicelane.workorders.catalogue import ensure_catalogue
from servicelane.workorders.models import (
    ClockEntry,
    Estimate,
    Job,
    JobLine,
    Photo,
    QualityCheck,
    RepairOrder,
)

SECRET_NAME = "Zwetschgenbaum"
SECRET_EMAIL = "geheim.kundin@beijing.example"
SECRET_PHONE = "+8613912345678"
SECRET_PLATE = "京A·SECRET"

# A body that every write endpoint would accept if it let the request through.
PAYLOAD = {
    "last_name": "Overwritten",
    "first_name": "Eve",
    "kind": "person",
    "email": "eve@example.org",
    "phone": "+4976199999",
    "plate": "HACKED 1",
    "km": 1,
    "read_on": datetime.date.today().isoformat(),
    "source": "manual",
    "teleservice": True,
    "language": "en",
    "consent_marketing": True,
}


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
    done = ro_services.repair_order_check_in(
        actor=advisor_bj, workshop=beijing, customer=customer, vehicle=vehicle, mileage=13000
    )
    ro_services.job_add(
        actor=advisor_bj, repair_order=done, title="刹车", operation_codes=["BRAKES-FRONT"]
    )
    estimate = ro_services.estimate_send(actor=advisor_bj, repair_order=done)
    ro_services.estimate_answer(
        estimate=estimate,
        decisions={j.pk: True for j in estimate.jobs.all()},
        signed_name="林女士",
        ip="192.0.2.1",
    )
    for job in done.jobs.all():
        ro_services.job_clock_on(actor=tech, job=job)
        ro_services.job_finish(actor=tech, job=job)
    pass_qc(done, tech, foreman, advisor_bj)
    invoice = invoice_issue(actor=advisor_bj, repair_order=done)
    cashier = member(beijing, WorkshopRole.CASHIER, email="cashier@beijing.test")
    payment_record(actor=cashier, invoice=invoice, method="card", amount="10.00")
    # Delivered: the service book gets its entries, the owner a survey.
    ro_services.repair_order_hand_over(
        actor=advisor_bj,
        repair_order=done,
        signed_name="林女士",
        mileage_out=13001,
        answers=handover_answers(beijing),
    )
    open_order = ro_services.repair_order_check_in(
        actor=advisor_bj,
        workshop=beijing,
        customer=customer,
        vehicle=vehicle,
        mileage=13100,
        concerns="异响",
    )
    job = open_order.jobs.get()
    ro_services.job_line_add(
        actor=advisor_bj, job=job, kind="part", description="刹车片", quantity=1, unit_price=300
    )
    parts = beijing_parts(beijing, advisor_bj, job)
    line = parts.pop("line")
    import io

    from django.core.files.uploadedfile import SimpleUploadedFile
    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", (40, 30), "red").save(buffer, "PNG")
    photo = ro_services.photo_add(
        actor=advisor_bj,
        repair_order=open_order,
        upload=SimpleUploadedFile("p.png", buffer.getvalue(), "image/png"),
        caption="前保险杠",
    )
    entry = ServiceEntry.objects.get(repair_order=done, kind="repair")
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
        "survey": Survey.objects.get(repair_order=done),
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
    line = ro_services.job_line_add(actor=advisor_bj, job=job, kind="part", code=part.number)
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


# Where one parameter name means another record in one part of the site.
NAMESPACE_VALUES = {"billing": lambda world: {"pk": world["invoice"].pk}}


# Read by every workshop of the network by design (the service book, the catalogue); the
# checks above still make sure they show nothing of the other workshop's customers.
NETWORK_WIDE = {
    "/api/v1/service-book/{vin}",
    "/api/v1/service-book/{vin}/due",
    "/api/v1/service-book/entries/{entry_id}",
    # the network's parts catalogue
    "/api/v1/parts/{number}",
}


def values_for(name: str, world: dict[str, Any]) -> dict[str, Any]:
    namespace = name.split(":")[0]
    extra = NAMESPACE_VALUES.get(namespace)
    return {**route_values(world), **(extra(world) if extra else {})}


def snapshot(world: dict[str, Any]) -> Any:
    """Everything of the other workshop that a leak could change."""
    customer, vehicle = world["customer"], world["vehicle"]
    return (
        list(Customer.objects.filter(workshop_id=customer.workshop_id).values()),
        list(Vehicle.objects.filter(pk=vehicle.pk).values()),
        list(MileageReading.objects.filter(vehicle=vehicle).values()),
        list(Ownership.objects.filter(workshop_id=customer.workshop_id).values()),
        list(Appointment.objects.filter(workshop_id=customer.workshop_id).values()),
        list(Lane.objects.filter(workshop_id=customer.workshop_id).values()),
        list(ServiceType.objects.filter(workshop_id=customer.workshop_id).values()),
        list(Closure.objects.filter(workshop_id=customer.workshop_id).values()),
        list(OpeningHours.objects.filter(workshop_id=customer.workshop_id).values()),
        list(RepairOrder.objects.filter(workshop_id=customer.workshop_id).values()),
        list(Job.objects.filter(repair_order__workshop_id=customer.workshop_id).values()),
        list(JobLine.objects.filter(job__repair_order__workshop_id=customer.workshop_id).values()),
        list(Photo.objects.filter(repair_order__workshop_id=customer.workshop_id).values()),
        list(Estimate.objects.filter(repair_order__workshop_id=customer.workshop_id).values()),
        list(
            ClockEntry.objects.filter(job__repair_order__workshop_id=customer.workshop_id).values()
        ),
        list(QualityCheck.objects.filter(repair_order__workshop_id=customer.workshop_id).values()),
        list(Invoice.objects.filter(workshop_id=customer.workshop_id).values()),
        list(Payment.objects.filter(invoice__workshop_id=customer.workshop_id).values()),
        list(ServiceEntry.objects.filter(workshop_id=customer.workshop_id).values()),
        list(EntryReview.objects.filter(workshop_id=customer.workshop_id).values()),
        list(Survey.objects.filter(workshop_id=customer.workshop_id).values()),
        list(Reminder.objects.filter(workshop_id=customer.workshop_id).values()),
        list(StockItem.objects.filter(workshop_id=customer.workshop_id).values()),
        list(StockMovement.objects.filter(workshop_id=customer.workshop_id).values()),
        list(Reservation.objects.filter(workshop_id=customer.workshop_id).values()),
        list(StockCount.objects.filter(workshop_id=customer.workshop_id).values()),
        list(PartOrder.objects.filter(workshop_id=customer.workshop_id).values()),
        list(PartOrderLine.objects.filter(order__workshop_id=customer.workshop_id).values()),
        list(CentreStock.objects.filter(centre__network__workshops=customer.workshop_id).values()),
        list(Bay.objects.filter(workshop_id=customer.workshop_id).values()),
        list(SpecialTool.objects.filter(workshop_id=customer.workshop_id).values()),
        list(Absence.objects.filter(workshop_id=customer.workshop_id).values()),
        list(Shift.objects.filter(workshop_id=customer.workshop_id).values()),
        list(PlanningRun.objects.filter(workshop_id=customer.workshop_id).values()),
        list(
            ApiToken.objects.filter(user__memberships__workshop_id=customer.workshop_id)
            .distinct()
            .order_by("pk")
            .values()
        ),
    )


def leaked(content: bytes) -> list[str]:
    text = content.decode("utf-8", errors="replace")
    secrets = (SECRET_NAME, SECRET_EMAIL, SECRET_PHONE, SECRET_PLATE)
    # Beijing's booking references start with its code; Freiburg never shows one.
    references = re.findall(r"BJ-\d{4}-\d{4}|BJ-R\d{2}-\d{5}", text)
    return [s for s in secrets if s in text] + references


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


def api_operations() -> list[tuple[str, str]]:
    schema = api.get_openapi_schema(path_prefix="/api/v1")
    return [
        (method.upper(), path)
        for path, operations in schema["paths"].items()
        for method in operations
    ]


def outsiders(freiburg) -> list[Any]:
    """Every role of the other workshop at once, and staff of another network."""
    everyone = member(freiburg, *WorkshopRole.values, email="all-roles@freiburg.test")
    foreign_admin = network_staff(
        NetworkFactory(), NetworkRole.NETWORK_ADMIN, email="admin@other-network.test"
    )
    return [everyone, foreign_admin]


def refused(response: Any) -> bool:
    if response.status_code in (401, 403, 404, 405):
        return True
    if response.status_code == 302:
        location = response["Location"]
        return "/login/" in location
    return False


@pytest.mark.django_db
def test_ui_routes_hide_and_protect_other_workshops_records(freiburg, other_world):
    routes = ui_routes()
    assert any(name == "customers:detail" for name, _ in routes)  # the walk found our routes
    for user in outsiders(freiburg):
        client = Client()
        client.force_login(user)
        for name, params in routes:
            values = values_for(name, other_world)
            missing = [p for p in params if p not in values]
            assert not missing, f"add a value for {missing} to route_values() for {name}"
            url = reverse(name, kwargs={p: values[p] for p in params})
            before = snapshot(other_world)

            response = client.get(url)
            assert response.status_code < 500, f"GET {url} crashed"
            if not refused(response):
                assert not leaked(response.content), f"GET {url} shows {leaked(response.content)}"

            response = client.post(url, PAYLOAD)
            assert response.status_code < 500, f"POST {url} crashed"
            assert snapshot(other_world) == before, f"POST {url} changed the other workshop's data"


@pytest.mark.django_db
def test_api_operations_hide_and_protect_other_workshops_records(freiburg, other_world):
    values = route_values(other_world)
    operations = api_operations()
    assert ("PATCH", "/api/v1/customers/{customer_id}") in operations
    for user in outsiders(freiburg):
        client = bearer_client(user)
        for method, path in operations:
            params = [part[1:-1] for part in path.split("/") if part.startswith("{")]
            missing = [p for p in params if p not in values]
            assert not missing, f"add a value for {missing} to route_values() for {path}"
            url = path.format(**{p: values[p] for p in params})
            before = snapshot(other_world)
            response = client.generic(
                method, url, json.dumps(PAYLOAD), content_type="application/json"
            )
            assert response.status_code < 500, f"{method} {url} crashed"
            if response.status_code < 400 and method == "GET":
                assert not leaked(response.content), (
                    f"{method} {url} shows {leaked(response.content)}"
                )
            if method == "GET" and params and path in NETWORK_WIDE:
                # Every workshop of the network reads the service book; others do not.
                same_network = user.memberships.exists()
                assert response.status_code == (200 if same_network else 404), (
                    f"{method} {url} answered {response.status_code}"
                )
            elif method == "GET" and params:
                assert response.status_code == 404, (
                    f"{method} {url} answered {response.status_code}"
                )
            assert snapshot(other_world) == before, (
                f"{method} {url} changed the other workshop's data"
            )


@pytest.mark.django_db
def test_list_endpoints_with_search_for_other_workshops_data_find_nothing(freiburg, other_world):
    user = outsiders(freiburg)[0]
    client = bearer_client(user)
    for term in (SECRET_NAME, SECRET_PHONE[-8:], other_world["vehicle"].vin, "SECRET"):
        for path in ("/api/v1/customers", "/api/v1/vehicles"):
            response = client.get(path, {"q": term})
            assert response.status_code == 200
            assert response.json()["count"] == 0, f"{path}?q={term} found the other workshop's data"


@pytest.mark.django_db
def test_registering_a_vin_known_elsewhere_links_the_car_without_revealing_its_owner(
    freiburg, other_world
):
    advisor = member(freiburg, WorkshopRole.ADVISOR, email="second@freiburg.test")
    client = bearer_client(advisor)
    vin = other_world["vehicle"].vin
    before = snapshot(other_world)

    response = client.post(
        "/api/v1/vehicles", {"vin": vin, "plate": "FR-XY 1"}, content_type="application/json"
    )

    assert response.status_code == 200  # the same car, linked, not a duplicate
    body = response.json()
    assert body["vin"] == vin
    assert body["plate"] == SECRET_PLATE  # registering fills gaps, never overwrites
    assert body["current_owners"] == []  # Beijing's customer stays Beijing's
    assert not leaked(
        json.dumps(body, ensure_ascii=False).encode().replace(SECRET_PLATE.encode(), b"")
    )
    assert snapshot(other_world) == before
    mileage = client.get(f"/api/v1/vehicles/{vin}/mileage").json()
    assert [r["km"] for r in mileage] == [13100, 13001, 13000, 12000]  # spans workshops


@pytest.mark.django_db
def test_network_staff_see_every_workshop_of_their_network(freiburg, other_world, network):
    support = network_staff(network, NetworkRole.NETWORK_SUPPORT)
    client = bearer_client(support)

    customer = client.get(f"/api/v1/customers/{other_world['customer'].pk}")
    patch = client.patch(
        f"/api/v1/customers/{other_world['customer'].pk}",
        {"last_name": "Changed"},
        content_type="application/json",
    )

    assert customer.status_code == 200
    assert customer.json()["last_name"] == SECRET_NAME
    assert patch.status_code == 403  # support reads, the workshop writes
