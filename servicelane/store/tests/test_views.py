"""The clerk's store screens: the stock list, a part's page with its settings, ledger
and reservations, stock counts, reorder suggestions; who may change what."""

from typing import cast

import pytest

from servicelane.core.choices import NetworkRole
from servicelane.core.middleware import SESSION_WORKSHOP_KEY
from servicelane.parts.models import Part
from servicelane.parts.tests.factories import PartFactory
from servicelane.store import services
from servicelane.store.models import StockCount, StockItem, StockMovement
from servicelane.store.tests.conftest import part_line, stock
from servicelane.testing.clients import client_of
from servicelane.testing.personas import network_staff
from servicelane.testing.scenarios import agreed
from servicelane.workorders.models import JobLine

pytestmark = pytest.mark.django_db


@pytest.fixture
def shelves(freiburg, clerk, advisor, catalogue, ro):
    """Oil filters below their minimum with one held for the order; pads waiting."""
    stock(freiburg, clerk, catalogue.oil_filter, 3, bin_location="A-01-1", minimum=4, maximum=10)
    stock(freiburg, clerk, catalogue.pads, 0, bin_location="B-02-1")
    stock(freiburg, clerk, catalogue.engine_oil, 20, bin_location="C-01-1", minimum=5, maximum=30)
    held = services.part_reserve(
        actor=advisor, job_line=part_line(ro, advisor, catalogue.oil_filter, 1)
    )
    waiting = services.part_reserve(
        actor=advisor, job_line=part_line(ro, advisor, catalogue.pads, 2)
    )
    return {"held": held, "waiting": waiting}


# ---------------------------------------------------------------- the stock list


def test_the_stock_list_shows_each_parts_figures(clerk_client, shelves, catalogue):
    response = clerk_client.get("/store/")

    assert response.status_code == 200
    page = response.content.decode()
    assert 'id="stock-list"' in page
    assert "11 42 7 953 129" in page and "Oil filter element" in page
    assert "A-01-1" in page and "B-02-1" in page
    assert "below minimum" in page  # the filters: 3 on hand, minimum 4
    assert 'href="/store/11427953129/"' in page
    assert "3 parts in store" in page


def test_the_list_searches_and_filters_below_minimum(clerk_client, shelves, catalogue):
    page = clerk_client.get("/store/", {"q": "11 42"}).content.decode()
    assert "11 42 7 953 129" in page and "Brake pad" not in page

    page = clerk_client.get("/store/", {"below_minimum": "on"}).content.decode()
    assert "11 42 7 953 129" in page and "Engine oil" not in page and "Brake pad" not in page

    response = clerk_client.get("/store/", {"q": "Brake"}, headers={"HX-Request": "true"})
    assert "<html" not in response.content.decode()
    assert "Brake pad set front" in response.content.decode()


def test_every_workshop_role_reads_the_store(technician, shelves):
    response = client_of(technician).get("/store/")

    assert response.status_code == 200
    assert "New stock count" not in response.content.decode()


def test_the_list_costs_the_same_queries_for_many_parts(
    freiburg, clerk, clerk_client, network, catalogue, django_assert_max_num_queries
):
    stock(freiburg, clerk, catalogue.oil_filter, 1)
    with django_assert_max_num_queries(20) as few:
        clerk_client.get("/store/")
    for _i in range(24):
        stock(freiburg, clerk, cast(Part, PartFactory(network=network)), 2, minimum=1, maximum=4)
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = clerk_client.get("/store/")
    assert "25 parts in store" in response.content.decode()


def test_network_staff_read_the_store_of_the_workshop_they_chose(network, freiburg, shelves):
    staff = network_staff(network, NetworkRole.NETWORK_SUPPORT, email="support@net.test")
    client = client_of(staff)

    assert client.get("/store/").status_code == 403  # the whole network has no one store

    session = client.session
    session[SESSION_WORKSHOP_KEY] = freiburg.pk
    session.save()
    response = client.get("/store/")
    assert response.status_code == 200 and "11 42 7 953 129" in response.content.decode()
    assert client.post("/store/11427953129/", {"minimum": "1", "maximum": "2"}).status_code == 403


# ---------------------------------------------------------------- a part's page


