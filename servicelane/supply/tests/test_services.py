"""Orders to the distribution centres through the services: routing, the promise shown
before placing and stored at placing, the centres' stock, shipping, goods receipt,
back-orders and refusals that leave nothing half-booked."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from servicelane.store import services as store
from servicelane.store.choices import ReservationStatus
from servicelane.store.models import StockItem, StockMovement
from servicelane.supply import services
from servicelane.supply.choices import LineStatus, OrderStatus
from servicelane.supply.models import CentreStock, DistributionCentre, PartOrder, PartOrderLine
from servicelane.supply.tests.conftest import TUESDAY_MORNING, part_line

pytestmark = pytest.mark.django_db

UTC = dt.UTC


def code_of(centre: DistributionCentre | None) -> str:
    """The code of a line's centre; every routed line has one."""
    assert centre is not None
    return centre.code


def stock_of(centre, part) -> CentreStock:
    return CentreStock.objects.get(centre=centre, part=part)


def place(clerk, beijing, lines, kind="urgent", **kw) -> PartOrder:
    return services.part_order_place(
        actor=clerk,
        workshop=beijing,
        kind=kind,
        lines=[{"number": n, "quantity": q} for n, q in lines],
        **kw,
    )


def test_lines_come_from_home_then_another_centre_then_split_then_back_order(
    clerk, beijing, stocked, catalogue, morning
):
    order = place(
        clerk,
        beijing,
        [
            (catalogue.pads.number, 2),  # Beijing has 20
            ("11 42 7 953 129", 3),  # Beijing has none: Shanghai has 4 and is sooner
            (catalogue.disc.number, 1),  # nobody has it
        ],
    )
    second = place(clerk, beijing, [(catalogue.oil_filter.number, 12)])  # 1 + 10 left

    lines = [
        (ln.position, ln.centre and ln.centre.code, ln.quantity, ln.status)
        for ln in order.lines.select_related("centre")
    ]
    assert lines == [
        (1, "beijing", 2, LineStatus.ALLOCATED),
        (2, "shanghai", 3, LineStatus.ALLOCATED),
        (3, None, 1, LineStatus.BACK_ORDERED),
    ]
    split = [
        (ln.position, ln.centre and ln.centre.code, ln.quantity)
        for ln in second.lines.select_related("centre")
    ]
    assert split == [(1, "shanghai", 1), (1, "foshan", 10), (1, None, 1)]
    assert order.lines.get(position=2).requested_number == "11427953129"


def test_the_promise_shown_before_placing_is_the_one_stored(clerk, beijing, stocked, catalogue):
    wanted = [
        {"number": catalogue.pads.number, "quantity": 1},
        {"number": catalogue.oil_filter.number, "quantity": 1},
    ]
    plan = services.order_plan(workshop=beijing, kind="urgent", lines=wanted, at=TUESDAY_MORNING)
    order = services.part_order_place(
        actor=clerk, workshop=beijing, kind="urgent", lines=wanted, at=TUESDAY_MORNING
    )

    shown = [(code_of(ln.centre), ln.ready_at, ln.promised_at) for ln in plan.lines]
    stored = [
        (code_of(ln.centre), ln.ready_at, ln.promised_at)
        for ln in order.lines.select_related("centre")
    ]
    assert shown == stored
    # Urgent at 10:00 Beijing time: packed within 3 hours, then the tour (6 h / 30 h).
    assert stored[0][1:] == (
        dt.datetime(2026, 3, 10, 5, tzinfo=UTC),
        dt.datetime(2026, 3, 10, 11, tzinfo=UTC),
    )
    assert stored[1][2] == dt.datetime(2026, 3, 11, 11, tzinfo=UTC)
    assert plan.split and plan.promised_at == stored[1][2]


def test_a_plan_writes_nothing(beijing, stocked, catalogue):
    services.order_plan(
        workshop=beijing, kind="stock", lines=[{"number": catalogue.pads.number, "quantity": 5}]
    )
    assert not PartOrder.objects.exists()
    assert stock_of(stocked.beijing, catalogue.pads).allocated == 0


