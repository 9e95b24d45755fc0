"""The part order and distribution centre API: the plan before placing, placing,
listing, cancelling, goods receipt, and the centres' pick list, shipments, goods in
and stock; errors are JSON with the reason and 4xx."""

import pytest

from servicelane.core.choices import WorkshopRole
from servicelane.store import services as store
from servicelane.supply import services
from servicelane.supply.models import CentreStock, PartOrder
from servicelane.supply.tests.conftest import part_line
from servicelane.testing.clients import bearer_client
from servicelane.testing.personas import member
from servicelane.testing.refusals import assert_refused

pytestmark = pytest.mark.django_db


@pytest.fixture
def api(clerk):
    return bearer_client(clerk)


def post(client, path, body):
    return client.post(path, body, content_type="application/json")


def test_the_plan_shows_each_lines_centre_and_promise_and_writes_nothing(
    api, stocked, catalogue, morning
):
    response = post(
        api,
        "/api/v1/part-orders/plan",
        {
            "kind": "urgent",
            "lines": [
                {"number": "11 42 7 635 557", "quantity": 1},  # an old number
                {"number": catalogue.pads.number, "quantity": "2"},
            ],
        },
    )

    body = response.json()
    assert response.status_code == 200
    first, second = body["lines"]
    assert first["number"] == catalogue.oil_filter.number
    assert first["requested_number"] == "11427635557"
    assert first["centre"] == {"code": "shanghai", "name": "Shanghai"} and not first["home"]
    assert first["promised_at"] == "2026-03-11T11:00:00Z"
    assert second["centre"]["code"] == "beijing" and second["home"]
    assert body["split"] and body["promised_at"] == "2026-03-11T11:00:00Z"
    assert not PartOrder.objects.exists()


def test_placing_answers_the_order_with_its_stored_promise(api, stocked, catalogue, morning):
    response = post(
        api,
        "/api/v1/part-orders",
        {
            "kind": "urgent",
            "note": "für Li",
            "lines": [{"number": catalogue.oil_filter.number, "quantity": 5}],
        },
    )

    body = response.json()
    assert response.status_code == 201
    assert body["number"] == "BJ-P00001" and body["status"] == "placed"
    assert [(ln["centre"]["code"], ln["quantity"], ln["promised_at"]) for ln in body["lines"]] == [
        ("foshan", "5.00", "2026-03-11T21:00:00Z"),  # packed 13:00 + 40 h tour
    ]
    assert body["events"][0]["kind"] == "placed"
    assert CentreStock.objects.get(centre=stocked.foshan, part=catalogue.oil_filter).allocated == 5


@pytest.mark.parametrize(
    "line, message",
    [
        ({"number": "34116860016", "quantity": -1}, "Line 1: The quantity must be more than zero."),
        ({"number": "34116860016", "quantity": "viel"}, "Line 1: Enter a number."),
        (
            {"number": "000", "quantity": 1},
            "Line 1: no part with the number “000” in the catalogue.",
        ),
    ],
)
def test_a_bad_line_is_a_400_naming_it_and_nothing_is_placed(api, stocked, line, message):
    response = post(api, "/api/v1/part-orders", {"kind": "stock", "lines": [line]})

    assert response.status_code == 400
    assert response.json()["errors"]["lines"] == [message]
    assert not PartOrder.objects.exists()


def test_vehicle_off_road_needs_an_open_repair_order_of_the_workshop(
    api, stocked, catalogue, repair_order
):
    lines = [{"number": catalogue.pads.number, "quantity": 1}]
    missing = post(api, "/api/v1/part-orders", {"kind": "vor", "lines": lines})
    unknown = post(
        api, "/api/v1/part-orders", {"kind": "vor", "lines": lines, "repair_order": "FR-R26-00001"}
    )
    placed = post(
        api,
        "/api/v1/part-orders",
        {"kind": "vor", "lines": lines, "repair_order": repair_order.number},
    )

    assert missing.status_code == 400 and "repair_order" in missing.json()["errors"]
    assert unknown.status_code == 400
    assert placed.status_code == 201 and placed.json()["repair_order"] == repair_order.number


