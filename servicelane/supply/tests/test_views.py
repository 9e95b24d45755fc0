"""The order screens and the centres' screens: the promise before placing (htmx and
without JS), placing, the order's page, cancelling, the goods receipt, and the centres'
pick list, shipping and goods in, for the roles that may use them."""

from typing import cast

import pytest
from django.urls import reverse

from servicelane.core.choices import NetworkRole, WorkshopRole
from servicelane.core.models import Network
from servicelane.core.tests.factories import NetworkFactory
from servicelane.store import services as store
from servicelane.store.models import StockMovement
from servicelane.supply import services
from servicelane.supply.choices import LineStatus
from servicelane.supply.models import CentreStock, PartOrder
from servicelane.supply.tests.conftest import part_line
from servicelane.testing.clients import client_of
from servicelane.testing.personas import member, network_staff

pytestmark = pytest.mark.django_db

NEW = reverse("supply:new")
PREVIEW = reverse("supply:preview")


def order_post(kind="urgent", lines=(), **extra):
    data = {"kind": kind, "rows": str(max(len(lines), 5)), **extra}
    for i, (number, quantity) in enumerate(lines):
        data[f"number_{i}"] = number
        data[f"quantity_{i}"] = quantity
    return data


def place(clerk, beijing, lines, kind="urgent", **kw):
    return services.part_order_place(
        actor=clerk,
        workshop=beijing,
        kind=kind,
        lines=[{"number": n, "quantity": q} for n, q in lines],
        **kw,
    )


# ---------------------------------------------------------------- the order form


def test_the_form_explains_each_order_type_and_is_prefilled_from_a_link(
    clerk_client, stocked, catalogue, repair_order
):
    response = clerk_client.get(
        NEW,
        {
            "kind": "stock",
            "lines": f"{catalogue.pads.number}:4,11427953129:2",
            "repair_order": repair_order.number,
        },
    )

    page = response.content.decode()
    assert response.status_code == 200
    assert "packed within 90 minutes, around the clock" in page
    assert "packed by the close of the third working day" in page
    assert 'value="stock" id="id_kind_3" checked' in page
    assert f'name="number_0" value="{catalogue.pads.number}"' in page
    assert 'name="quantity_1" value="2"' in page
    assert 'name="number_4" value=""' in page  # blank rows to type more
    assert f'<option value="{repair_order.number}" selected>' in page
    assert f'hx-post="{PREVIEW}"' in page


def test_checking_availability_without_js_shows_centre_and_arrival_before_placing(
    clerk_client, stocked, catalogue, morning
):
    response = clerk_client.post(
        NEW,
        order_post(
            lines=[
                (catalogue.pads.number, "2"),
                ("11 42 7 953 129", "1"),
                (catalogue.disc.number, "1"),
            ],
            preview="1",
        ),
    )

    page = response.content.decode()
    assert response.status_code == 200
    assert "<html" in page
    assert 'id="plan"' in page
    assert "Beijing" in page and "home centre" in page  # the pads
    assert "Shanghai" in page  # the oil filter Beijing lacks
    assert "back-order" in page  # the disc nobody has
    # Urgent at 10:00 Beijing time: packed by 13:00, here at 19:00 from Beijing (6 h)
    # and the next day from Shanghai (30 h), in the workshop's time.
    assert "<td>03/10/2026 1 p.m.</td>" in page
    assert "<b>03/10/2026 7 p.m.</b>" in page and "<b>03/11/2026 7 p.m.</b>" in page
    assert "Split shipment" in page
    assert "Place order" in page
    assert not PartOrder.objects.exists()


def test_checking_availability_with_htmx_swaps_the_form_only(clerk_client, stocked, catalogue):
    response = clerk_client.post(
        PREVIEW,
        order_post(lines=[("11427953129", "1")], preview="1"),
        headers={"HX-Request": "true"},
    )

    page = response.content.decode()
    assert response.status_code == 200
    assert "<html" not in page
    assert page.lstrip().startswith("<form") and 'id="order-form"' in page
    assert "Shanghai" in page and "Place order" in page


def test_bad_lines_are_named_inline_and_nothing_is_placed(clerk_client, stocked, catalogue):
    response = clerk_client.post(
        NEW,
        order_post(
            lines=[
                (catalogue.pads.number, "1"),
                ("", ""),
                ("12345", "1"),
                (catalogue.engine_oil.number, "-3"),
            ],
            place="1",
        ),
    )

    page = response.content.decode()
    assert response.status_code == 400
    assert 'id="line-errors"' in page
    # The empty row is dropped, so the lines are numbered as they come back.
    assert "Line 2: no part with the number “12345” in the catalogue." in page
    assert "Line 3: The quantity must be more than zero." in page
    assert 'name="number_1" value="12345"' in page
    assert not PartOrder.objects.exists()
    assert CentreStock.objects.filter(allocated__gt=0).count() == 0