def test_placing_allocates_the_centres_stock_and_shipping_takes_it_off_the_shelf(
    clerk, beijing, stocked, catalogue, admin_staff
):
    order = place(clerk, beijing, [(catalogue.pads.number, 3), (catalogue.oil_filter.number, 2)])

    pads = stock_of(stocked.beijing, catalogue.pads)
    assert (pads.on_hand, pads.allocated) == (20, 3)
    assert stock_of(stocked.shanghai, catalogue.oil_filter).allocated == 2

    shipped = services.centre_ship(actor=admin_staff, centre=stocked.beijing, order=order)

    pads.refresh_from_db()
    assert (pads.on_hand, pads.allocated) == (17, 0)
    assert [ln.quantity_shipped for ln in shipped] == [3]
    order.refresh_from_db()
    assert order.status == OrderStatus.PLACED  # Shanghai's line is still being picked
    services.centre_ship(actor=admin_staff, centre=stocked.shanghai, order=order)
    order.refresh_from_db()
    assert order.status == OrderStatus.SHIPPED


def test_network_support_cannot_ship(clerk, beijing, stocked, catalogue, support):
    order = place(clerk, beijing, [(catalogue.pads.number, 1)])
    with pytest.raises(ValidationError):
        services.centre_ship(actor=support, centre=stocked.beijing, order=order)
    assert stock_of(stocked.beijing, catalogue.pads).on_hand == 20


@pytest.mark.parametrize(
    "bad, message",
    [
        (("34116860016", "-2"), "Line 2: The quantity must be more than zero."),
        (("34116860016", "0"), "Line 2: The quantity must be more than zero."),
        (("34116860016", "zwei"), "Line 2: Enter a number."),
        (("99999999999", "1"), "Line 2: no part with the number “99999999999” in the catalogue."),
    ],
)
def test_a_bad_line_refuses_the_whole_order_naming_the_line(
    clerk, beijing, stocked, catalogue, bad, message
):
    with pytest.raises(ValidationError) as refused:
        place(clerk, beijing, [(catalogue.pads.number, 1), bad])

    assert refused.value.message_dict["lines"] == [message]
    assert not PartOrder.objects.exists() and not PartOrderLine.objects.exists()
    assert stock_of(stocked.beijing, catalogue.pads).allocated == 0


def test_a_vehicle_off_road_order_names_its_repair_order(
    clerk, beijing, stocked, catalogue, repair_order
):
    with pytest.raises(ValidationError) as refused:
        place(clerk, beijing, [(catalogue.pads.number, 1)], kind="vor")
    assert "repair_order" in refused.value.message_dict
    assert not PartOrder.objects.exists()

    order = place(
        clerk, beijing, [(catalogue.pads.number, 1)], kind="vor", repair_order=repair_order
    )
    line = order.lines.get()
    assert line.promised_at is not None
    assert order.placed_at is not None
    # Around the clock: packed 90 minutes after placing, then the courier (3 h).
    assert line.promised_at - order.placed_at == dt.timedelta(hours=4, minutes=30)
    assert order.repair_order_ref == repair_order.pk
    assert order.repair_order_number == repair_order.number


def test_an_advisor_cannot_place_an_order(beijing, advisor_bj, stocked, catalogue):
    with pytest.raises(PermissionDenied):
        place(advisor_bj, beijing, [(catalogue.pads.number, 1)])


def test_cancelling_releases_the_allocation_but_not_what_shipped(
    clerk, beijing, stocked, catalogue, admin_staff
):
    order = place(
        clerk,
        beijing,
        [(catalogue.pads.number, 2), (catalogue.oil_filter.number, 1), (catalogue.disc.number, 1)],
    )
    services.centre_ship(actor=admin_staff, centre=stocked.beijing, order=order)

    services.part_order_cancel(actor=clerk, order=order)

    statuses = list(order.lines.values_list("status", flat=True))
    assert statuses == [LineStatus.SHIPPED, LineStatus.CANCELLED, LineStatus.CANCELLED]
    assert stock_of(stocked.shanghai, catalogue.oil_filter).allocated == 0
    assert stock_of(stocked.beijing, catalogue.pads).on_hand == 18
    with pytest.raises(ValidationError):
        services.part_order_cancel(actor=clerk, order=order)


def test_receiving_more_than_shipped_is_refused_and_nothing_is_booked(
    clerk, beijing, stocked, catalogue, admin_staff
):
    order = place(clerk, beijing, [(catalogue.pads.number, 2), (catalogue.engine_oil.number, 4)])
    services.centre_ship(actor=admin_staff, centre=stocked.beijing, order=order)
    pads, oil = order.lines.order_by("position")

    with pytest.raises(ValidationError) as refused:
        services.goods_receipt_book(actor=clerk, order=order, quantities={pads.pk: 2, oil.pk: 5})

    assert f"line_{oil.pk}" in refused.value.message_dict
    assert not StockMovement.objects.exists()
    assert not StockItem.objects.filter(on_hand__gt=0).exists()
    assert list(order.lines.values_list("quantity_received", flat=True)) == [0, 0]