def test_an_advisor_may_plan_but_not_place(advisor_bj, stocked, catalogue):
    client = bearer_client(advisor_bj)
    body = {"kind": "urgent", "lines": [{"number": catalogue.pads.number, "quantity": 1}]}

    assert post(client, "/api/v1/part-orders/plan", body).status_code == 200
    refused = post(client, "/api/v1/part-orders", body)
    assert_refused(refused, 403)


def test_list_filters_by_status_and_does_not_grow_in_queries(
    clerk, api, beijing, stocked, catalogue, django_assert_max_num_queries
):
    def place():
        return services.part_order_place(
            actor=clerk,
            workshop=beijing,
            kind="urgent",
            lines=[{"number": catalogue.pads.number, "quantity": 1}],
        )

    first = place()
    with django_assert_max_num_queries(20) as one:
        api.get("/api/v1/part-orders")
    baseline = len(one.captured_queries)
    for _ in range(3):
        place()
    services.part_order_cancel(actor=clerk, order=first)

    with django_assert_max_num_queries(baseline):
        everything = api.get("/api/v1/part-orders").json()
    cancelled = api.get("/api/v1/part-orders", {"status": "cancelled"}).json()

    assert everything["count"] == 4
    assert [o["number"] for o in cancelled["items"]] == [first.number]
    assert cancelled["items"][0]["lines"] == 0 and cancelled["items"][0]["workshop"] == "BJ"


def test_another_workshops_order_is_404(clerk, beijing, freiburg, stocked, catalogue):
    order = services.part_order_place(
        actor=clerk,
        workshop=beijing,
        kind="urgent",
        lines=[{"number": catalogue.pads.number, "quantity": 1}],
    )
    outsider = bearer_client(member(freiburg, WorkshopRole.PARTS_CLERK, email="p@fr.test"))

    assert outsider.get(f"/api/v1/part-orders/{order.number}").status_code == 404
    assert post(outsider, f"/api/v1/part-orders/{order.number}/cancel", {}).status_code == 404
    assert outsider.get("/api/v1/part-orders").json()["count"] == 0


def test_cancel_and_receipt_through_the_api(
    clerk, api, beijing, advisor_bj, stocked, catalogue, admin_staff, repair_order
):
    line = part_line(repair_order, advisor_bj, catalogue.oil_filter)
    store.part_reserve(actor=clerk, job_line=line)
    order = services.part_order_place(
        actor=clerk,
        workshop=beijing,
        kind="urgent",
        lines=[
            {"number": catalogue.oil_filter.number, "quantity": 1},
            {"number": catalogue.disc.number, "quantity": 1},
        ],
    )
    services.centre_ship(actor=admin_staff, centre=stocked.shanghai, order=order)
    filter_line = order.lines.get(position=1)

    cancelled = post(api, f"/api/v1/part-orders/{order.number}/cancel", {})
    assert cancelled.status_code == 200
    assert [ln["status"] for ln in cancelled.json()["lines"]] == ["shipped", "cancelled"]

    too_many = post(
        api,
        f"/api/v1/part-orders/{order.number}/receipts",
        {"lines": [{"line_id": filter_line.pk, "quantity": 2}]},
    )
    assert too_many.status_code == 400
    assert f"line_{filter_line.pk}" in too_many.json()["errors"]

    received = post(
        api,
        f"/api/v1/part-orders/{order.number}/receipts",
        {"lines": [{"line_id": filter_line.pk, "quantity": 1}]},
    )
    body = received.json()
    assert received.status_code == 201
    assert body["reservations_filled"] == [
        {"repair_order": repair_order.number, "quantity": "1.00", "status": "held"}
    ]
    assert body["order"]["status"] == "received"
    assert body["order"]["lines"][0]["reservations"][0]["status"] == "held"