def test_adding_a_row_keeps_what_was_typed(clerk_client, stocked, catalogue):
    data = order_post(lines=[(catalogue.pads.number, "1")] * 5, add_row="1")
    response = clerk_client.post(NEW, data)

    page = response.content.decode()
    assert 'name="number_5" value=""' in page
    assert page.count(f'value="{catalogue.pads.number}"') == 5
    assert not PartOrder.objects.exists()


def test_placing_the_order_leads_to_its_page(clerk_client, beijing, stocked, catalogue, morning):
    response = clerk_client.post(
        NEW, order_post(lines=[("11427953129", "2")], note="Für Herrn Li", place="1")
    )

    order = PartOrder.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("supply:detail", kwargs={"order_number": order.number})
    page = clerk_client.get(response["Location"]).content.decode()
    assert order.number in page and "placed" in page
    assert "Shanghai" in page and "Being picked" in page
    assert "03/11/2026" in page  # promised arrival the next day


def test_a_vehicle_off_road_order_without_repair_order_is_refused_inline(
    clerk_client, stocked, catalogue
):
    response = clerk_client.post(
        NEW, order_post(kind="vor", lines=[("11427953129", "1")], place="1")
    )

    assert response.status_code == 400
    assert (
        "A vehicle-off-road order names the repair order of the car." in response.content.decode()
    )
    assert not PartOrder.objects.exists()


def test_an_advisor_may_not_order(advisor_bj, stocked):
    assert client_of(advisor_bj).get(NEW).status_code == 403


# ---------------------------------------------------------------- list, detail, cancel


def test_the_list_shows_orders_with_lines_and_arrivals_without_n_plus_one(
    clerk, clerk_client, beijing, stocked, catalogue, repair_order, django_assert_max_num_queries
):
    place(clerk, beijing, [(catalogue.pads.number, 1)])
    with django_assert_max_num_queries(25) as one:
        clerk_client.get(reverse("supply:orders"))
    baseline = len(one.captured_queries)
    for _ in range(4):
        place(
            clerk,
            beijing,
            [(catalogue.pads.number, 1), (catalogue.oil_filter.number, 1)],
            kind="vor",
            repair_order=repair_order,
        )

    with django_assert_max_num_queries(baseline):
        response = clerk_client.get(reverse("supply:orders"))

    page = response.content.decode()
    assert page.count(">BJ-P0000") == 5
    assert repair_order.number in page
    assert "Vehicle off road" in page


def test_the_list_filters_by_status(clerk, clerk_client, beijing, stocked, catalogue):
    kept = place(clerk, beijing, [(catalogue.pads.number, 1)])
    gone = place(clerk, beijing, [(catalogue.pads.number, 1)])
    services.part_order_cancel(actor=clerk, order=gone)

    page = clerk_client.get(reverse("supply:orders"), {"status": "cancelled"}).content.decode()

    assert gone.number in page and kept.number not in page


def test_another_workshops_order_is_not_found(clerk, beijing, freiburg, stocked, catalogue):
    order = place(clerk, beijing, [(catalogue.pads.number, 1)])
    outsider = member(freiburg, WorkshopRole.PARTS_CLERK, email="parts@freiburg.test")
    client = client_of(outsider)

    url = reverse("supply:detail", kwargs={"order_number": order.number})
    assert client.get(url).status_code == 404
    assert (
        client.post(reverse("supply:cancel", kwargs={"order_number": order.number})).status_code
        == 404
    )
    assert order.lines.get().status == LineStatus.ALLOCATED


def test_cancel_button_cancels_what_has_not_shipped(
    clerk, clerk_client, beijing, stocked, catalogue
):
    order = place(clerk, beijing, [(catalogue.pads.number, 2)])
    url = reverse("supply:detail", kwargs={"order_number": order.number})
    assert "Cancel what has not shipped" in clerk_client.get(url).content.decode()

    response = clerk_client.post(
        reverse("supply:cancel", kwargs={"order_number": order.number}), follow=True
    )

    assert "is cancelled" in response.content.decode()
    assert CentreStock.objects.get(centre=stocked.beijing, part=catalogue.pads).allocated == 0


# ---------------------------------------------------------------- goods receipt


