"""The store's rules: a ledger whose balance is the sum of its movements, counts that
book their differences, reservations held or waiting, issues and returns."""

from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Sum

from servicelane.store import services
from servicelane.store.choices import MovementKind, ReservationStatus
from servicelane.store.models import (
    Reservation,
    StockCount,
    StockCountLine,
    StockItem,
    StockMovement,
)
from servicelane.store.tests.conftest import part_line, stock
from servicelane.testing.refusals import refusal
from servicelane.testing.scenarios import agreed

pytestmark = pytest.mark.django_db


def ledger_sum(item: StockItem) -> Decimal:
    return item.movements.aggregate(s=Sum("quantity"))["s"] or Decimal(0)


def test_the_balance_is_the_sum_of_the_ledger_after_receipts_issues_returns_and_counts(
    freiburg, clerk, advisor, catalogue, ro
):
    item = stock(freiburg, clerk, catalogue.oil_filter, 5)
    line = part_line(ro, advisor, catalogue.oil_filter, 2)
    services.part_reserve(actor=advisor, job_line=line)
    agreed(advisor, line)
    services.part_issue(actor=clerk, job_line=line)
    services.part_return(actor=clerk, job_line=line, quantity="1")
    services.stock_receive(
        actor=clerk, workshop=freiburg, part=catalogue.oil_filter, quantity=Decimal("3")
    )
    services.stock_count_record(
        actor=clerk, workshop=freiburg, counts=[(catalogue.oil_filter, "6")]
    )

    item.refresh_from_db()
    assert item.on_hand == Decimal("6")
    assert ledger_sum(item) == item.on_hand
    kinds = list(item.movements.order_by("at", "id").values_list("kind", "quantity"))
    assert kinds == [
        (MovementKind.RECEIPT, Decimal("5")),
        (MovementKind.ISSUE, Decimal("-2")),
        (MovementKind.RETURN, Decimal("1")),
        (MovementKind.RECEIPT, Decimal("3")),
        (MovementKind.COUNT, Decimal("-1")),
    ]
    # each row carries the balance after it
    assert [m.balance_after for m in item.movements.order_by("at", "id")] == [
        Decimal(n) for n in ("5", "3", "4", "7", "6")
    ]


def test_a_count_records_what_was_expected_and_found_and_books_only_the_differences(
    freiburg, clerk, catalogue
):
    stock(freiburg, clerk, catalogue.oil_filter, 4)
    stock(freiburg, clerk, catalogue.pads, 2)

    count = services.stock_count_record(
        actor=clerk,
        workshop=freiburg,
        counts=[(catalogue.oil_filter, "4"), (catalogue.pads, "3"), (catalogue.disc, "1")],
        note="Shelf A",
    )

    lines = {ln.item.part.number: ln for ln in count.lines.select_related("item__part")}
    assert {n: (ln.expected, ln.counted, ln.difference) for n, ln in lines.items()} == {
        catalogue.oil_filter.number: (Decimal(4), Decimal(4), Decimal(0)),
        catalogue.pads.number: (Decimal(2), Decimal(3), Decimal(1)),
        catalogue.disc.number: (Decimal(0), Decimal(1), Decimal(1)),  # found, never kept
    }
    moved = StockMovement.objects.filter(count=count, kind=MovementKind.COUNT)
    assert sorted(m.item.part.number for m in moved) == sorted(
        [catalogue.pads.number, catalogue.disc.number]
    )
    assert StockItem.objects.get(workshop=freiburg, part=catalogue.disc).on_hand == 1


@pytest.mark.parametrize("bad", ["-1", "two", "1.234", "", "100000"])
def test_a_count_with_a_bad_quantity_writes_nothing(freiburg, clerk, catalogue, bad):
    item = stock(freiburg, clerk, catalogue.oil_filter, 4)

    with pytest.raises(ValidationError) as excinfo:
        services.stock_count_record(
            actor=clerk,
            workshop=freiburg,
            counts=[(catalogue.oil_filter, "3"), (catalogue.pads, bad)],
        )

    assert "counted" in excinfo.value.message_dict
    assert not StockCount.objects.exists()
    assert not StockCountLine.objects.exists()
    item.refresh_from_db()
    assert item.on_hand == 4
    assert not StockItem.objects.filter(part=catalogue.pads).exists()


def test_a_part_is_counted_once_per_count(freiburg, clerk, catalogue):
    with pytest.raises(ValidationError) as excinfo:
        services.stock_count_record(
            actor=clerk,
            workshop=freiburg,
            counts=[(catalogue.oil_filter, "3"), (catalogue.oil_filter, "2")],
        )
    assert "once" in refusal(excinfo)
    assert not StockCount.objects.exists()


@pytest.mark.parametrize("quantity", ["-2", "0", "abc"])
def test_goods_received_must_be_a_positive_quantity(freiburg, clerk, catalogue, quantity):
    item = stock(freiburg, clerk, catalogue.oil_filter, 4)

    with pytest.raises(ValidationError):
        services.stock_receive(
            actor=clerk, workshop=freiburg, part=catalogue.oil_filter, quantity=quantity
        )

    item.refresh_from_db()
    assert item.on_hand == 4
    assert item.movements.count() == 1


