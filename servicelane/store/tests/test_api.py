"""The store API: stock with its figures, a part's detail, ledger and settings, counts
and reorder suggestions; errors as JSON with the field; another workshop's store is 404."""

import json
from decimal import Decimal
from typing import cast

import pytest

from servicelane.core.choices import NetworkRole, WorkshopRole
from servicelane.parts.models import Part
from servicelane.parts.tests.factories import PartFactory
from servicelane.store import services
from servicelane.store.models import StockCount, StockItem
from servicelane.store.tests.conftest import part_line, stock
from servicelane.testing.clients import bearer_client
from servicelane.testing.personas import member, network_staff
from servicelane.testing.refusals import assert_refused
from servicelane.testing.scenarios import agreed
from servicelane.workorders.models import JobLine

pytestmark = pytest.mark.django_db


@pytest.fixture
def api_clerk(clerk):
    return bearer_client(clerk)


@pytest.fixture
def shelves(freiburg, clerk, advisor, catalogue, ro):
    stock(freiburg, clerk, catalogue.oil_filter, 3, bin_location="A-01-1", minimum=4, maximum=10)
    stock(freiburg, clerk, catalogue.engine_oil, 20, bin_location="C-01-1", minimum=5, maximum=30)
    held = services.part_reserve(
        actor=advisor, job_line=part_line(ro, advisor, catalogue.oil_filter, 1)
    )
    return {"held": held}


def send(client, method: str, path: str, body: dict):
    return client.generic(method, path, json.dumps(body), content_type="application/json")


def test_the_stock_list_has_the_figures_of_each_part(api_clerk, shelves, catalogue):
    response = api_clerk.get("/api/v1/store/items")

    assert response.status_code == 200
    body = response.json()
    assert body["count"] == 2 and body["pages"] == 1
    first = body["items"][0]
    assert first["number"] == catalogue.oil_filter.number
    assert first["display_number"] == "11 42 7 953 129"
    assert first["bin_location"] == "A-01-1"
    figures = {k: Decimal(str(first[k])) for k in ("on_hand", "held", "waiting", "free")}
    assert figures == {"on_hand": 3, "held": 1, "waiting": 0, "free": 2}
    assert Decimal(str(first["on_order"])) == 0 and first["below_minimum"] is True


def test_the_stock_list_searches_and_filters(api_clerk, shelves, catalogue):
    found = api_clerk.get("/api/v1/store/items", {"q": "Motoröl"}).json()
    assert [i["number"] for i in found["items"]] == [catalogue.engine_oil.number]

    below = api_clerk.get("/api/v1/store/items", {"below_minimum": "true"}).json()
    assert [i["number"] for i in below["items"]] == [catalogue.oil_filter.number]


def test_the_list_costs_the_same_queries_for_many_parts(
    freiburg, clerk, api_clerk, network, catalogue, django_assert_max_num_queries
):
    stock(freiburg, clerk, catalogue.oil_filter, 1)
    with django_assert_max_num_queries(15) as few:
        api_clerk.get("/api/v1/store/items")
    for _i in range(20):
        stock(freiburg, clerk, cast(Part, PartFactory(network=network)), 2)
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert api_clerk.get("/api/v1/store/items").json()["count"] == 21


def test_one_part_with_its_reservations(api_clerk, shelves, ro):
    response = api_clerk.get("/api/v1/store/items/11 42-7 953 129")

    assert response.status_code == 200
    body = response.json()
    assert body["number"] == "11427953129"
    [reservation] = body["reservations"]
    assert reservation["repair_order_number"] == ro.number
    assert reservation["status"] == "held"
    assert body["next_arrival"] is None


def test_a_part_not_kept_or_unknown_is_404(api_clerk, shelves, catalogue):
    for number in (catalogue.disc.number, "0000"):
        response = api_clerk.get(f"/api/v1/store/items/{number}")
        assert_refused(response, 404)
    assert api_clerk.get(f"/api/v1/store/items/{catalogue.disc.number}/movements").status_code == (
        404
    )


def test_the_ledger_of_a_part_newest_first(
    freiburg, clerk, advisor, api_clerk, shelves, catalogue, ro
):
    line = JobLine.objects.get(pk=shelves["held"].job_line_ref)
    agreed(advisor, line)
    services.part_issue(actor=clerk, job_line=line)

    body = api_clerk.get(f"/api/v1/store/items/{catalogue.oil_filter.number}/movements").json()

    assert body["count"] == 2
    issue, receipt = body["items"]
    assert (issue["kind"], Decimal(str(issue["quantity"])), issue["repair_order_number"]) == (
        "issue",
        -1,
        ro.number,
    )
    assert Decimal(str(issue["balance_after"])) == 2
    assert receipt["kind"] == "receipt" and receipt["kind_label"] == "Goods receipt"


