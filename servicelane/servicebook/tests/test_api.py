"""The service book API: the book by VIN, new entries and corrections with the screens'
rules, what falls due, the network's maintenance items."""

import datetime as dt
import json
from typing import cast

import pytest

from servicelane.core.choices import WorkshopRole
from servicelane.core.tests.factories import NetworkFactory
from servicelane.servicebook.catalogue import ensure_type_intervals
from servicelane.servicebook.models import ServiceEntry
from servicelane.servicebook.tests.conftest import OWNER_NAME, PINNED, PLATE, write
from servicelane.testing.clients import bearer_client
from servicelane.testing.personas import member
from servicelane.testing.refusals import assert_refused
from servicelane.vehicles.models import VehicleType
from servicelane.vehicles.tests.factories import VehicleFactory, VehicleTypeFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures(*PINNED)]


def post(client, path, body):
    return client.post(path, json.dumps(body), content_type="application/json")


def entry_body(**values):
    return {
        "kind": "service",
        "performed_on": "2026-11-20",
        "mileage": 61000,
        "items": ["engine_oil", "micro_filter"],
        **values,
    }


# ---------------------------------------------------------------- reading


def test_the_book_lists_both_histories_whoever_wrote_them(api, advisor_bj, history, car):
    for client in (api, bearer_client(advisor_bj)):
        response = client.get(f"/api/v1/service-book/{car.vin.lower()}", HTTP_ACCEPT_LANGUAGE="en")

        assert response.status_code == 200
        body = response.json()
        assert body["vehicle"]["vin"] == car.vin
        assert body["vehicle"]["teleservice"] is True
        assert body["vehicle"]["rollback_suspected"] is False
        assert body["vehicle"]["vehicle_type"]["model_name"] == "320i Sedan"
        assert [e["workshop"]["code"] for e in body["service"]] == ["BJ", "FR"]
        assert [e["description"] for e in body["repair"]] == ["Replaced the water pump"]
        newest = body["service"][0]
        assert newest == {
            "id": history["bj_service"].pk,
            "kind": "service",
            "date": "2026-06-02",
            "mileage": 58000,
            "items": [{"code": "brake_fluid", "name": "Brake fluid"}],
            "description": "",
            "workshop": {"code": "BJ", "name": "北京望京服务中心"},
            "source": "manual",
            "flagged": False,
            "transfer_status": "",
            "corrected_from": None,
            "review_state": "",
        }
        text = response.content.decode()
        assert OWNER_NAME not in text and PLATE not in text


def test_item_names_follow_the_requests_language(api, history, car):
    body = api.get(f"/api/v1/service-book/{car.vin}", HTTP_ACCEPT_LANGUAGE="de").json()

    assert body["service"][1]["items"] == [
        {"code": "engine_oil", "name": "Motoröl"},
        {"code": "vehicle_check", "name": "Fahrzeug-Check"},
    ]


def test_unknown_vins_and_other_networks_cars_are_404(api, items):
    stranger = VehicleFactory(network=NetworkFactory())

    for vin in ("WBA00000000000000", stranger.vin):
        for path in (f"/api/v1/service-book/{vin}", f"/api/v1/service-book/{vin}/due"):
            response = api.get(path)
            assert_refused(response, 404)
        assert post(api, f"/api/v1/service-book/{vin}/entries", entry_body()).status_code == 404


def test_reading_the_book_needs_the_same_queries_however_long_the_history(
    api, advisor, advisor_bj, freiburg, beijing, car, django_assert_max_num_queries
):

    write(advisor, freiburg, car)
    api.get(f"/api/v1/service-book/{car.vin}")
    with django_assert_max_num_queries(20) as few:
        assert api.get(f"/api/v1/service-book/{car.vin}").status_code == 200
    for n in range(10):
        write(advisor_bj, beijing, car, performed_on=dt.date(2026, 2, 1 + n), mileage=50_000 + n)
    with django_assert_max_num_queries(len(few.captured_queries)):
        body = api.get(f"/api/v1/service-book/{car.vin}").json()
    assert len(body["service"]) == 11


# ---------------------------------------------------------------- writing


def test_a_new_entry_is_created(api, car, freiburg):
    response = post(api, f"/api/v1/service-book/{car.vin}/entries", entry_body())

    assert response.status_code == 201
    body = response.json()
    assert body["workshop"] == {"code": "FR", "name": "Autohaus Freiburg"}
    assert [i["code"] for i in body["items"]] == ["engine_oil", "micro_filter"]
    author = ServiceEntry.objects.get(pk=body["id"]).created_by
    assert author is not None
    assert author.email == "advisor@freiburg.test"


def test_a_lower_mileage_is_400_until_confirmed_then_flagged(api, history, car):
    path = f"/api/v1/service-book/{car.vin}/entries"

    refused = post(api, path, entry_body(mileage=40000))
    kept = post(api, path, entry_body(mileage=40000, confirm_lower_mileage=True))

    assert refused.status_code == 400
    assert set(refused.json()["errors"]) == {"mileage", "confirm_lower_mileage"}
    assert kept.status_code == 201
    assert kept.json()["flagged"] is True
    assert api.get(f"/api/v1/service-book/{car.vin}").json()["vehicle"]["rollback_suspected"]