def test_receiving_books_the_store_and_fills_the_waiting_reservation(
    clerk, beijing, advisor_bj, stocked, catalogue, admin_staff, repair_order
):
    line = part_line(repair_order, advisor_bj, catalogue.oil_filter, quantity=1)
    reservation = store.part_reserve(actor=clerk, job_line=line)
    assert reservation.status == ReservationStatus.WAITING

    order = place(clerk, beijing, [(catalogue.oil_filter.number, 1)])
    reservation.refresh_from_db()
    assert reservation.order_line_ref == order.lines.get().pk  # it knows what brings its part
    services.centre_ship(actor=admin_staff, centre=stocked.shanghai, order=order)

    filled = services.goods_receipt_book(
        actor=clerk, order=order, quantities={order.lines.get().pk: "1"}
    )

    assert filled == [reservation]
    reservation.refresh_from_db()
    assert reservation.status == ReservationStatus.HELD
    item = StockItem.objects.get(workshop=beijing, part=catalogue.oil_filter)
    assert item.on_hand == 1
    order.refresh_from_db()
    assert order.status == OrderStatus.RECEIVED


def test_a_partial_receipt_leaves_the_order_partly_received(
    clerk, beijing, stocked, catalogue, admin_staff
):
    order = place(clerk, beijing, [(catalogue.engine_oil.number, 4)])
    services.centre_ship(actor=admin_staff, centre=stocked.beijing, order=order)
    line = order.lines.get()

    services.goods_receipt_book(actor=clerk, order=order, quantities={line.pk: "1.5"})

    order.refresh_from_db()
    line.refresh_from_db()
    assert order.status == OrderStatus.PARTLY_RECEIVED
    assert (line.quantity_received, line.status) == (Decimal("1.5"), LineStatus.SHIPPED)


def test_goods_in_at_a_centre_serve_back_orders_vehicle_off_road_first(
    clerk, beijing, stocked, catalogue, admin_staff, repair_order, time_machine
):
    stock_order = place(clerk, beijing, [(catalogue.disc.number, 2)], kind="stock")
    time_machine.shift(dt.timedelta(minutes=5))
    vor = place(clerk, beijing, [(catalogue.disc.number, 2)], kind="vor", repair_order=repair_order)

    allocated = services.centre_stock_receive(
        actor=admin_staff, centre=stocked.foshan, part=catalogue.disc, quantity="3"
    )

    assert [(ln.order_id, ln.quantity) for ln in allocated] == [(vor.pk, 2), (stock_order.pk, 1)]
    vor_line = vor.lines.get()
    assert (vor_line.status, vor_line.centre) == (LineStatus.ALLOCATED, stocked.foshan)
    assert vor_line.promised_at is not None
    # The stock order's line is split: one allocated, the rest still waiting.
    rest = stock_order.lines.order_by("id")
    assert [(ln.status, ln.quantity) for ln in rest] == [
        (LineStatus.ALLOCATED, 1),
        (LineStatus.BACK_ORDERED, 1),
    ]
    disc = stock_of(stocked.foshan, catalogue.disc)
    assert (disc.on_hand, disc.allocated) == (3, 3)


def test_goods_in_refuses_a_negative_quantity(stocked, catalogue, admin_staff):
    with pytest.raises(ValidationError):
        services.centre_stock_receive(
            actor=admin_staff, centre=stocked.foshan, part=catalogue.disc, quantity="-1"
        )
    assert not CentreStock.objects.filter(centre=stocked.foshan, part=catalogue.disc).exists()


def test_a_line_given_twice_refuses_the_whole_receipt(
    clerk, beijing, stocked, catalogue, admin_staff
):
    order = place(clerk, beijing, [(catalogue.pads.number, 5), (catalogue.engine_oil.number, 4)])
    services.centre_ship(actor=admin_staff, centre=stocked.beijing, order=order)
    pads, oil = order.lines.order_by("position")

    with pytest.raises(ValidationError) as refused:
        services.goods_receipt_book(
            actor=clerk, order=order, quantities=[(pads.pk, "5"), (oil.pk, "4"), (pads.pk, "1")]
        )

    assert refused.value.message_dict == {
        "lines": [f"Line {pads.pk} is given more than once: enter each line once."]
    }
    assert not StockMovement.objects.exists()
    assert list(order.lines.values_list("quantity_received", flat=True)) == [0, 0]
