"""Catalogue part lines on a repair order: priced from the catalogue, reserved in the
store, ordered when missing, held when the goods come in, issued over the counter."""

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from servicelane.core.choices import NetworkRole, WorkshopRole

# The parts catalogue's fixture, in place of the labour catalogue's of this folder.
from servicelane.store.choices import MovementKind, ReservationStatus
from servicelane.store.models import Reservation, StockItem
from servicelane.store.services import stock_count_record
from servicelane.supply.services import centre_ship, goods_receipt_book, part_order_place
from servicelane.testing.clients import client_of as client_for
from servicelane.testing.personas import member, network_staff
from servicelane.testing.scenarios import agreed, approve_all, walk_in
from servicelane.workorders.choices import LineKind
from servicelane.workorders.estimate import services


@pytest.fixture
def clerk(beijing):
    return member(beijing, WorkshopRole.PARTS_CLERK, email="clerk@beijing.test", language="en")


@pytest.fixture
def order(beijing, advisor_bj):
    return walk_in(beijing, advisor_bj, concerns="Ölservice")


@pytest.fixture
def filter_line(order, advisor_bj, catalogue):
    job = order.jobs.get()
    return services.job_line_add(
        actor=advisor_bj, job=job, kind=LineKind.PART, code="11-42-7 566 327", quantity=2
    )


def test_an_old_number_adds_the_current_part_at_its_list_price_named_in_the_customers_language(
    filter_line,
    catalogue,
):
    assert filter_line.part == catalogue.oil_filter
    assert filter_line.code == "11 42 7 953 129"  # in the network's format
    assert filter_line.unit_price == Decimal("132.00")  # CN list price for the Beijing workshop
    assert filter_line.description == "Ölfiltereinsatz"  # the walk-in customer speaks German


def test_a_number_not_in_the_catalogue_without_a_description_is_refused(
    order, advisor_bj, catalogue
):
    with pytest.raises(ValidationError) as exc:
        services.job_line_add(
            actor=advisor_bj, job=order.jobs.get(), kind=LineKind.PART, code="99 99 9 999 999"
        )

    assert exc.value.message_dict == {"code": ["No part with this number in the catalogue."]}
    assert not order.jobs.get().lines.exists()


def test_a_catalogue_part_without_a_price_in_the_country_needs_one_typed(
    order,
    advisor_bj,
    catalogue,
):
    job = order.jobs.get()
    with pytest.raises(ValidationError) as exc:
        services.job_line_add(actor=advisor_bj, job=job, kind=LineKind.PART, code="34116860911")
    assert "unit_price" in exc.value.message_dict

    line = services.job_line_add(
        actor=advisor_bj, job=job, kind=LineKind.PART, code="34116860911", unit_price="410"
    )
    assert line.part == catalogue.disc
    assert line.unit_price == Decimal("410")


def test_the_parts_tab_shows_a_missing_part_with_the_arrival_an_urgent_order_would_have(
    filter_line,
    order,
    clerk,
    centres,
    catalogue,
):
    centres.stock(centres.shanghai, catalogue.oil_filter, 10)

    response = client_for(clerk).get(f"/repair-orders/{order.pk}/?tab=parts")

    assert response.status_code == 200
    page = response.content.decode()
    assert "Not in store" in page
    assert "urgent order now: arrives" in page and "from Shanghai" in page


def test_reserving_orders_receiving_and_issuing_a_missing_part_end_to_end(
    filter_line,
    order,
    clerk,
    centres,
    catalogue,
    network,
    advisor_bj,
):
    centres.stock(centres.shanghai, catalogue.oil_filter, 10)
    client = client_for(clerk)

    response = client.post(
        f"/repair-orders/{order.pk}/part-lines/{filter_line.pk}/reserve/", follow=True
    )
    page = response.content.decode()
    assert "waits for the goods" in page
    assert "lines=11427953129:2" in page  # the ready-made order of what the store lacks

    placed = part_order_place(
        actor=clerk,
        workshop=order.workshop,
        kind="urgent",
        lines=[{"number": "11427953129", "quantity": "2"}],
        repair_order=order,
    )
    [line] = placed.lines.all()
    assert line.centre == centres.shanghai  # the home centre (Beijing) has none
    reservation = Reservation.objects.get(job_line_ref=filter_line.pk)
    assert reservation.order_line_ref == line.pk

    work = client_for(clerk).get(f"/repair-orders/{order.pk}/?tab=work").content.decode()
    assert "Waiting for parts · expected" in work

    admin = network_staff(network, NetworkRole.NETWORK_ADMIN)
    centre_ship(actor=admin, centre=centres.shanghai, order=placed)
    filled = goods_receipt_book(actor=clerk, order=placed, quantities={line.pk: "2"})

    assert filled == [reservation]
    reservation.refresh_from_db()
    assert reservation.status == ReservationStatus.HELD
    work = client_for(clerk).get(f"/repair-orders/{order.pk}/?tab=work").content.decode()
    assert "Waiting for parts" not in work

    agreed(advisor_bj, filter_line)
    client.post(f"/repair-orders/{order.pk}/part-lines/{filter_line.pk}/issue/")

    item = StockItem.objects.get(workshop=order.workshop, part=catalogue.oil_filter)
    assert item.on_hand == 0
    assert [m.kind for m in item.movements.order_by("at", "id")] == [
        MovementKind.RECEIPT,
        MovementKind.ISSUE,
    ]
    reservation.refresh_from_db()
    assert reservation.status == ReservationStatus.ISSUED