# ---------------------------------------------------------------- centres


def test_centres_are_for_network_staff_only(api, stocked, support):
    assert api.get("/api/v1/centres").status_code == 403
    assert api.get("/api/v1/centres/beijing/pick-list").status_code == 404

    body = bearer_client(support).get("/api/v1/centres").json()
    assert [c["code"] for c in body] == ["beijing", "foshan", "shanghai"]


def test_pick_list_shipment_goods_in_and_stock(clerk, beijing, stocked, catalogue, admin_staff):
    order = services.part_order_place(
        actor=clerk,
        workshop=beijing,
        kind="super_urgent",
        lines=[
            {"number": catalogue.pads.number, "quantity": 2},
            {"number": catalogue.disc.number, "quantity": 1},
        ],
    )
    client = bearer_client(admin_staff)

    picks = client.get("/api/v1/centres/beijing/pick-list").json()
    assert [(p["order_number"], p["workshop"], len(p["lines"])) for p in picks] == [
        (order.number, "BJ", 1)
    ]

    shipped = post(client, "/api/v1/centres/beijing/shipments", {"order_number": order.number})
    assert shipped.status_code == 201 and shipped.json()["lines"][0]["quantity"] == "2.00"
    again = post(client, "/api/v1/centres/beijing/shipments", {"order_number": order.number})
    assert again.status_code == 400
    elsewhere = post(client, "/api/v1/centres/foshan/shipments", {"order_number": order.number})
    assert elsewhere.status_code == 400

    goods = post(
        client, "/api/v1/centres/foshan/goods-in", {"number": catalogue.disc.number, "quantity": 4}
    )
    assert goods.status_code == 201
    assert goods.json()["allocated"][0]["order_number"] == order.number
    assert goods.json()["stock"]["free"] == "3.00"

    stock = client.get(f"/api/v1/centres/beijing/stock/{catalogue.pads.number}").json()
    assert (stock["on_hand"], stock["allocated"], stock["free"]) == ("18.00", "0.00", "18.00")


def test_network_support_cannot_ship_or_book_goods_in(clerk, beijing, stocked, catalogue, support):
    order = services.part_order_place(
        actor=clerk,
        workshop=beijing,
        kind="urgent",
        lines=[{"number": catalogue.pads.number, "quantity": 1}],
    )
    client = bearer_client(support)

    assert (
        post(
            client, "/api/v1/centres/beijing/shipments", {"order_number": order.number}
        ).status_code
        == 403
    )
    assert (
        post(
            client,
            "/api/v1/centres/beijing/goods-in",
            {"number": catalogue.pads.number, "quantity": 1},
        ).status_code
        == 403
    )
    assert CentreStock.objects.get(centre=stocked.beijing, part=catalogue.pads).on_hand == 20


def test_goods_in_refuses_bad_input(stocked, admin_staff):
    client = bearer_client(admin_staff)

    negative = post(
        client, "/api/v1/centres/foshan/goods-in", {"number": "34116860911", "quantity": -2}
    )
    unknown = post(client, "/api/v1/centres/foshan/goods-in", {"number": "1", "quantity": 2})

    assert negative.status_code == 400 and negative.json()["errors"]["quantity"]
    assert unknown.status_code == 400 and unknown.json()["errors"]["number"]
    assert not CentreStock.objects.filter(centre=stocked.foshan).exclude(on_hand__gt=0).exists()


def test_the_part_answers_with_store_figures_or_centre_stock(
    clerk, api, beijing, stocked, catalogue, admin_staff
):
    store.stock_item_set(
        actor=clerk, workshop=beijing, part=catalogue.pads, bin_location="b-2", minimum=1, maximum=3
    )

    mine = api.get(f"/api/v1/parts/{catalogue.pads.number}").json()
    staff = bearer_client(admin_staff).get(f"/api/v1/parts/{catalogue.pads.number}").json()

    assert mine["store"]["bin_location"] == "B-2" and mine["store"]["kept"]
    assert mine["centres"] == []
    assert staff["store"] is None
    assert {c["centre"]["code"]: c["free"] for c in staff["centres"]} == {
        "beijing": "20.00",
        "shanghai": "5.00",
    }