def test_the_part_page_shows_figures_reservations_and_the_ledger(
    clerk_client, shelves, catalogue, ro
):
    response = clerk_client.get("/store/11 42-7.953 129/")

    assert response.status_code == 200
    page = response.content.decode()
    assert "Oil filter element" in page
    assert 'id="reservations"' in page and ro.number in page
    assert f'href="/repair-orders/{ro.pk}/"' in page
    assert "Held in store" in page
    assert "Goods receipt" in page  # the ledger's one movement
    assert 'name="minimum"' in page  # the clerk may change the settings


def test_a_waiting_reservation_shows_it_is_not_ordered_yet(clerk_client, shelves, catalogue):
    page = clerk_client.get(f"/store/{catalogue.pads.number}/").content.decode()

    assert "Waiting for goods" in page and "not ordered yet" in page


def test_the_ledger_links_issues_to_their_repair_order_and_counts_to_the_count(
    freiburg, clerk, advisor, clerk_client, shelves, catalogue, ro
):
    line = JobLine.objects.get(pk=shelves["held"].job_line_ref)
    agreed(advisor, line)
    services.part_issue(actor=clerk, job_line=line)
    count = services.stock_count_record(
        actor=clerk, workshop=freiburg, counts=[(catalogue.oil_filter, "1")]
    )

    page = clerk_client.get(f"/store/{catalogue.oil_filter.number}/").content.decode()

    assert "Issued to repair order" in page and "Stock count difference" in page
    assert f'href="/repair-orders/{ro.pk}/"' in page
    assert f'href="/store/counts/{count.pk}/"' in page


def test_saving_bin_and_limits(clerk_client, shelves, catalogue, freiburg):
    response = clerk_client.post(
        f"/store/{catalogue.oil_filter.number}/",
        {"bin_location": "d-09-2", "minimum": "2", "maximum": "12"},
    )

    assert response.status_code == 302
    item = StockItem.objects.get(workshop=freiburg, part=catalogue.oil_filter)
    assert (item.bin_location, item.minimum, item.maximum) == ("D-09-2", 2, 12)
    assert item.on_hand == 3  # the quantity is not a setting


def test_a_minimum_above_the_maximum_is_shown_at_the_field_and_nothing_changes(
    clerk_client, shelves, catalogue, freiburg
):
    response = clerk_client.post(
        f"/store/{catalogue.oil_filter.number}/",
        {"bin_location": "Z-1", "minimum": "9", "maximum": "3"},
    )

    assert response.status_code == 400
    page = response.content.decode()
    assert 'id="id_maximum-error"' in page
    assert "The maximum must not be below the minimum." in page
    item = StockItem.objects.get(workshop=freiburg, part=catalogue.oil_filter)
    assert (item.bin_location, item.minimum, item.maximum) == ("A-01-1", 4, 10)


def test_a_non_numeric_minimum_is_shown_at_the_field(clerk_client, shelves, catalogue):
    response = clerk_client.post(
        f"/store/{catalogue.oil_filter.number}/", {"minimum": "a few", "maximum": "3"}
    )

    assert response.status_code == 400
    assert 'id="id_minimum-error"' in response.content.decode()


def test_a_technician_sees_no_settings_and_cannot_change_them(
    technician, shelves, catalogue, freiburg
):
    client = client_of(technician)

    page = client.get(f"/store/{catalogue.oil_filter.number}/").content.decode()
    assert 'name="minimum"' not in page

    response = client.post(
        f"/store/{catalogue.oil_filter.number}/", {"minimum": "0", "maximum": "0"}
    )
    assert response.status_code == 403
    assert StockItem.objects.get(workshop=freiburg, part=catalogue.oil_filter).minimum == 4


def test_an_old_number_leads_to_the_part_the_store_keeps(clerk_client, shelves, catalogue):
    response = clerk_client.get("/store/11 42 7 566 327/", follow=True)

    assert response.redirect_chain[-1][0] == "/store/11427953129/"
    assert "has been replaced" in response.content.decode()