def test_a_technician_cannot_reserve_or_issue(filter_line, order, beijing):
    technician = member(beijing, WorkshopRole.TECHNICIAN, email="t@beijing.test")
    client = client_for(technician)

    for action in ("reserve", "issue"):
        response = client.post(f"/repair-orders/{order.pk}/part-lines/{filter_line.pk}/{action}/")
        assert response.status_code in (403, 404)
    assert not Reservation.objects.filter(job_line_ref=filter_line.pk).exists()


def test_api_reserves_from_store_issues_and_refuses_returning_more_than_issued(
    filter_line,
    order,
    clerk,
    advisor_bj,
    catalogue,
):
    stock_count_record(actor=clerk, workshop=order.workshop, counts=[(catalogue.oil_filter, "5")])
    agreed(advisor_bj, filter_line)
    api = client_for(clerk)
    base = f"/api/v1/repair-orders/{order.pk}"

    reserved = api.post(f"{base}/part-lines/{filter_line.pk}/reserve")
    assert reserved.status_code == 200, reserved.content
    assert reserved.json()["state"] == "held"

    issued = api.post(f"{base}/part-lines/{filter_line.pk}/issue")
    assert issued.json()["state"] == "issued"
    assert Decimal(issued.json()["issued"]) == 2

    too_many = api.post(
        f"{base}/part-lines/{filter_line.pk}/return",
        {"quantity": "3"},
        content_type="application/json",
    )
    assert too_many.status_code == 400
    assert "Only 2 were issued" in too_many.json()["detail"]

    back = api.post(
        f"{base}/part-lines/{filter_line.pk}/return",
        {"quantity": "1"},
        content_type="application/json",
    )
    assert Decimal(back.json()["issued"]) == 1
    listed = api.get(f"{base}/parts").json()
    assert [(row["part_number"], Decimal(row["free_in_store"])) for row in listed] == [
        ("11427953129", 4)
    ]


def test_issuing_a_part_that_has_not_arrived_is_refused(
    filter_line, order, clerk, advisor_bj, centres
):
    client_for(clerk).post(f"/repair-orders/{order.pk}/part-lines/{filter_line.pk}/reserve/")
    agreed(advisor_bj, filter_line)

    response = client_for(clerk).post(
        f"/api/v1/repair-orders/{order.pk}/part-lines/{filter_line.pk}/issue"
    )

    assert response.status_code == 400
    assert response.json()["detail"] == "The part has not arrived yet."


def test_the_parts_tab_reads_the_store_in_a_fixed_number_of_queries(
    order,
    advisor_bj,
    clerk,
    catalogue,
    centres,
    django_assert_max_num_queries,
):
    job = order.jobs.get()
    for number in ("11427953129", "34116860016", "83212465849"):
        services.job_line_add(
            actor=advisor_bj, job=job, kind=LineKind.PART, code=number, unit_price=1
        )
    client = client_for(clerk)

    with django_assert_max_num_queries(40):
        response = client.get(f"/repair-orders/{order.pk}/?tab=parts")

    assert response.content.decode().count('class="part-') == 3


def test_an_approved_order_keeps_its_part_lines_for_the_invoice(filter_line, order, advisor_bj):
    estimate = services.estimate_send(actor=advisor_bj, repair_order=order)
    approve_all(estimate)

    assert order.jobs.get().net_total() == Decimal("264.00")
    assert estimate.net_total == Decimal("264.00")


@pytest.mark.parametrize("quantity", ['"1e30"', "1e30", "1e400", '"-1e30"'])
def test_returning_a_huge_quantity_is_a_400_and_nothing_comes_back(
    filter_line, order, clerk, advisor_bj, catalogue, quantity
):
    stock_count_record(actor=clerk, workshop=order.workshop, counts=[(catalogue.oil_filter, "5")])
    agreed(advisor_bj, filter_line)
    api = client_for(clerk)
    base = f"/api/v1/repair-orders/{order.pk}/part-lines/{filter_line.pk}"
    api.post(f"{base}/issue")

    response = api.post(
        f"{base}/return", f'{{"quantity": {quantity}}}', content_type="application/json"
    )

    assert response.status_code == 400
    assert response.json()["errors"]["quantity"]
    assert StockItem.objects.get(part=catalogue.oil_filter).on_hand == 3


def test_returning_a_huge_quantity_on_the_parts_tab_says_why(
    filter_line, order, clerk, advisor_bj, catalogue
):
    stock_count_record(actor=clerk, workshop=order.workshop, counts=[(catalogue.oil_filter, "5")])
    agreed(advisor_bj, filter_line)
    client = client_for(clerk)
    client.post(f"/repair-orders/{order.pk}/part-lines/{filter_line.pk}/issue/")

    response = client.post(
        f"/repair-orders/{order.pk}/part-lines/{filter_line.pk}/return/",
        {"quantity": "1e30"},
        follow=True,
    )

    assert response.status_code == 200
    assert "Enter a number up to 99999." in response.content.decode()
    assert StockItem.objects.get(part=catalogue.oil_filter).on_hand == 3
