"""What the store's screens and API read: the stock search, the count sheet's rows and
the reorder suggestions' figures."""

from decimal import Decimal
from typing import cast

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext

from servicelane.parts.models import Part
from servicelane.parts.tests.factories import PartFactory
from servicelane.store import selectors, services
from servicelane.store.tests.conftest import part_line, stock
from servicelane.supply.services import part_order_place
from servicelane.testing.scenarios import walk_in

pytestmark = pytest.mark.django_db


def numbers_of(items) -> list[str]:
    return [item.part.number for item in items]


def test_the_stock_search_finds_number_prefixes_typed_any_way_names_and_bins(
    freiburg, clerk, catalogue
):
    stock(freiburg, clerk, catalogue.oil_filter, 3, bin_location="A-01-1", minimum=4, maximum=8)
    stock(freiburg, clerk, catalogue.pads, 6, bin_location="B-02-1", minimum=2, maximum=8)
    items = selectors.store_items(user=clerk, workshop=freiburg)

    assert numbers_of(selectors.stock_search(items, "11 42-7")) == [catalogue.oil_filter.number]
    assert numbers_of(selectors.stock_search(items, "Bremsbelag")) == [catalogue.pads.number]
    assert numbers_of(selectors.stock_search(items, "b-02")) == [catalogue.pads.number]
    assert numbers_of(selectors.stock_search(items, "", below_minimum=True)) == [
        catalogue.oil_filter.number
    ]
    assert numbers_of(selectors.stock_search(items, "nothing like it")) == []


def test_the_figures_of_a_page_show_held_waiting_free_and_on_order(
    freiburg, clerk, advisor, catalogue, ro
):
    stock(freiburg, clerk, catalogue.oil_filter, 3)
    services.part_reserve(actor=advisor, job_line=part_line(ro, advisor, catalogue.oil_filter, 2))
    services.part_reserve(actor=advisor, job_line=part_line(ro, advisor, catalogue.oil_filter, 4))

    [row] = selectors.with_figures(selectors.store_items(user=clerk, workshop=freiburg), freiburg)

    assert (row.item.on_hand, row.held, row.waiting, row.free, row.on_order) == (3, 2, 4, 1, 0)
    assert row.display_number == "11 42 7 953 129"


def test_another_workshops_store_is_not_read(freiburg, beijing, clerk, clerk_bj, catalogue):
    stock(beijing, clerk_bj, catalogue.oil_filter, 3)

    assert not selectors.store_items(user=clerk, workshop=freiburg).exists()
    assert not selectors.store_items(user=clerk, workshop=beijing).exists()


# ---------------------------------------------------------------- count sheets


def test_count_rows_name_each_bad_line_and_skip_empty_ones(freiburg, clerk, catalogue):
    stock(freiburg, clerk, catalogue.oil_filter, 3)

    with pytest.raises(ValidationError) as excinfo:
        selectors.count_parts(
            workshop=freiburg,
            lines=[
                ("11 42 7 953 129", "3"),
                ("", ""),
                ("99999999999", "1"),
                (catalogue.pads.number, "-1"),
                (catalogue.pads.number, ""),
                ("", "4"),
                ("11427953129", "2"),
            ],
        )

    errors = excinfo.value.message_dict
    assert errors == {
        "lines.2.number": ["Line 3: no part with the number “99999999999” in the catalogue."],
        "lines.3.counted": ["Line 4: Enter a number that is not negative."],
        "lines.4.counted": ["Line 5: enter the quantity counted."],
        "lines.5.number": ["Line 6: enter the part number."],
        "lines.6.number": ["Line 7: this part is counted on line 1 already."],
    }


def test_an_old_number_counts_for_the_part_the_store_keeps(freiburg, clerk, catalogue):
    stock(freiburg, clerk, catalogue.oil_filter, 3)

    [(part, quantity)] = selectors.count_parts(workshop=freiburg, lines=[("11 42 7 566 327", "2")])

    assert part == catalogue.oil_filter and quantity == Decimal(2)


def test_a_part_of_another_network_is_unknown(freiburg, catalogue):
    with pytest.raises(ValidationError) as excinfo:
        selectors.count_parts(workshop=freiburg, lines=[(catalogue.foreign.number, "1")])
    assert "lines.0.number" in excinfo.value.message_dict


# ---------------------------------------------------------------- reorder suggestions


def by_number(found: selectors.ReorderSuggestions) -> dict[str, selectors.Suggestion]:
    return {s.item.part.number: s for s in found.suggestions}