def test_minimum_above_maximum_or_negative_is_refused_and_nothing_changes(
    freiburg, clerk, catalogue
):
    item = stock(freiburg, clerk, catalogue.oil_filter, bin_location="A-01-1", minimum=2, maximum=6)

    with pytest.raises(ValidationError) as excinfo:
        services.stock_item_set(
            actor=clerk, workshop=freiburg, part=catalogue.oil_filter, minimum=8, maximum=4
        )
    assert "maximum" in excinfo.value.message_dict
    with pytest.raises(ValidationError) as excinfo:
        services.stock_item_set(
            actor=clerk, workshop=freiburg, part=catalogue.oil_filter, minimum=-1, maximum=4
        )
    assert "minimum" in excinfo.value.message_dict

    item.refresh_from_db()
    assert (item.bin_location, item.minimum, item.maximum) == ("A-01-1", 2, 6)


def test_only_the_store_changes_bins_limits_and_counts(freiburg, technician, advisor, catalogue):
    for user in (technician, advisor):
        with pytest.raises(PermissionDenied):
            services.stock_item_set(
                actor=user, workshop=freiburg, part=catalogue.oil_filter, minimum=1, maximum=2
            )
        with pytest.raises(PermissionDenied):
            services.stock_count_record(
                actor=user, workshop=freiburg, counts=[(catalogue.oil_filter, "1")]
            )
    assert not StockItem.objects.exists()


def test_a_reservation_is_held_from_free_stock_and_waits_when_there_is_not_enough(
    freiburg, clerk, advisor, catalogue, ro
):
    item = stock(freiburg, clerk, catalogue.oil_filter, 3)
    first = part_line(ro, advisor, catalogue.oil_filter, 2)
    second = part_line(ro, advisor, catalogue.oil_filter, 2)

    held = services.part_reserve(actor=advisor, job_line=first)
    waiting = services.part_reserve(actor=advisor, job_line=second)

    assert held.status == ReservationStatus.HELD and held.held_at is not None
    assert waiting.status == ReservationStatus.WAITING  # only 1 free: held whole or not at all
    item.refresh_from_db()
    assert item.on_hand == 3  # reserving moves nothing
    assert services.free_quantity(item) == 1


def test_reserving_again_after_the_quantity_changed_replaces_the_reservation(
    freiburg, clerk, advisor, catalogue, ro
):
    stock(freiburg, clerk, catalogue.oil_filter, 5)
    line = part_line(ro, advisor, catalogue.oil_filter, 1)
    services.part_reserve(actor=advisor, job_line=line)
    line.quantity = Decimal(3)
    line.save(update_fields=["quantity"])

    services.part_reserve(actor=advisor, job_line=line)

    statuses = list(
        Reservation.objects.filter(job_line_ref=line.pk)
        .order_by("id")
        .values_list("status", "quantity")
    )
    assert statuses == [
        (ReservationStatus.CANCELLED, Decimal(1)),
        (ReservationStatus.HELD, Decimal(3)),
    ]


def test_issue_needs_held_or_free_stock(freiburg, clerk, advisor, catalogue, ro):
    item = stock(freiburg, clerk, catalogue.oil_filter, 1)
    mine = part_line(ro, advisor, catalogue.oil_filter, 1)
    waits = part_line(ro, advisor, catalogue.oil_filter, 1)
    unreserved = part_line(ro, advisor, catalogue.oil_filter, 1)
    services.part_reserve(actor=advisor, job_line=mine)
    services.part_reserve(actor=advisor, job_line=waits)
    agreed(advisor, mine, waits, unreserved)

    with pytest.raises(ValidationError) as excinfo:
        services.part_issue(actor=clerk, job_line=waits)
    assert "not arrived" in refusal(excinfo)
    with pytest.raises(ValidationError) as excinfo:
        services.part_issue(actor=clerk, job_line=unreserved)  # the one piece is held
    assert "Only 0 free in store" in refusal(excinfo)
    with pytest.raises(PermissionDenied):
        services.part_issue(actor=advisor, job_line=mine)  # the store hands parts out
    item.refresh_from_db()
    assert item.on_hand == 1 and item.movements.count() == 1

    movement = services.part_issue(actor=clerk, job_line=mine)

    assert movement.quantity == -1 and movement.repair_order_ref == ro.pk
    assert movement.repair_order_number == ro.number
    assert Reservation.objects.get(job_line_ref=mine.pk).status == ReservationStatus.ISSUED
    with pytest.raises(ValidationError) as excinfo:
        services.part_issue(actor=clerk, job_line=mine)
    assert "already been issued" in refusal(excinfo)