def test_patch_changes_only_what_is_sent(api_clerk, shelves, catalogue, freiburg):
    response = send(
        api_clerk, "PATCH", f"/api/v1/store/items/{catalogue.oil_filter.number}", {"maximum": 12}
    )

    assert response.status_code == 200
    item = StockItem.objects.get(workshop=freiburg, part=catalogue.oil_filter)
    assert (item.bin_location, item.minimum, item.maximum, item.on_hand) == ("A-01-1", 4, 12, 3)


def test_patch_refuses_a_minimum_above_the_maximum_with_the_field(
    api_clerk, shelves, catalogue, freiburg
):
    response = send(
        api_clerk,
        "PATCH",
        f"/api/v1/store/items/{catalogue.oil_filter.number}",
        {"minimum": "20", "bin_location": "X"},
    )

    assert response.status_code == 400
    assert response.json()["errors"] == {"maximum": ["The maximum must not be below the minimum."]}
    item = StockItem.objects.get(workshop=freiburg, part=catalogue.oil_filter)
    assert (item.bin_location, item.minimum) == ("A-01-1", 4)


def test_patch_refuses_a_non_numeric_minimum(api_clerk, shelves, catalogue):
    response = send(
        api_clerk,
        "PATCH",
        f"/api/v1/store/items/{catalogue.oil_filter.number}",
        {"minimum": "lots"},
    )

    assert response.status_code == 400
    assert response.json()["errors"] == {"minimum": ["Enter a number."]}


def test_put_takes_a_catalogue_part_into_the_store(api_clerk, shelves, catalogue, freiburg):
    response = send(
        api_clerk,
        "PUT",
        f"/api/v1/store/items/{catalogue.disc.number}",
        {"bin_location": "e-01", "minimum": 1, "maximum": 4},
    )

    assert response.status_code == 200
    assert response.json()["bin_location"] == "E-01"
    assert StockItem.objects.get(workshop=freiburg, part=catalogue.disc).on_hand == 0
    response = send(api_clerk, "PUT", "/api/v1/store/items/0000", {"minimum": 1, "maximum": 4})
    assert response.status_code == 404


def test_a_technician_reads_but_cannot_change_the_store(technician, shelves, catalogue, freiburg):
    client = bearer_client(technician)

    assert client.get("/api/v1/store/items").status_code == 200
    response = send(
        client, "PATCH", f"/api/v1/store/items/{catalogue.oil_filter.number}", {"maximum": 99}
    )
    assert_refused(response, 403)
    response = send(
        client, "POST", "/api/v1/store/counts", {"lines": [{"number": "11427953129", "counted": 0}]}
    )
    assert response.status_code == 403
    assert StockItem.objects.get(workshop=freiburg, part=catalogue.oil_filter).maximum == 10
    assert not StockCount.objects.exists()


def test_a_count_books_its_differences(api_clerk, shelves, catalogue, freiburg):
    response = send(
        api_clerk,
        "POST",
        "/api/v1/store/counts",
        {
            "lines": [
                {"number": "11 42 7 953 129", "counted": "5"},
                {"number": catalogue.engine_oil.number, "counted": 20},
            ],
            "note": "Quarter end",
        },
    )

    assert response.status_code == 201
    body = response.json()
    assert body["differences"] == 1 and body["note"] == "Quarter end"
    lines = {ln["number"]: ln for ln in body["lines"]}
    oil_filter = lines[catalogue.oil_filter.number]
    assert [Decimal(str(oil_filter[k])) for k in ("expected", "counted", "difference")] == [
        3,
        5,
        2,
    ]
    assert StockItem.objects.get(workshop=freiburg, part=catalogue.oil_filter).on_hand == 5

    again = api_clerk.get(f"/api/v1/store/counts/{body['id']}")
    assert again.status_code == 200 and again.json()["lines"] == body["lines"]
    listing = api_clerk.get("/api/v1/store/counts").json()
    assert listing["items"][0]["id"] == body["id"] and listing["items"][0]["differences"] == 1


def test_a_count_with_bad_lines_names_them_and_books_nothing(
    api_clerk, shelves, catalogue, freiburg
):
    response = send(
        api_clerk,
        "POST",
        "/api/v1/store/counts",
        {
            "lines": [
                {"number": catalogue.oil_filter.number, "counted": 1},
                {"number": "1234", "counted": 1},
                {"number": catalogue.engine_oil.number, "counted": -2},
                {"number": catalogue.pads.number, "counted": "two"},
            ]
        },
    )

    assert response.status_code == 400
    errors = response.json()["errors"]
    assert set(errors) == {"lines.1.number", "lines.2.counted", "lines.3.counted"}
    assert errors["lines.1.number"] == ["Line 2: no part with the number “1234” in the catalogue."]
    assert not StockCount.objects.exists()
    assert StockItem.objects.get(workshop=freiburg, part=catalogue.oil_filter).on_hand == 3