def test_reorder_suggests_up_to_the_maximum_below_the_minimum_and_covers_reservations(
    freiburg, clerk, advisor, catalogue, ro
):
    stock(freiburg, clerk, catalogue.oil_filter, 3, minimum=4, maximum=10)
    services.part_reserve(actor=advisor, job_line=part_line(ro, advisor, catalogue.oil_filter, 1))
    stock(freiburg, clerk, catalogue.pads, 0)  # no minimum: only for its reservations
    services.part_reserve(actor=advisor, job_line=part_line(ro, advisor, catalogue.pads, 2))
    stock(freiburg, clerk, catalogue.disc, 1, minimum=2, maximum=6)
    services.part_reserve(actor=advisor, job_line=part_line(ro, advisor, catalogue.disc, 3))
    stock(freiburg, clerk, catalogue.engine_oil, 5, minimum=2, maximum=8)  # enough

    found = by_number(selectors.reorder_suggestions(user=clerk, workshop=freiburg))

    filter_, pads, disc = (
        found[catalogue.oil_filter.number],
        found[catalogue.pads.number],
        found[catalogue.disc.number],
    )
    assert (filter_.on_hand, filter_.held, filter_.waiting, filter_.projected) == (3, 1, 0, 2)
    assert (filter_.quantity, filter_.reason) == (8, "minimum")
    assert (pads.waiting, pads.projected, pads.quantity, pads.reason) == (
        2,
        -2,
        2,
        "reservations",
    )
    assert (disc.held, disc.waiting, disc.projected, disc.quantity) == (0, 3, -2, 8)
    assert catalogue.engine_oil.number not in found


def test_reorder_counts_what_is_on_order(beijing, clerk_bj, advisor_bj, catalogue, centres):
    stock(beijing, clerk_bj, catalogue.oil_filter, 0, minimum=2, maximum=6)
    stock(beijing, clerk_bj, catalogue.engine_oil, 0, minimum=3, maximum=9)
    stock(beijing, clerk_bj, catalogue.pads, 0)
    ro_bj = walk_in(beijing, advisor_bj)
    services.part_reserve(
        actor=advisor_bj, job_line=part_line(ro_bj, advisor_bj, catalogue.pads, 2)
    )
    before = by_number(selectors.reorder_suggestions(user=clerk_bj, workshop=beijing))
    assert set(before) == {
        catalogue.oil_filter.number,
        catalogue.engine_oil.number,
        catalogue.pads.number,
    }

    part_order_place(
        actor=clerk_bj,
        workshop=beijing,
        kind="stock",
        lines=[
            {"number": catalogue.oil_filter.number, "quantity": "4"},
            {"number": catalogue.engine_oil.number, "quantity": "1"},
            {"number": catalogue.pads.number, "quantity": "2"},
        ],
    )

    after = by_number(selectors.reorder_suggestions(user=clerk_bj, workshop=beijing))
    assert list(after) == [catalogue.engine_oil.number]
    oil = after[catalogue.engine_oil.number]
    assert (oil.on_order, oil.projected, oil.quantity) == (1, 1, 8)


def test_the_order_link_lists_every_suggestion_as_number_and_quantity(freiburg, clerk, catalogue):
    stock(freiburg, clerk, catalogue.oil_filter, 1, bin_location="A-1", minimum=2, maximum=5)
    stock(freiburg, clerk, catalogue.engine_oil, "0.5", bin_location="B-1", minimum=1, maximum=4)

    found = selectors.reorder_suggestions(user=clerk, workshop=freiburg)

    assert found.order_url == (
        f"/part-orders/new/?kind=stock&lines={catalogue.oil_filter.number}:4,"
        f"{catalogue.engine_oil.number}:3.5"
    )


def test_reorder_reads_a_large_store_in_a_fixed_number_of_queries(
    freiburg, clerk, network, catalogue
):
    def build(n: int) -> None:
        for _i in range(n):
            stock(
                freiburg, clerk, cast(Part, PartFactory(network=network)), 0, minimum=1, maximum=3
            )

    build(3)
    with CaptureQueriesContext(connection) as small:
        assert len(selectors.reorder_suggestions(user=clerk, workshop=freiburg).suggestions) == 3
    build(12)
    with CaptureQueriesContext(connection) as large:
        assert len(selectors.reorder_suggestions(user=clerk, workshop=freiburg).suggestions) == 15
    assert len(large.captured_queries) == len(small.captured_queries) <= 5