def test_receiving_goods_fills_the_waiting_reservation(
    clerk, clerk_client, beijing, advisor_bj, stocked, catalogue, admin_staff, repair_order
):
    line = part_line(repair_order, advisor_bj, catalogue.oil_filter)
    store.part_reserve(actor=clerk, job_line=line)
    order = place(clerk, beijing, [(catalogue.oil_filter.number, 1)])
    services.centre_ship(actor=admin_staff, centre=stocked.shanghai, order=order)
    detail = reverse("supply:detail", kwargs={"order_number": order.number})
    receive = reverse("supply:receive", kwargs={"order_number": order.number})
    page = clerk_client.get(detail).content.decode()
    assert receive in page and repair_order.number in page  # the reservation it brings

    form = clerk_client.get(receive).content.decode()
    order_line = order.lines.get()
    assert f'name="line_{order_line.pk}" value="1"' in form  # the outstanding quantity

    response = clerk_client.post(receive, {f"line_{order_line.pk}": "1"}, follow=True)

    page = response.content.decode()
    assert f"held for RO {repair_order.number}" in page
    assert "Received" in page
    assert StockMovement.objects.filter(part_order_number=order.number, quantity=1).exists()


def test_receiving_more_than_shipped_shows_an_inline_error_and_books_nothing(
    clerk, clerk_client, beijing, stocked, catalogue, admin_staff
):
    order = place(clerk, beijing, [(catalogue.pads.number, 2), (catalogue.engine_oil.number, 1)])
    services.centre_ship(actor=admin_staff, centre=stocked.beijing, order=order)
    pads, oil = order.lines.order_by("position")

    response = clerk_client.post(
        reverse("supply:receive", kwargs={"order_number": order.number}),
        {f"line_{pads.pk}": "2", f"line_{oil.pk}": "3"},
    )

    page = response.content.decode()
    assert response.status_code == 400
    assert f'id="id_line_{oil.pk}-error"' in page
    assert "Only 1 of 83 21 2 465 849 were shipped and not yet received." in page
    assert not StockMovement.objects.exists()


# ---------------------------------------------------------------- centres


def test_workshop_users_cannot_open_the_centres(clerk_client, stocked):
    assert clerk_client.get(reverse("centres:list")).status_code == 403
    assert (
        clerk_client.get(reverse("centres:detail", kwargs={"code": "beijing"})).status_code == 403
    )


def test_another_networks_staff_do_not_find_the_centre(stocked):
    foreign = network_staff(
        cast(Network, NetworkFactory()), NetworkRole.NETWORK_ADMIN, email="x@other.test"
    )
    client = client_of(foreign)

    assert client.get(reverse("centres:detail", kwargs={"code": "beijing"})).status_code == 404
    assert "Beijing" not in client.get(reverse("centres:list")).content.decode()


def test_the_centre_list_shows_work_and_closed_days_without_n_plus_one(
    clerk, beijing, stocked, catalogue, support, django_assert_max_num_queries
):
    place(clerk, beijing, [(catalogue.pads.number, 1), (catalogue.disc.number, 1)])
    client = client_of(support)

    with django_assert_max_num_queries(15):
        response = client.get(reverse("centres:list"))

    page = response.content.decode()
    assert response.status_code == 200
    assert "Beijing" in page and "Shanghai" in page and "Foshan" in page
    assert '<span class="badge warn">1</span>' in page  # the disc waits, for every centre


def test_network_admin_ships_an_order_from_the_pick_list(
    clerk, beijing, stocked, catalogue, admin_staff
):
    order = place(clerk, beijing, [(catalogue.pads.number, 3)], kind="super_urgent")
    client = client_of(admin_staff)
    url = reverse("centres:detail", kwargs={"code": "beijing"})

    page = client.get(url).content.decode()
    assert order.number in page and beijing.name in page and "Super-urgent" in page
    assert 'action="/centres/beijing/ship/"' in page
    # The pickers read the number in the network's groups, as on the part's label.
    assert f'<td class="mono">{catalogue.pads.display_number()}</td>' in page

    response = client.post(
        reverse("centres:ship", kwargs={"code": "beijing"}), {"order": order.pk}, follow=True
    )

    assert f"of {order.number} shipped" in response.content.decode()
    assert order.lines.get().status == LineStatus.SHIPPED
    assert CentreStock.objects.get(centre=stocked.beijing, part=catalogue.pads).on_hand == 17


def test_network_support_sees_the_pick_list_but_cannot_ship(
    clerk, beijing, stocked, catalogue, support
):
    order = place(clerk, beijing, [(catalogue.pads.number, 3)])
    client = client_of(support)

    page = client.get(reverse("centres:detail", kwargs={"code": "beijing"})).content.decode()
    assert order.number in page and "/ship/" not in page

    response = client.post(reverse("centres:ship", kwargs={"code": "beijing"}), {"order": order.pk})

    assert response.status_code == 403
    assert order.lines.get().status == LineStatus.ALLOCATED