def test_a_return_is_at_most_what_was_issued(freiburg, clerk, advisor, catalogue, ro):
    item = stock(freiburg, clerk, catalogue.oil_filter, 4)
    line = part_line(ro, advisor, catalogue.oil_filter, 2)
    agreed(advisor, line)
    services.part_issue(actor=clerk, job_line=line)

    for bad in ("3", "-1", "x"):
        with pytest.raises(ValidationError):
            services.part_return(actor=clerk, job_line=line, quantity=bad)
    item.refresh_from_db()
    assert item.on_hand == 2

    services.part_return(actor=clerk, job_line=line, quantity="2")

    item.refresh_from_db()
    assert item.on_hand == 4 and ledger_sum(item) == 4
    assert services.issued_quantity(line) == 0
    with pytest.raises(ValidationError) as excinfo:
        services.part_return(actor=clerk, job_line=line, quantity="1")
    assert "were issued to this line" in refusal(excinfo)


def test_goods_received_fill_waiting_reservations_oldest_first(
    freiburg, clerk, advisor, catalogue, ro
):
    stock(freiburg, clerk, catalogue.pads, 0)
    first = services.part_reserve(actor=advisor, job_line=part_line(ro, advisor, catalogue.pads, 2))
    second = services.part_reserve(
        actor=advisor, job_line=part_line(ro, advisor, catalogue.pads, 1)
    )
    assert {first.status, second.status} == {ReservationStatus.WAITING}

    _movement, filled = services.stock_receive(
        actor=clerk, workshop=freiburg, part=catalogue.pads, quantity=Decimal(2)
    )

    assert [r.pk for r in filled] == [first.pk]
    first.refresh_from_db()
    second.refresh_from_db()
    assert first.status == ReservationStatus.HELD
    assert second.status == ReservationStatus.WAITING


def test_a_count_finding_more_fills_a_waiting_reservation(freiburg, clerk, advisor, catalogue, ro):
    stock(freiburg, clerk, catalogue.pads, 0)
    waiting = services.part_reserve(
        actor=advisor, job_line=part_line(ro, advisor, catalogue.pads, 1)
    )

    services.stock_count_record(actor=clerk, workshop=freiburg, counts=[(catalogue.pads, "1")])

    waiting.refresh_from_db()
    assert waiting.status == ReservationStatus.HELD


def test_cancelling_a_held_reservation_lets_a_waiting_one_have_the_stock(
    freiburg, clerk, advisor, catalogue, ro
):
    stock(freiburg, clerk, catalogue.pads, 1)
    held = services.part_reserve(actor=advisor, job_line=part_line(ro, advisor, catalogue.pads, 1))
    waiting = services.part_reserve(
        actor=advisor, job_line=part_line(ro, advisor, catalogue.pads, 1)
    )

    services.reservation_cancel(actor=advisor, reservation=held)

    assert Reservation.objects.get(pk=held.pk).status == ReservationStatus.CANCELLED
    assert Reservation.objects.get(pk=waiting.pk).status == ReservationStatus.HELD


@pytest.mark.parametrize(
    "value, message",
    [
        ("1e30", "Enter a number up to 99999."),
        ("1E400", "Enter a number up to 99999."),
        ("inf", "Enter a number up to 99999."),
        ("-1e30", "The quantity must be more than zero."),
        ("100000", "Enter a number up to 99999."),
        ("nan", "Enter a number."),
    ],
)
def test_a_quantity_with_a_huge_exponent_is_refused_with_the_bound(
    freiburg, clerk, catalogue, value, message
):
    item = stock(freiburg, clerk, catalogue.oil_filter, 4)

    with pytest.raises(ValidationError) as excinfo:
        services.stock_receive(
            actor=clerk, workshop=freiburg, part=catalogue.oil_filter, quantity=value
        )

    assert excinfo.value.message_dict == {"quantity": [message]}
    item.refresh_from_db()
    assert item.on_hand == 4


def test_limits_and_counts_may_be_zero_and_say_so_when_negative(freiburg, clerk, catalogue):
    stock(freiburg, clerk, catalogue.oil_filter, 4, minimum=2, maximum=6)

    with pytest.raises(ValidationError) as minimum:
        services.stock_item_set(
            actor=clerk, workshop=freiburg, part=catalogue.oil_filter, minimum="-1", maximum=4
        )
    with pytest.raises(ValidationError) as maximum:
        services.stock_item_set(
            actor=clerk, workshop=freiburg, part=catalogue.oil_filter, minimum=0, maximum="1e400"
        )
    with pytest.raises(ValidationError) as counted:
        services.stock_count_record(
            actor=clerk, workshop=freiburg, counts=[(catalogue.oil_filter, "-2")]
        )

    assert minimum.value.message_dict == {"minimum": ["Enter a number that is not negative."]}
    assert maximum.value.message_dict == {"maximum": ["Enter a number up to 99999."]}
    assert counted.value.message_dict == {"counted": ["Enter a number that is not negative."]}
    item = services.stock_item_set(
        actor=clerk, workshop=freiburg, part=catalogue.oil_filter, minimum=0, maximum=0
    )
    assert (item.minimum, item.maximum) == (0, 0)
