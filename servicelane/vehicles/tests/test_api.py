import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from servicelane.customers.tests.factories import CustomerFactory
from servicelane.vehicles.models import MileageReading, Vehicle
from servicelane.vehicles.tests.factories import VehicleTypeFactory, vehicle_of

VIN = "WBA3A5C51CF256985"


@pytest.mark.django_db
def test_create_a_vehicle_with_owner_and_type(api, freiburg):
    owner = CustomerFactory(workshop=freiburg)
    vehicle_type = VehicleTypeFactory(network=freiburg.network)

    response = api.post(
        "/api/v1/vehicles",
        {
            "vin": VIN,
            "plate": "FR-AB 1",
            "vehicle_type_id": vehicle_type.pk,
            "owner_id": owner.pk,
            "first_registration": "2021-04-01",
            "km": 35000,
        },
        content_type="application/json",
    )

    assert response.status_code == 201
    body = response.json()
    assert body["vin"] == VIN
    assert body["vehicle_type"]["model_code"] == vehicle_type.model_code
    assert body["current_owners"][0]["customer_id"] == owner.pk
    assert body["vin_check_digit_ok"] is False  # a European filler: accepted, marked


@pytest.mark.django_db
def test_a_vin_with_a_wrong_check_digit_is_a_400_on_the_vin_field(api):
    response = api.post(
        "/api/v1/vehicles", {"vin": "1HGCM82643A004352"}, content_type="application/json"
    )

    assert response.status_code == 400
    assert "check digit" in response.json()["errors"]["vin"][0]
    assert not Vehicle.objects.exists()


@pytest.mark.django_db
def test_an_unknown_vehicle_type_or_owner_is_refused(api, beijing):
    foreign_customer = CustomerFactory(workshop=beijing)

    unknown_type = api.post(
        "/api/v1/vehicles", {"vin": VIN, "vehicle_type_id": 999}, content_type="application/json"
    )
    foreign_owner = api.post(
        "/api/v1/vehicles",
        {"vin": VIN, "owner_id": foreign_customer.pk},
        content_type="application/json",
    )

    assert unknown_type.status_code == 400
    assert "vehicle_type_id" in unknown_type.json()["errors"]
    assert foreign_owner.status_code == 404
    assert not Vehicle.objects.exists()


@pytest.mark.django_db
def test_a_vehicle_is_read_and_updated_by_its_vin_in_any_case(api, freiburg):
    vehicle = vehicle_of(CustomerFactory(workshop=freiburg), vin=VIN)
    new_owner = CustomerFactory(workshop=freiburg)

    read = api.get(f"/api/v1/vehicles/{VIN.lower()}")
    patched = api.patch(
        f"/api/v1/vehicles/{VIN}",
        {"plate": "FR-ZZ 9", "owner_id": new_owner.pk},
        content_type="application/json",
    )

    assert read.status_code == 200
    assert patched.status_code == 200
    assert patched.json()["plate"] == "FR-ZZ 9"
    assert [o["customer_id"] for o in patched.json()["current_owners"]] == [new_owner.pk]
    vehicle.refresh_from_db()
    assert vehicle.plate == "FR-ZZ 9"


@pytest.mark.django_db
def test_posting_mileage_records_it_and_flags_a_rollback(api, freiburg):
    vehicle_of(CustomerFactory(workshop=freiburg), vin=VIN)
    api.post(
        f"/api/v1/vehicles/{VIN}/mileage",
        {"km": 60000, "read_on": "2025-06-01"},
        content_type="application/json",
    )

    response = api.post(
        f"/api/v1/vehicles/{VIN}/mileage",
        {"km": 59000, "read_on": "2025-07-01", "source": "reception"},
        content_type="application/json",
    )

    assert response.status_code == 201
    assert response.json()["flagged"] is True
    assert response.json()["workshop"] == "FR"
    history = api.get(f"/api/v1/vehicles/{VIN}/mileage").json()
    assert [r["km"] for r in history] == [59000, 60000]


@pytest.mark.django_db
def test_mileage_in_the_future_is_a_400_with_the_reason(api, freiburg):
    vehicle_of(CustomerFactory(workshop=freiburg), vin=VIN)
    tomorrow = (datetime.date.today() + datetime.timedelta(days=2)).isoformat()

    response = api.post(
        f"/api/v1/vehicles/{VIN}/mileage",
        {"km": 1000, "read_on": tomorrow},
        content_type="application/json",
    )

    assert response.status_code == 400
    assert response.json()["errors"]["read_on"] == ["A mileage reading cannot be in the future."]
    assert not MileageReading.objects.exists()


@pytest.mark.django_db
def test_a_malformed_date_is_a_400_not_a_500(api, freiburg):
    vehicle_of(CustomerFactory(workshop=freiburg), vin=VIN)

    response = api.post(
        f"/api/v1/vehicles/{VIN}/mileage",
        {"km": "many", "read_on": "yesterday"},
        content_type="application/json",
    )

    assert response.status_code == 400
    assert {"km", "read_on"} <= set(response.json()["errors"])


@pytest.mark.django_db
def test_the_list_filters_by_plate_and_fuel_type(api, freiburg):
    electric = VehicleTypeFactory(network=freiburg.network, fuel_type="electric")
    vehicle_of(
        CustomerFactory(workshop=freiburg),
        plate="FR-EL 1",
        vehicle_type=electric,
    )
    vehicle_of(CustomerFactory(workshop=freiburg), plate="FR-PE 2")

    by_plate = api.get("/api/v1/vehicles", {"q": "fr el 1"}).json()
    by_fuel = api.get("/api/v1/vehicles", {"fuel_type": "electric"}).json()

    assert [v["plate"] for v in by_plate["items"]] == ["FR-EL 1"]
    assert [v["plate"] for v in by_fuel["items"]] == ["FR-EL 1"]


@pytest.mark.django_db
def test_the_list_costs_the_same_queries_for_5_or_25_vehicles(api, freiburg):
    def queries_for(count: int) -> int:
        for customer in CustomerFactory.create_batch(count, workshop=freiburg):
            vehicle_of(customer, vehicle_type=VehicleTypeFactory(network=freiburg.network))
        api.get("/api/v1/me")
        with CaptureQueriesContext(connection) as ctx:
            assert api.get("/api/v1/vehicles", {"page_size": 100}).status_code == 200
        return len(ctx.captured_queries)

    assert queries_for(5) == queries_for(20)


@pytest.mark.django_db
def test_vehicle_types_are_listed_for_choosing(api, freiburg):
    VehicleTypeFactory(network=freiburg.network, model_code="G20-320i")

    response = api.get("/api/v1/vehicle-types")

    assert [t["model_code"] for t in response.json()] == ["G20-320i"]