def test_a_part_the_store_does_not_keep_is_a_friendly_404_offering_to_keep_it(
    clerk_client, shelves, catalogue, freiburg
):
    response = clerk_client.get(f"/store/{catalogue.disc.number}/")

    assert response.status_code == 404
    page = response.content.decode()
    assert "does not keep" in page and "Brake disc front" in page
    assert 'id="take-in"' in page

    response = clerk_client.post(
        f"/store/{catalogue.disc.number}/", {"bin_location": "E-1", "minimum": "1", "maximum": "2"}
    )
    assert response.status_code == 302
    assert StockItem.objects.get(workshop=freiburg, part=catalogue.disc).on_hand == 0


def test_an_unknown_number_is_a_friendly_404(clerk_client, shelves):
    response = clerk_client.get("/store/99 99/")

    assert response.status_code == 404
    assert "The catalogue has no part with the number" in response.content.decode()
    assert clerk_client.post("/store/9999/", {"minimum": "1", "maximum": "1"}).status_code == 404


def test_another_workshops_store_is_not_found(beijing, clerk_bj, clerk_client, catalogue):
    stock(beijing, clerk_bj, catalogue.disc, 7, bin_location="SECRET-BIN")
    count = services.stock_count_record(
        actor=clerk_bj, workshop=beijing, counts=[(catalogue.disc, "6")]
    )

    response = clerk_client.get(f"/store/{catalogue.disc.number}/")
    assert response.status_code == 404
    assert "SECRET-BIN" not in response.content.decode()
    assert clerk_client.get(f"/store/counts/{count.pk}/").status_code == 404
    assert "SECRET-BIN" not in clerk_client.get("/store/").content.decode()
    assert "SECRET-BIN" not in clerk_client.get("/store/reorder/").content.decode()


# ---------------------------------------------------------------- counts


def count_post(rows: list[tuple[str, str]], **extra: str) -> dict[str, str]:
    data = {
        "form-TOTAL_FORMS": str(len(rows)),
        "form-INITIAL_FORMS": "0",
        "form-MIN_NUM_FORMS": "0",
        "form-MAX_NUM_FORMS": "500",
        **extra,
    }
    for i, (number, counted) in enumerate(rows):
        data[f"form-{i}-number"] = number
        data[f"form-{i}-counted"] = counted
    return data


def test_the_count_sheet_has_rows_and_lists_a_shelf(clerk_client, shelves):
    page = clerk_client.get("/store/counts/new/").content.decode()
    assert page.count('name="form-') >= 20  # ten rows of number and quantity
    assert 'name="form-9-counted"' in page

    page = clerk_client.get("/store/counts/new/", {"bin": "a-01"}).content.decode()
    assert 'value="11 42 7 953 129"' in page
    assert "83 21 2 465 849" not in page  # another shelf


def test_a_count_books_the_differences_and_shows_them(freiburg, clerk_client, shelves, catalogue):
    response = clerk_client.post(
        "/store/counts/new/",
        count_post(
            [("11 42 7 953 129", "2"), ("", ""), (catalogue.engine_oil.number, "20")],
            note="Shelf A",
        ),
    )

    count = StockCount.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/store/counts/{count.pk}/"
    assert StockItem.objects.get(workshop=freiburg, part=catalogue.oil_filter).on_hand == 2
    page = clerk_client.get(response["Location"]).content.decode()
    assert "Shelf A" in page
    assert "11 42 7 953 129" in page and ">-1<" in page  # expected 3, counted 2
    assert page.count('class="flagged"') == 1  # the engine oil matched

    listing = clerk_client.get("/store/counts/").content.decode()
    assert f'href="/store/counts/{count.pk}/"' in listing


def test_a_bad_row_is_named_inline_and_nothing_is_booked(
    freiburg, clerk_client, shelves, catalogue
):
    response = clerk_client.post(
        "/store/counts/new/",
        count_post([("11427953129", "2"), ("1234", "1"), (catalogue.pads.number, "-3")]),
    )

    assert response.status_code == 400
    page = response.content.decode()
    assert "Nothing was booked" in page
    assert 'id="id_form-1-number-error"' in page
    assert "Line 2: no part with the number “1234” in the catalogue." in page
    assert 'id="id_form-2-counted-error"' in page
    assert not StockCount.objects.exists()
    assert StockItem.objects.get(workshop=freiburg, part=catalogue.oil_filter).on_hand == 3
    assert not StockMovement.objects.filter(kind="count").exists()