@pytest.mark.parametrize(
    ("values", "field"),
    [
        ({"performed_on": "2026-11-24"}, "performed_on"),
        ({"items": ["engine_oil", "flux_capacitor"]}, "items"),
        ({"kind": "repair", "description": "Clutch", "transfer_to_car": True}, "transfer_to_car"),
        ({"kind": "repair", "items": [], "description": ""}, "description"),
        ({"kind": "diary"}, "kind"),
        ({"mileage": "lots"}, "mileage"),
        ({"performed_on": "yesterday"}, "performed_on"),
    ],
)
def test_bad_entries_are_400_with_the_field(api, car, values, field):
    response = post(api, f"/api/v1/service-book/{car.vin}/entries", entry_body(**values))

    assert response.status_code == 400
    assert field in response.json()["errors"], response.json()
    assert not ServiceEntry.objects.exists()


def test_no_transfer_for_a_car_without_teleservice(api, plain_car):
    response = post(
        api, f"/api/v1/service-book/{plain_car.vin}/entries", entry_body(transfer_to_car=True)
    )

    assert response.status_code == 400
    assert "diagnosis tester" in response.json()["errors"]["transfer_to_car"][0]


def test_readers_may_not_write(freiburg, car):
    clerk = member(freiburg, WorkshopRole.PARTS_CLERK, email="parts@freiburg.test")

    response = post(bearer_client(clerk), f"/api/v1/service-book/{car.vin}/entries", entry_body())

    assert response.status_code == 403
    assert not ServiceEntry.objects.exists()


# ---------------------------------------------------------------- corrections


def test_the_author_corrects_and_another_workshop_gets_403(api, advisor_bj, history, car):
    original = history["fr_service"]
    path = f"/api/v1/service-book/entries/{original.pk}/correction"
    body = {
        "reason": "Vehicle check was not done",
        "performed_on": "2025-11-20",
        "mileage": 45000,
        "items": ["engine_oil"],
    }

    forbidden = post(bearer_client(advisor_bj), path, body)
    corrected = post(api, path, body)
    again = post(api, path, body)

    assert forbidden.status_code == 403
    assert corrected.status_code == 201
    assert corrected.json()["corrected_from"] == original.pk
    assert [i["code"] for i in corrected.json()["items"]] == ["engine_oil"]
    assert again.status_code == 400  # the original is no longer the current version
    book = api.get(f"/api/v1/service-book/{car.vin}").json()
    assert [e["id"] for e in book["service"]] == [
        history["bj_service"].pk,
        corrected.json()["id"],
    ]
    assert ServiceEntry.objects.filter(pk=original.pk, items=["engine_oil", "vehicle_check"])


def test_a_correction_needs_a_reason_and_unknown_entries_are_404(api, history):
    original = history["fr_service"]
    body = {"reason": "", "performed_on": "2025-11-20", "mileage": 46000, "items": ["engine_oil"]}

    missing_reason = post(api, f"/api/v1/service-book/entries/{original.pk}/correction", body)
    unknown = post(api, "/api/v1/service-book/entries/999999/correction", body)

    assert missing_reason.status_code == 400
    assert "reason" in missing_reason.json()["errors"]
    assert unknown.status_code == 404


# ---------------------------------------------------------------- due items and catalogue


def test_due_items_with_their_basis(api, history, car):
    response = api.get(f"/api/v1/service-book/{car.vin}/due")

    assert response.status_code == 200
    body = response.json()
    assert body["vin"] == car.vin
    assert body["km_per_day"] > 0
    by_code = {item["code"]: item for item in body["items"]}
    oil = by_code["engine_oil"]
    assert oil["name"] == "Engine oil"
    assert oil["basis"] == "last_service"
    assert oil["last_service"] == {"date": "2025-11-20", "km": 45000}
    assert oil["due_date"] == "2026-11-20"
    assert oil["due_km"] == 60000
    assert oil["status"] in {"ok", "due_soon", "overdue"}
    assert by_code["spark_plugs"]["basis"] == "first_registration"
    assert by_code["spark_plugs"]["last_service"] is None
    expected = [item["expected_on"] for item in body["items"]]
    assert expected == sorted(expected)


def test_the_networks_maintenance_items_with_intervals(api, items):

    electric = cast(
        VehicleType,
        VehicleTypeFactory(network=items, model_code="i4-e", fuel_type="electric"),
    )
    ensure_type_intervals(electric)

    response = api.get("/api/v1/maintenance-items")

    assert response.status_code == 200
    by_code = {item["code"]: item for item in response.json()}
    assert by_code["engine_oil"]["interval_months"] == 12
    assert by_code["engine_oil"]["interval_km"] == 15000
    assert by_code["engine_oil"]["name_de"] == "Motoröl"
    assert by_code["engine_oil"]["vehicle_types"] == [
        {
            "vehicle_type_id": electric.pk,
            "model_code": "i4-e",
            "applies": False,
            "interval_months": 12,
            "interval_km": 15000,
        }
    ]
    assert by_code["front_brakes"]["vehicle_types"][0]["interval_km"] == 80000
    assert by_code["vehicle_check"]["vehicle_types"] == []


# ---------------------------------------------------------------- the vehicle API


def test_the_warranty_is_read_and_written_through_the_vehicle_api(api, car):
    path = f"/api/v1/vehicles/{car.vin}"

    refused = api.patch(
        path, json.dumps({"warranty_until": "2021-12-31"}), content_type="application/json"
    )
    saved = api.patch(
        path, json.dumps({"warranty_until": "2027-02-28"}), content_type="application/json"
    )

    assert refused.status_code == 400
    assert "warranty_until" in refused.json()["errors"]
    assert saved.status_code == 200
    assert saved.json()["warranty_until"] == "2027-02-28"
    assert api.get(path).json()["warranty_until"] == "2027-02-28"
    assert api.get(f"/api/v1/service-book/{car.vin}").json()["vehicle"]["warranty_until"] == (
        "2027-02-28"
    )