def test_goods_in_allocate_back_orders_and_say_which(
    clerk, beijing, stocked, catalogue, admin_staff
):
    order = place(clerk, beijing, [(catalogue.disc.number, 2)])
    client = client_of(admin_staff)

    response = client.post(
        reverse("centres:goods_in", kwargs={"code": "foshan"}),
        {"number": "34 11 6 860 911", "quantity": "5"},
        follow=True,
    )

    page = response.content.decode()
    assert f"{order.number} (BJ) line 1 × 2" in page
    line = order.lines.get()
    assert (line.status, line.centre) == (LineStatus.ALLOCATED, stocked.foshan)
    assert CentreStock.objects.get(centre=stocked.foshan, part=catalogue.disc).allocated == 2


def test_goods_in_with_a_bad_quantity_or_number_show_inline_errors(stocked, admin_staff):
    client = client_of(admin_staff)
    url = reverse("centres:goods_in", kwargs={"code": "foshan"})

    bad_quantity = client.post(url, {"number": "34116860911", "quantity": "-1"})
    unknown = client.post(url, {"number": "00000", "quantity": "1"})

    assert bad_quantity.status_code == 400
    assert "The quantity must be more than zero." in bad_quantity.content.decode()
    assert "No part with this number in the catalogue." in unknown.content.decode()
    assert not CentreStock.objects.filter(centre=stocked.foshan).exclude(on_hand__gt=0).exists()


def test_stock_search_shows_on_hand_allocated_and_free(clerk, beijing, stocked, catalogue, support):
    place(clerk, beijing, [(catalogue.oil_filter.number, 3)])
    client = client_of(support)

    page = client.get(
        reverse("centres:detail", kwargs={"code": "shanghai"}), {"part": "11427635557"}
    ).content.decode()

    assert "replaces 11427635557" in page
    assert "<dt>On hand</dt><dd>4</dd>" in page
    assert "<dt>Allocated</dt><dd>3</dd>" in page
    assert "<dt>Free</dt><dd><b>1</b></dd>" in page


# ---------------------------------------------------------------- the part's page


def test_the_parts_page_shows_the_store_to_the_workshop_and_centres_to_staff(
    clerk, clerk_client, beijing, stocked, catalogue, admin_staff
):
    store.stock_item_set(
        actor=clerk,
        workshop=beijing,
        part=catalogue.pads,
        bin_location="A-01-1",
        minimum=1,
        maximum=4,
    )
    url = reverse("parts:detail", kwargs={"number": catalogue.pads.number})

    page = clerk_client.get(url).content.decode()
    assert 'id="store-stock"' in page and "A-01-1" in page
    assert 'id="centre-stock"' not in page

    staff_page = client_of(admin_staff).get(url).content.decode()
    assert 'id="centre-stock"' in staff_page
    assert "Beijing" in staff_page and "Shanghai" in staff_page


def test_with_htmx_a_refusal_is_swapped_in_inline(clerk_client, stocked):
    response = clerk_client.post(
        PREVIEW,
        order_post(lines=[("nonsense", "1")], preview="1"),
        headers={"HX-Request": "true"},
    )

    page = response.content.decode()
    assert response.status_code == 200  # htmx swaps only successful answers
    assert 'id="line-errors"' in page and "Line 1: no part with the number" in page
    assert 'id="plan"' not in page


def test_a_huge_quantity_typed_in_the_order_form_is_named_inline(clerk_client, stocked, catalogue):
    response = clerk_client.post(
        NEW, order_post(lines=[(catalogue.pads.number, "1e30")], place="1")
    )

    assert response.status_code == 400
    assert "Line 1: Enter a number up to 99999." in response.content.decode()
    assert not PartOrder.objects.exists()


def test_a_huge_quantity_in_the_receipt_form_is_shown_at_the_line(
    clerk, clerk_client, beijing, stocked, catalogue, admin_staff
):
    order = place(clerk, beijing, [(catalogue.pads.number, 2)])
    services.centre_ship(actor=admin_staff, centre=stocked.beijing, order=order)
    line = order.lines.get()

    response = clerk_client.post(
        reverse("supply:receive", kwargs={"order_number": order.number}),
        {f"line_{line.pk}": "1e400"},
    )

    assert response.status_code == 400
    page = response.content.decode()
    assert f'id="id_line_{line.pk}-error"' in page and "Enter a number up to 99999." in page
    assert not StockMovement.objects.exists()


def test_goods_in_of_a_huge_quantity_is_shown_inline(stocked, admin_staff):
    client = client_of(admin_staff)
    url = reverse("centres:goods_in", kwargs={"code": "foshan"})

    response = client.post(url, {"number": "34116860911", "quantity": "1e30"})

    assert response.status_code == 400
    assert "Enter a number up to 99999." in response.content.decode()