def test_an_empty_count_is_refused(api_clerk, shelves):
    response = send(api_clerk, "POST", "/api/v1/store/counts", {"lines": []})

    assert response.status_code == 400
    assert "lines" in response.json()["errors"]


def test_reorder_suggestions_with_the_order_form_link(api_clerk, shelves, catalogue):
    body = api_clerk.get("/api/v1/store/reorder-suggestions").json()

    assert body["count"] == 1
    [suggestion] = body["items"]
    assert suggestion["number"] == catalogue.oil_filter.number
    assert Decimal(str(suggestion["projected"])) == 2
    assert Decimal(str(suggestion["quantity"])) == 8
    assert suggestion["reason"] == "minimum"
    assert body["order_form_url"] == (
        f"/part-orders/new/?kind=stock&lines={catalogue.oil_filter.number}:8"
    )


def test_another_workshops_store_is_404(beijing, clerk_bj, api_clerk, catalogue):
    stock(beijing, clerk_bj, catalogue.disc, 7, bin_location="SECRET")
    count = services.stock_count_record(
        actor=clerk_bj, workshop=beijing, counts=[(catalogue.disc, "6")]
    )

    assert api_clerk.get(f"/api/v1/store/items/{catalogue.disc.number}").status_code == 404
    assert api_clerk.get(f"/api/v1/store/counts/{count.pk}").status_code == 404
    assert api_clerk.get("/api/v1/store/items").json()["count"] == 0
    response = api_clerk.get("/api/v1/store/items", {"workshop": "BJ"})
    assert response.status_code == 400 and "workshop" in response.json()["errors"]
    response = send(
        api_clerk,
        "PATCH",
        f"/api/v1/store/items/{catalogue.disc.number}?workshop=BJ",
        {"maximum": 99},
    )
    assert response.status_code in (400, 403, 404)
    assert StockItem.objects.get(workshop=beijing).maximum == 0


def test_someone_in_two_workshops_names_one(freiburg, beijing, clerk_bj, catalogue):
    both = member(freiburg, WorkshopRole.PARTS_CLERK, email="both@example.test")
    member_of_beijing = member(beijing, WorkshopRole.PARTS_CLERK, email="bj2@example.test")
    both.memberships.create(workshop=beijing, role=WorkshopRole.PARTS_CLERK)
    stock(beijing, member_of_beijing, catalogue.disc, 2)
    client = bearer_client(both)

    response = client.get("/api/v1/store/items")
    assert response.status_code == 400 and "workshop" in response.json()["errors"]
    body = client.get("/api/v1/store/items", {"workshop": "bj"}).json()
    assert [i["number"] for i in body["items"]] == [catalogue.disc.number]


def test_network_staff_read_a_workshops_store_by_its_code(network, freiburg, shelves, catalogue):
    staff = bearer_client(network_staff(network, NetworkRole.NETWORK_ADMIN, email="a@net.test"))

    body = staff.get("/api/v1/store/items", {"workshop": "FR"}).json()
    assert body["count"] == 2
    response = send(
        staff,
        "PATCH",
        f"/api/v1/store/items/{catalogue.oil_filter.number}?workshop=FR",
        {"maximum": 99},
    )
    assert response.status_code == 403


@pytest.mark.parametrize("value", ['"1e400"', "1e400", '"1e30"', "1e30"])
@pytest.mark.parametrize("method", ["PUT", "PATCH"])
def test_a_limit_with_a_huge_exponent_is_a_400_at_the_field(
    api_clerk, shelves, catalogue, freiburg, method, value
):
    response = api_clerk.generic(
        method,
        f"/api/v1/store/items/{catalogue.oil_filter.number}",
        f'{{"minimum": 1, "maximum": {value}}}',
        content_type="application/json",
    )

    assert response.status_code == 400
    assert response.json()["errors"] == {"maximum": ["Enter a number up to 99999."]}
    item = StockItem.objects.get(workshop=freiburg, part=catalogue.oil_filter)
    assert (item.minimum, item.maximum) == (4, 10)


@pytest.mark.parametrize("value", ['"1e30"', "1e30", "1e400", '"-1e30"'])
def test_a_count_with_a_huge_exponent_is_a_400_naming_the_line(
    api_clerk, shelves, catalogue, freiburg, value
):
    response = api_clerk.post(
        "/api/v1/store/counts",
        f'{{"lines": [{{"number": "{catalogue.oil_filter.number}", "counted": {value}}}]}}',
        content_type="application/json",
    )

    assert response.status_code == 400
    [message] = response.json()["errors"]["lines.0.counted"]
    assert message.startswith("Line 1: ")
    assert not StockCount.objects.exists()
