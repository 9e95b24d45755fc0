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
from django.test import Client
from django.urls import reverse

from servicelane.api import api
from servicelane.appointments.models import Appointment, Closure, Lane, OpeningHours, ServiceType
from servicelane.billing.models import Invoice, Payment
from servicelane.control.models import Absence, Bay, PlanningRun, Shift
from servicelane.core.choices import NetworkRole, WorkshopRole
from servicelane.core.models import ApiToken
from servicelane.core.tests.factories import NetworkFactory
from servicelane.customers.models import Customer
from servicelane.followup.models import Reminder, Survey
from servicelane.servicebook.models import EntryReview, ServiceEntry
from servicelane.store.models import Reservation, StockCount, StockItem, StockMovement
from servicelane.supply.models import CentreStock, PartOrder, PartOrderLine
from servicelane.testing.clients import bearer_client
from servicelane.testing.personas import member, network_staff
from servicelane.testing.world import (
    SECRET_EMAIL,
    SECRET_NAME,
    SECRET_PHONE,
    SECRET_PLATE,
    route_values,
    ui_routes,
)
from servicelane.tools.models import SpecialTool
from servicelane.vehicles.models import MileageReading, Ownership, Vehicle
from servicelane.workorders.models import (
    ClockEntry,
    Estimate,
    Job,
    JobLine,
    Photo,
    QualityCheck,
    RepairOrder,
)

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
