"""Which centre ships which quantity (supply/routing.py): home centre first when it can
fill the line, else the centre that can fill it whole and delivers soonest, else a
split (home first, then by arrival) with the rest on back-order."""

import copy
import datetime as dt
from collections import defaultdict
from decimal import Decimal

from hypothesis import given, settings
from hypothesis import strategies as st

from servicelane.supply.routing import Allocation, Source, Want, route_lines

PART, OTHER_PART = 101, 102
NOON = dt.datetime(2026, 11, 23, 4, tzinfo=dt.UTC)
HOME, SHANGHAI, FOSHAN = 1, 2, 3


def at(hours: float) -> dt.datetime:
    return NOON + dt.timedelta(hours=hours)


def centres(home: dict, shanghai: dict, foshan: dict) -> list[Source]:
    """Beijing (home, 6 h), Shanghai (30 h) and Foshan (40 h) with their free stock."""
    return [
        Source(FOSHAN, home=False, arrival=at(40), available=foshan),
        Source(HOME, home=True, arrival=at(6), available=home),
        Source(SHANGHAI, home=False, arrival=at(30), available=shanghai),
    ]


def q(value: str | int) -> Decimal:
    return Decimal(value)


def test_the_home_centre_fills_the_line_when_it_can_even_if_another_arrives_sooner():
    sources = [
        Source(HOME, home=True, arrival=at(40), available={PART: q(5)}),
        Source(SHANGHAI, home=False, arrival=at(3), available={PART: q(50)}),
    ]
    assert route_lines([Want(1, PART, q(5))], sources) == [Allocation(1, PART, q(5), HOME)]


def test_a_part_the_home_centre_lacks_comes_whole_from_the_soonest_centre_that_has_it():
    sources = centres(home={}, shanghai={PART: q(4)}, foshan={PART: q(10)})
    assert route_lines([Want(1, PART, q(4))], sources) == [Allocation(1, PART, q(4), SHANGHAI)]


def test_a_centre_that_cannot_fill_the_line_whole_is_passed_over_for_one_that_can():
    sources = centres(home={PART: q(1)}, shanghai={PART: q(2)}, foshan={PART: q(3)})
    assert route_lines([Want(1, PART, q(3))], sources) == [Allocation(1, PART, q(3), FOSHAN)]


def test_when_no_centre_has_it_all_the_line_is_split_home_first_then_by_arrival():
    sources = centres(home={PART: q(2)}, shanghai={PART: q(3)}, foshan={PART: q(4)})
    assert route_lines([Want(1, PART, q(8))], sources) == [
        Allocation(1, PART, q(2), HOME),
        Allocation(1, PART, q(3), SHANGHAI),
        Allocation(1, PART, q(3), FOSHAN),
    ]


def test_what_no_centre_has_goes_on_back_order():
    sources = centres(home={PART: q(1)}, shanghai={PART: q(0)}, foshan={})
    assert route_lines([Want(1, PART, q(4))], sources) == [
        Allocation(1, PART, q(1), HOME),
        Allocation(1, PART, q(3), None),
    ]
    assert route_lines([Want(2, OTHER_PART, q(2))], sources) == [
        Allocation(2, OTHER_PART, q(2), None)
    ]


def test_two_lines_of_the_same_part_share_the_free_stock():
    sources = centres(home={PART: q(3)}, shanghai={PART: q(2)}, foshan={})
    assert route_lines([Want(1, PART, q(2)), Want(2, PART, q(2))], sources) == [
        Allocation(1, PART, q(2), HOME),
        Allocation(2, PART, q(2), SHANGHAI),  # home has only one left
    ]
    assert route_lines([Want(1, PART, q(3)), Want(2, PART, q(3))], sources) == [
        Allocation(1, PART, q(3), HOME),
        Allocation(2, PART, q(2), SHANGHAI),
        Allocation(2, PART, q(1), None),
    ]


def test_other_parts_and_lines_do_not_disturb_each_other():
    sources = centres(home={PART: q(5)}, shanghai={OTHER_PART: q(5)}, foshan={})
    assert route_lines([Want(1, OTHER_PART, q(1)), Want(2, PART, q(5))], sources) == [
        Allocation(1, OTHER_PART, q(1), SHANGHAI),
        Allocation(2, PART, q(5), HOME),
    ]


def test_routing_does_not_change_the_sources():
    sources = centres(home={PART: q(2)}, shanghai={PART: q(3)}, foshan={PART: q(4)})
    before = copy.deepcopy(sources)
    route_lines([Want(1, PART, q(8)), Want(2, PART, q(1))], sources)
    assert sources == before
    # ... so routing the same lines again gives the same answer.
    first = route_lines([Want(1, PART, q(8))], sources)
    assert route_lines([Want(1, PART, q(8))], sources) == first


def test_litres_are_routed_in_decimal_quantities():
    sources = centres(home={PART: q("4.5")}, shanghai={PART: q("1.25")}, foshan={PART: q("0.75")})
    assert route_lines([Want(1, PART, q("6.25"))], sources) == [
        Allocation(1, PART, q("4.5"), HOME),
        Allocation(1, PART, q("1.25"), SHANGHAI),
        Allocation(1, PART, q("0.5"), FOSHAN),
    ]
    assert route_lines([Want(1, PART, q("0.75"))], sources) == [
        Allocation(1, PART, q("0.75"), HOME)
    ]


def test_no_centres_means_everything_on_back_order():
    assert route_lines([Want(1, PART, q(2))], []) == [Allocation(1, PART, q(2), None)]


# ---------------------------------------------------------------- any order, any stock

QUANTITY = st.integers(min_value=1, max_value=2000).map(lambda n: Decimal(n) / 100)
STOCK = st.integers(min_value=0, max_value=2000).map(lambda n: Decimal(n) / 100)
PARTS = st.integers(min_value=1, max_value=5)


@st.composite
def orders(draw):
    wants = [
        Want(position, draw(PARTS), draw(QUANTITY))
        for position in range(1, draw(st.integers(min_value=1, max_value=12)) + 1)
    ]
    count = draw(st.integers(min_value=0, max_value=4))
    home = draw(st.integers(min_value=-1, max_value=count - 1))
    sources = [
        Source(
            centre_id=centre_id,
            home=centre_id == home,
            arrival=at(draw(st.integers(min_value=1, max_value=48))),
            available=draw(st.dictionaries(PARTS, STOCK, max_size=5)),
        )
        for centre_id in range(count)
    ]
    return wants, sources


@settings(max_examples=300, deadline=None)
@given(orders())
def test_every_quantity_is_allocated_and_no_centre_gives_more_than_it_had(order):
    wants, sources = order
    before = copy.deepcopy(sources)
    allocations = route_lines(wants, sources)

    per_position: dict[int, Decimal] = defaultdict(Decimal)
    taken: dict[tuple[int, int], Decimal] = defaultdict(Decimal)
    back_ordered: set[int] = set()
    for allocation in allocations:
        assert allocation.quantity > 0
        per_position[allocation.position] += allocation.quantity
        if allocation.centre_id is None:
            back_ordered.add(allocation.part_id)
        else:
            taken[allocation.centre_id, allocation.part_id] += allocation.quantity
    assert per_position == {want.position: want.quantity for want in wants}
    free = {(s.centre_id, p): a for s in sources for p, a in s.available.items()}
    for key, quantity in taken.items():
        assert quantity <= free.get(key, Decimal(0)), key
    # A back-order only once every centre has given all it had of the part.
    for part_id in back_ordered:
        for source in sources:
            assert taken[source.centre_id, part_id] == source.available.get(part_id, Decimal(0))
    assert sources == before
