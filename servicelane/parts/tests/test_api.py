"""The parts API: search by number or words (optionally for a car), a part by any form
of its number (an old one answers with the current part and the chain), JSON errors."""

import pytest

from servicelane.core.choices import NetworkRole, WorkshopRole
from servicelane.core.tests.factories import NetworkFactory, WorkshopFactory
from servicelane.parts.tests.factories import catalogue_part
from servicelane.testing.clients import bearer_client
from servicelane.testing.personas import member, network_staff
from servicelane.testing.refusals import assert_refused

pytestmark = pytest.mark.django_db


def test_search_by_words_answers_the_current_parts_with_the_workshops_price(api, catalogue):
    response = api.get("/api/v1/parts", {"q": "oil filter"})

    assert response.status_code == 200
    body = response.json()
    assert body["count"] == 2
    assert body["vehicle_type"] is None
    first = body["items"][0]
    assert first == {
        "number": "11427953129",
        "display_number": "11 42 7 953 129",
        "name": "Oil filter element",
        "name_en": "Oil filter element",
        "name_de": "Ölfiltereinsatz",
        "name_zh_hans": "机油滤清器滤芯",
        "unit": "set",
        "main_group": {"code": "11", "name": "Engine"},
        "subgroup": {"code": "11-42", "name": "Lubrication system"},
        "list_price": {"country": "DE", "currency": "EUR", "price": "16.90"},
        "replaces": None,
    }


def test_search_names_parts_in_the_requests_language(api, catalogue):
    body = api.get("/api/v1/parts", {"q": "机油"}, HTTP_ACCEPT_LANGUAGE="zh-hans").json()

    assert [i["name"] for i in body["items"]][:2] == ["机油滤清器滤芯", "机油滤清器滤芯"]


def test_search_by_an_old_number_answers_its_successor(api, catalogue):
    body = api.get("/api/v1/parts", {"q": "11-42-7-566-327"}).json()

    assert [(i["number"], i["replaces"]) for i in body["items"]] == [("11427953129", "11427566327")]


def test_search_for_a_car_answers_the_parts_that_fit_it(api, catalogue, car_g20):
    body = api.get("/api/v1/parts", {"q": "1142", "vin": car_g20.vin}).json()

    assert body["vehicle_type"] == {
        "series": "3 Series",
        "model_code": "G20-320i",
        "model_name": "320i Sedan",
    }
    assert [i["number"] for i in body["items"]] == ["11427953129"]


def test_search_with_an_unknown_vin_is_400(api, catalogue):
    response = api.get("/api/v1/parts", {"q": "oil", "vin": "WBA00000000000000"})

    assert response.status_code == 400
    assert response.json() == {
        "detail": "No car with this VIN in the network.",
        "errors": {"vin": ["No car with this VIN in the network."]},
    }


def test_search_needs_a_query_and_a_sane_limit(api, catalogue):
    assert api.get("/api/v1/parts").status_code == 400
    response = api.get("/api/v1/parts", {"q": "oil", "limit": 500})
    assert response.status_code == 400
    assert "limit" in response.json()["errors"]
    assert len(api.get("/api/v1/parts", {"q": "1", "limit": 2}).json()["items"]) == 2


def test_a_workshop_in_china_sees_the_chinese_price(advisor_bj, catalogue):
    body = bearer_client(advisor_bj).get("/api/v1/parts", {"q": "11427953129"}).json()

    assert body["items"][0]["list_price"] == {"country": "CN", "currency": "CNY", "price": "132.00"}


def test_network_staff_get_no_single_price_unless_they_name_a_workshop(
    network, freiburg, catalogue
):
    staff = bearer_client(network_staff(network, NetworkRole.NETWORK_ADMIN))

    assert staff.get("/api/v1/parts", {"q": "11427953129"}).json()["items"][0]["list_price"] is None
    named = staff.get("/api/v1/parts", {"q": "11427953129", "workshop": "fr"}).json()
    assert named["items"][0]["list_price"]["currency"] == "EUR"
    assert staff.get("/api/v1/parts", {"q": "oil", "workshop": "XX"}).status_code == 400


def test_a_part_by_any_form_of_its_number(api, catalogue):
    response = api.get("/api/v1/parts/11 42-7 953 129")

    assert response.status_code == 200
    body = response.json()
    assert body["number"] == "11427953129"
    assert body["requested_number"] == "11427953129"
    assert body["supersession"] == []
    assert body["replaces"] == ["11427635557", "11427566327"]
    assert body["fits"] == [
        {"series": "3 Series", "model_code": "G20-320i", "model_name": "320i Sedan"}
    ]
    assert body["universal"] is False
    assert body["prices"] == [
        {"country": "CN", "currency": "CNY", "price": "132.00"},
        {"country": "DE", "currency": "EUR", "price": "16.90"},
    ]


def test_an_old_number_answers_the_current_part_with_the_chain(api, catalogue):
    body = api.get("/api/v1/parts/11427566327").json()

    assert body["number"] == "11427953129"
    assert body["requested_number"] == "11427566327"
    assert body["supersession"] == ["11427566327", "11427635557", "11427953129"]


def test_a_universal_part_fits_every_type(api, catalogue):
    body = api.get("/api/v1/parts/83212465849").json()

    assert (body["fits"], body["universal"], body["unit"]) == ([], True, "litre")


def test_an_unknown_or_foreign_number_is_404(api, catalogue):
    for number in ("99999999999", catalogue.foreign.number, "---"):
        response = api.get(f"/api/v1/parts/{number}")
        assert_refused(response, 404, "Not found.")


def test_another_network_reads_only_its_own_catalogue(catalogue):
    stranger = member(WorkshopFactory(network=NetworkFactory()), WorkshopRole.TECHNICIAN)
    client = bearer_client(stranger)

    assert client.get("/api/v1/parts/11427953129").status_code == 404
    assert client.get("/api/v1/parts", {"q": "oil filter"}).json()["count"] == 0


def test_without_a_login_it_is_401(client, catalogue):
    assert client.get("/api/v1/parts", {"q": "oil"}).status_code == 401


def test_search_needs_the_same_queries_however_many_results(
    api, network, catalogue, django_assert_max_num_queries
):
    api.get("/api/v1/parts", {"q": "oil"})
    with django_assert_max_num_queries(15) as few:
        assert api.get("/api/v1/parts", {"q": "oil"}).status_code == 200
    for n in range(15):
        catalogue_part(network, f"1142700{n:04d}", f"Oil seal {n}",
                       prices={"DE": ("EUR", "3.00")})  # fmt: skip
    with django_assert_max_num_queries(len(few.captured_queries)):
        body = api.get("/api/v1/parts", {"q": "oil"}).json()
    assert body["count"] >= 15