# A quantity with a huge exponent, as a JSON string and as a JSON number.
HUGE = ['"1e30"', "1e30", '"1e400"', "1e400", '"-1e30"']


def post_raw(client, path, text):
    return client.post(path, text, content_type="application/json")


@pytest.mark.parametrize("quantity", HUGE)
@pytest.mark.parametrize("path", ["/api/v1/part-orders/plan", "/api/v1/part-orders"])
def test_a_quantity_with_a_huge_exponent_is_a_400_naming_the_line(
    api, stocked, catalogue, path, quantity
):
    number = catalogue.oil_filter.number
    body = f'{{"kind": "urgent", "lines": [{{"number": "{number}", "quantity": {quantity}}}]}}'

    response = post_raw(api, path, body)

    assert response.status_code == 400
    [message] = response.json()["errors"]["lines"]
    assert message.startswith("Line 1: ")
    assert not PartOrder.objects.exists()


@pytest.mark.parametrize("quantity", HUGE)
def test_a_receipt_of_a_huge_quantity_is_a_400_and_books_nothing(
    clerk, api, beijing, stocked, catalogue, admin_staff, quantity
):
    order = services.part_order_place(
        actor=clerk,
        workshop=beijing,
        kind="urgent",
        lines=[{"number": catalogue.pads.number, "quantity": 1}],
    )
    services.centre_ship(actor=admin_staff, centre=stocked.beijing, order=order)
    line = order.lines.get()

    response = post_raw(
        api,
        f"/api/v1/part-orders/{order.number}/receipts",
        f'{{"lines": [{{"line_id": {line.pk}, "quantity": {quantity}}}]}}',
    )

    assert response.status_code == 400
    line.refresh_from_db()
    assert line.quantity_received == 0


@pytest.mark.parametrize("quantity", HUGE)
def test_goods_in_of_a_huge_quantity_is_a_400(stocked, catalogue, admin_staff, quantity):
    client = bearer_client(admin_staff)

    response = post_raw(
        client,
        "/api/v1/centres/foshan/goods-in",
        f'{{"number": "{catalogue.disc.number}", "quantity": {quantity}}}',
    )

    assert response.status_code == 400
    assert response.json()["errors"]
    assert not CentreStock.objects.filter(centre=stocked.foshan, part=catalogue.disc).exists()


def test_the_quantity_limit_is_named(api, stocked, catalogue):
    response = post(
        api,
        "/api/v1/part-orders/plan",
        {"kind": "urgent", "lines": [{"number": catalogue.pads.number, "quantity": "1e30"}]},
    )

    assert response.json()["errors"]["lines"] == ["Line 1: Enter a number up to 99999."]


def test_a_receipt_naming_a_line_twice_is_a_400_and_books_nothing(
    clerk, api, beijing, stocked, catalogue, admin_staff
):
    order = services.part_order_place(
        actor=clerk,
        workshop=beijing,
        kind="urgent",
        lines=[{"number": catalogue.pads.number, "quantity": 5}],
    )
    services.centre_ship(actor=admin_staff, centre=stocked.beijing, order=order)
    line = order.lines.get()

    response = post(
        api,
        f"/api/v1/part-orders/{order.number}/receipts",
        {"lines": [{"line_id": line.pk, "quantity": 5}, {"line_id": line.pk, "quantity": 1}]},
    )

    assert response.status_code == 400
    assert response.json()["errors"] == {
        "lines": [f"Line {line.pk} is given more than once: enter each line once."]
    }
    line.refresh_from_db()
    assert line.quantity_received == 0 and line.status == "shipped"
