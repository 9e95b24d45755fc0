import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from servicelane.customers.models import Customer
from servicelane.customers.tests.factories import CustomerFactory
from servicelane.testing.clients import bearer_client
from servicelane.testing.personas import network_staff
from servicelane.testing.refusals import assert_refused
from servicelane.vehicles.models import Ownership
from servicelane.vehicles.tests.factories import vehicle_of


@pytest.mark.django_db
def test_create_returns_201_with_the_normalised_customer(api):
    response = api.post(
        "/api/v1/customers",
        {"first_name": "Anna", "last_name": "Huber", "phone": "0761 1234567", "email": "A@X.DE"},
        content_type="application/json",
    )

    assert response.status_code == 201
    body = response.json()
    assert body["phone"] == "+497611234567"
    assert body["email"] == "a@x.de"
    assert body["workshop"] == "FR"
    assert Customer.objects.get(pk=body["id"]).last_name == "Huber"


@pytest.mark.django_db
def test_bad_input_is_400_with_errors_per_field_and_changes_nothing(api):
    response = api.post(
        "/api/v1/customers",
        {"last_name": "Huber", "phone": "abc", "email": "nope", "kind": "alien"},
        content_type="application/json",
    )

    assert response.status_code == 400
    assert "kind" in response.json()["errors"]
    response = api.post(
        "/api/v1/customers",
        {"last_name": "Huber", "phone": "abc", "email": "nope"},
        content_type="application/json",
    )
    assert response.status_code == 400
    body = response.json()
    assert body["detail"]
    assert set(body["errors"]) == {"phone", "email"}
    assert not Customer.objects.exists()


@pytest.mark.django_db
def test_malformed_json_is_a_400_not_a_500(api):
    response = api.post("/api/v1/customers", "{not json", content_type="application/json")

    assert response.status_code == 400
    assert "detail" in response.json()


@pytest.mark.django_db
def test_patch_changes_only_the_fields_given(api, freiburg):
    customer = CustomerFactory(workshop=freiburg, city="Freiburg", email="old@x.de")

    response = api.patch(
        f"/api/v1/customers/{customer.pk}", {"city": "Kirchzarten"}, content_type="application/json"
    )

    assert response.status_code == 200
    customer.refresh_from_db()
    assert customer.city == "Kirchzarten"
    assert customer.email == "old@x.de"


@pytest.mark.django_db
def test_search_finds_a_customer_by_phone_in_any_format_plate_and_vin(api, freiburg):
    customer = CustomerFactory(workshop=freiburg, last_name="Huber", phone="+497611234567")
    vehicle = vehicle_of(customer, plate="FR-AB 123")
    CustomerFactory.create_batch(3, workshop=freiburg)

    for term in ("0761 1234567", "fr ab 123", vehicle.vin, "hub"):
        items = api.get("/api/v1/customers", {"q": term}).json()["items"]
        assert [c["id"] for c in items] == [customer.pk], term


@pytest.mark.django_db
def test_the_list_is_paginated(api, freiburg):
    CustomerFactory.create_batch(7, workshop=freiburg)

    page = api.get("/api/v1/customers", {"page": 2, "page_size": 5}).json()

    assert page["count"] == 7
    assert len(page["items"]) == 2


@pytest.mark.django_db
def test_an_unknown_filter_value_is_a_400(api):
    response = api.get("/api/v1/customers", {"kind": "alien"})

    assert response.status_code == 400
    assert "kind" in response.json()["errors"]


@pytest.mark.django_db
def test_a_technician_gets_403_on_customer_data(technician, freiburg):

    customer = CustomerFactory(workshop=freiburg)
    client = bearer_client(technician)

    assert client.get(f"/api/v1/customers/{customer.pk}").status_code == 404
    response = client.post("/api/v1/customers", {"last_name": "X"}, content_type="application/json")
    assert_refused(response, 403, "Your role does not allow this.")


@pytest.mark.django_db
def test_the_list_costs_the_same_queries_for_5_or_25_customers(api, freiburg):
    def queries_for(count: int) -> int:
        Ownership.objects.all().delete()
        Customer.objects.all().delete()
        for customer in CustomerFactory.create_batch(count, workshop=freiburg):
            vehicle_of(customer)
        api.get("/api/v1/me")  # the token's last use is stamped once a minute; not measured
        with CaptureQueriesContext(connection) as ctx:
            assert api.get("/api/v1/customers", {"page_size": 50}).status_code == 200
        return len(ctx.captured_queries)

    assert queries_for(5) == queries_for(25) <= 8


@pytest.mark.django_db
def test_network_staff_filter_customers_by_workshop(network, freiburg, beijing):

    CustomerFactory(workshop=freiburg, last_name="Huber")
    CustomerFactory(workshop=beijing, last_name="Wang")
    client = bearer_client(network_staff(network))

    everyone = client.get("/api/v1/customers").json()
    beijing_only = client.get("/api/v1/customers", {"workshop": "bj"}).json()

    assert everyone["count"] == 2
    assert [c["last_name"] for c in beijing_only["items"]] == ["Wang"]