def test_more_rows_keep_what_was_typed(clerk_client, shelves):
    response = clerk_client.post("/store/counts/new/", count_post([("11427953129", "2")], more="1"))

    page = response.content.decode()
    assert response.status_code == 200
    assert 'value="11427953129"' in page and 'name="form-5-number"' in page
    assert not StockCount.objects.exists()


def test_only_the_store_counts(technician, advisor, shelves):
    for user in (technician, advisor):
        client = client_of(user)
        assert client.get("/store/counts/new/").status_code == 403
        assert client.post(
            "/store/counts/new/", count_post([("11427953129", "1")])
        ).status_code == (403)
        assert client.get("/store/counts/").status_code == 200
    assert not StockCount.objects.exists()


def test_a_post_without_the_rows_is_refused_without_a_crash(clerk_client, shelves):
    response = clerk_client.post("/store/counts/new/", {"last_name": "x"})

    assert response.status_code == 400
    assert not StockCount.objects.exists()


# ---------------------------------------------------------------- reorder


def test_the_reorder_page_suggests_and_links_to_the_order_form(clerk_client, shelves, catalogue):
    response = clerk_client.get("/store/reorder/")

    assert response.status_code == 200
    page = response.content.decode()
    assert 'id="suggestions"' in page
    # oil filters: 3 on hand - 1 held = 2 < 4 → up to 10: 8; pads: 2 waiting, none coming
    assert (
        f'href="/part-orders/new/?kind=stock&amp;lines={catalogue.oil_filter.number}:8,'
        f'{catalogue.pads.number}:2"'
    ) in page
    assert "reservations not covered" in page
    assert "Engine oil" not in page


def test_the_reorder_page_offers_no_order_to_who_cannot_order(technician, shelves):
    page = client_of(technician).get("/store/reorder/").content.decode()

    assert 'id="suggestions"' in page
    assert "/part-orders/new/" not in page


def test_nothing_to_reorder(freiburg, clerk, clerk_client, catalogue):
    stock(freiburg, clerk, catalogue.oil_filter, 5, minimum=1, maximum=5)

    page = clerk_client.get("/store/reorder/").content.decode()

    assert "Nothing to order" in page


def test_the_counts_and_reorder_pages_cost_the_same_queries_for_many_rows(
    freiburg, clerk, clerk_client, network, catalogue, django_assert_max_num_queries
):
    def add(n: int) -> None:
        for _i in range(n):
            part = cast(Part, PartFactory(network=network))
            stock(freiburg, clerk, part, 0, minimum=2, maximum=4)
            services.stock_count_record(actor=clerk, workshop=freiburg, counts=[(part, "1")])

    add(1)
    with django_assert_max_num_queries(20) as counts_few:
        clerk_client.get("/store/counts/")
    with django_assert_max_num_queries(20) as reorder_few:
        clerk_client.get("/store/reorder/")
    add(10)
    with django_assert_max_num_queries(len(counts_few.captured_queries)):
        assert clerk_client.get("/store/counts/").content.decode().count("/store/counts/") >= 11
    with django_assert_max_num_queries(len(reorder_few.captured_queries)):
        page = clerk_client.get("/store/reorder/").content.decode()
    assert page.count("below minimum") == 11


def test_a_huge_maximum_is_shown_at_the_field(clerk_client, shelves, catalogue, freiburg):
    response = clerk_client.post(
        f"/store/{catalogue.oil_filter.number}/", {"minimum": "1", "maximum": "1e400"}
    )

    assert response.status_code == 400
    page = response.content.decode()
    assert 'id="id_maximum-error"' in page and "Enter a number up to 99999." in page
    item = StockItem.objects.get(workshop=freiburg, part=catalogue.oil_filter)
    assert (item.minimum, item.maximum) == (4, 10)


def test_a_huge_count_is_named_at_its_row_and_nothing_is_booked(clerk_client, shelves):
    response = clerk_client.post("/store/counts/new/", count_post([("11427953129", "1e30")]))

    assert response.status_code == 400
    page = response.content.decode()
    assert 'id="id_form-0-counted-error"' in page
    assert "Line 1: Enter a number up to 99999." in page
    assert not StockCount.objects.exists()
