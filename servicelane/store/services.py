"""Every write to the workshop's store. Quantities move only through ``_book``: one
ledger row per movement, the item row locked while its balance changes."""

from collections.abc import Iterable
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from servicelane.core.audit import audit_record
from servicelane.core.models import User, Workshop
from servicelane.core.permissions import Perm
from servicelane.core.tenancy import access_for
from servicelane.parts.models import Part
from servicelane.store.choices import OPEN_RESERVATION, MovementKind, ReservationStatus
from servicelane.store.models import (
    Reservation,
    StockCount,
    StockCountLine,
    StockItem,
    StockMovement,
)

MAX_QUANTITY = Decimal("99999")
ZERO = Decimal(0)


def require(actor: User | None, perm: Perm, workshop_id: int) -> None:
    if actor is not None:
        access_for(actor).require(perm, workshop_id)


def quantity_from(value: Any, field: str = "quantity", *, allow_zero: bool = False) -> Decimal:
    """A quantity typed by a person: a number with at most two decimals, positive
    (or zero where a count finds nothing, or for a minimum), at most 99,999, which
    the ledger's columns hold. Anything else (``1e30``, ``inf`` as JSON's ``1e400``,
    ``-0.5``) is a ``ValidationError`` on ``field``, never an arithmetic error."""
    try:
        number = Decimal(str(value).strip().replace(",", "."))
    except (InvalidOperation, ValueError, TypeError) as exc:
        raise ValidationError({field: [_("Enter a number.")]}) from exc
    if number.is_nan():
        raise ValidationError({field: [_("Enter a number.")]})
    # The bounds first: rounding a huge number to cents overflows the decimal context.
    if number < 0 and allow_zero:
        raise ValidationError({field: [_("Enter a number that is not negative.")]})
    if number < 0 or (number == 0 and not allow_zero):
        raise ValidationError({field: [_("The quantity must be more than zero.")]})
    if number > MAX_QUANTITY:
        raise ValidationError(
            {field: [_("Enter a number up to %(max)s.") % {"max": quantity_text(MAX_QUANTITY)}]}
        )
    if number != number.quantize(Decimal("0.01")):
        raise ValidationError({field: [_("Enter a number with at most two decimals.")]})
    return number.quantize(Decimal("0.01"))


def quantity_text(value: Decimal) -> str:
    """A quantity as a person or a query string writes it: 4, 2.5 (no 4.00, no 1E+1)."""
    text = format(Decimal(value).normalize(), "f")
    return "0" if text in ("-0", "") else text


def _check_part(workshop: Workshop, part: Part) -> None:
    if part.network_id != workshop.network_id:
        raise ValidationError({"part": [_("No part with this number in the catalogue.")]})


def _item_locked(workshop: Workshop, part: Part) -> StockItem:
    """The store's item for the part, created (empty) when the store never kept it,
    locked for the rest of the transaction."""
    _check_part(workshop, part)
    StockItem.objects.get_or_create(workshop=workshop, part=part)
    return (
        StockItem.objects.select_for_update()
        .select_related("part")
        .get(workshop=workshop, part=part)
    )


def _book(
    item: StockItem, kind: str, quantity: Decimal, actor: User | None, **links: Any
) -> StockMovement:
    """The one place a quantity moves: the ledger row and the running balance."""
    balance = item.on_hand + quantity
    if balance < 0:
        raise ValidationError(
            {
                "quantity": [
                    _("Only %(on_hand)s in store.") % {"on_hand": quantity_text(item.on_hand)}
                ]
            }
        )
    item.on_hand = balance
    item.save(update_fields=["on_hand"])
    movement = StockMovement.objects.create(
        workshop_id=item.workshop_id,
        item=item,
        kind=kind,
        quantity=quantity,
        balance_after=balance,
        actor=actor if getattr(actor, "pk", None) else None,
        **links,
    )
    audit_record(
        actor=actor,
        action=f"stock_{kind}",
        target=item,
        workshop_id=item.workshop_id,
        changes={"on_hand": [str(balance - quantity), str(balance)]},
    )
    return movement


def held_quantity(item: StockItem) -> Decimal:
    return (
        item.reservations.filter(status=ReservationStatus.HELD).aggregate(s=Sum("quantity"))["s"]
        or ZERO
    )


def free_quantity(item: StockItem) -> Decimal:
    """On hand and not held for a repair order."""
    return item.on_hand - held_quantity(item)


def _fill_waiting(item: StockItem) -> list[Reservation]:
    """Hold stock for waiting reservations, oldest first, while it lasts (a reservation
    is held whole or not at all: a car waits for all of its part)."""
    free = free_quantity(item)
    filled = []
    waiting = item.reservations.select_for_update().filter(status=ReservationStatus.WAITING)
    for reservation in waiting.order_by("created_at", "id"):
        if reservation.quantity > free:
            continue
        free -= reservation.quantity
        reservation.status, reservation.held_at = ReservationStatus.HELD, timezone.now()
        reservation.save(update_fields=["status", "held_at"])
        filled.append(reservation)
    return filled


# ---------------------------------------------------------------- items


@transaction.atomic
def stock_item_set(
    *,
    actor: User,
    workshop: Workshop,
    part: Part,
    bin_location: str = "",
    minimum: Any = 0,
    maximum: Any = 0,
) -> StockItem:
    """Where the store keeps a part and between which quantities. The quantity itself
    is not set here: it moves only through the ledger (receipts, issues, counts)."""
    require(actor, Perm.STORE_MANAGE, workshop.pk)
    low = quantity_from(minimum, "minimum", allow_zero=True)
    high = quantity_from(maximum, "maximum", allow_zero=True)
    if high < low:
        raise ValidationError({"maximum": [_("The maximum must not be below the minimum.")]})
    item = _item_locked(workshop, part)
    before = [item.bin_location, str(item.minimum), str(item.maximum)]
    item.bin_location = (bin_location or "").strip().upper()[:20]
    item.minimum, item.maximum = low, high
    item.save(update_fields=["bin_location", "minimum", "maximum"])
    audit_record(
        actor=actor,
        action="stock_item_set",
        target=item,
        workshop_id=workshop.pk,
        changes={"bin/min/max": [before, [item.bin_location, str(low), str(high)]]},
    )
    return item


@transaction.atomic
def stock_receive(
    *,
    actor: User | None,
    workshop: Workshop,
    part: Part,
    quantity: Decimal,
    part_order_number: str = "",
    note: str = "",
) -> tuple[StockMovement, list[Reservation]]:
    """Goods in (with the part order they came with, by its number): the receipt is
    booked and waiting reservations are held from it. Only a positive quantity comes in
    (a negative receipt would be an unrecorded issue)."""
    quantity = quantity_from(quantity)
    item = _item_locked(workshop, part)
    movement = _book(
        item,
        MovementKind.RECEIPT,
        quantity,
        actor,
        part_order_number=part_order_number[:24],
        note=note[:200],
    )
    return movement, _fill_waiting(item)


@transaction.atomic
def stock_count_record(
    *, actor: User, workshop: Workshop, counts: Iterable[tuple[Part, Any]], note: str = ""
) -> StockCount:
    """What was found on the shelves. Each counted part gets a count line with the
    ledger's expectation, and a difference becomes a ledger movement; a count that
    finds more than expected may fill waiting reservations."""
    require(actor, Perm.STORE_MANAGE, workshop.pk)
    counted = [(part, quantity_from(value, "counted", allow_zero=True)) for part, value in counts]
    if not counted:
        raise ValidationError({"counts": [_("Count at least one part.")]})
    if len({part.pk for part, _value in counted}) != len(counted):
        raise ValidationError({"counts": [_("Each part may be counted once per count.")]})
    count = StockCount.objects.create(workshop=workshop, counted_by=actor, note=note[:200])
    for part, quantity in sorted(counted, key=lambda pair: pair[0].pk):
        item = _item_locked(workshop, part)
        StockCountLine.objects.create(
            count=count, item=item, expected=item.on_hand, counted=quantity
        )
        if quantity != item.on_hand:
            _book(item, MovementKind.COUNT, quantity - item.on_hand, actor, count=count)
            _fill_waiting(item)
    return count


# ---------------------------------------------------------------- part orders


@transaction.atomic
def reservations_await(*, workshop: Workshop, arrivals: dict[int, int]) -> list[Reservation]:
    """Waiting reservations that no order brings yet now wait for the order line bringing
    their part (``arrivals``: part id → the id of the line arriving first)."""
    waiting = list(
        Reservation.objects.filter(
            workshop=workshop,
            status=ReservationStatus.WAITING,
            order_line_ref__isnull=True,
            item__part_id__in=list(arrivals),
        ).select_related("item")
    )
    for reservation in waiting:
        reservation.order_line_ref = arrivals[reservation.item.part_id]
        reservation.save(update_fields=["order_line_ref"])
    return waiting


@transaction.atomic
def reservations_unlink(*, order_line_refs: list[int]) -> int:
    """Reservations stop waiting for these order lines (they were cancelled): they wait
    for goods again, for the next order to bring them."""
    return Reservation.objects.filter(order_line_ref__in=order_line_refs).update(
        order_line_ref=None
    )


# ---------------------------------------------------------------- repair orders


def _part_line(job_line: Any) -> Any:
    """The repair order of a part line (workorders.JobLine) the store may serve."""
    if not job_line.is_catalogue_part:
        raise ValidationError({"job_line": [_("Only catalogue part lines can be reserved.")]})
    repair_order = job_line.job.repair_order
    if not repair_order.is_open:
        raise ValidationError({"job_line": [_("The repair order is closed.")]})
    if job_line.job.is_declined:
        raise ValidationError(
            {"job_line": [_("The customer declined this job: its parts are not needed.")]}
        )
    return repair_order


def _cited(job_line: Any) -> dict[str, Any]:
    """How a ledger row cites the repair order's part line it moved goods for."""
    repair_order = job_line.job.repair_order
    return {
        "repair_order_number": repair_order.number,
        "repair_order_ref": repair_order.pk,
        "job_line_ref": job_line.pk,
    }


def open_reservation(job_line: Any) -> Reservation | None:
    return (
        Reservation.objects.select_for_update()
        .filter(
            job_line_ref=job_line.pk,
            status__in=(ReservationStatus.WAITING, ReservationStatus.HELD),
        )
        .first()
    )


@transaction.atomic
def part_reserve(*, actor: User, job_line: Any) -> Reservation:
    """Keep the line's quantity of its part for the repair order: held at once when
    the store has it free, otherwise waiting for goods (filled at goods receipt).
    Reserving a line again after its quantity changed replaces the reservation."""
    repair_order = _part_line(job_line)
    require(actor, Perm.PART_RESERVE, repair_order.workshop_id)
    item = _item_locked(repair_order.workshop, job_line.part)
    current = open_reservation(job_line)
    if current is not None:
        if current.quantity == job_line.quantity:
            return current
        current.status, current.closed_at = ReservationStatus.CANCELLED, timezone.now()
        current.save(update_fields=["status", "closed_at"])
    enough = free_quantity(item) >= job_line.quantity
    reservation = Reservation.objects.create(
        workshop_id=repair_order.workshop_id,
        item=item,
        repair_order_number=repair_order.number,
        repair_order_ref=repair_order.pk,
        job_line_ref=job_line.pk,
        quantity=job_line.quantity,
        status=ReservationStatus.HELD if enough else ReservationStatus.WAITING,
        held_at=timezone.now() if enough else None,
        order_line_ref=current.order_line_ref if current is not None else None,
        created_by=actor,
    )
    audit_record(
        actor=actor,
        action="part_reserved",
        target=repair_order,
        workshop_id=repair_order.workshop_id,
        changes={
            "reservation": [
                None,
                f"{job_line.part.number} x {job_line.quantity} {reservation.status}",
            ]
        },
    )
    return reservation


@transaction.atomic
def reservation_cancel(*, actor: User, reservation: Reservation) -> Reservation:
    """Give the stock back to the shelf (or stop waiting for it)."""
    require(actor, Perm.PART_RESERVE, reservation.workshop_id)
    reservation = Reservation.objects.select_for_update().get(pk=reservation.pk)
    if not reservation.is_open:
        raise ValidationError({"reservation": [_("The reservation is no longer open.")]})
    reservation.status, reservation.closed_at = ReservationStatus.CANCELLED, timezone.now()
    reservation.save(update_fields=["status", "closed_at"])
    item = StockItem.objects.select_for_update().get(pk=reservation.item_id)
    _fill_waiting(item)
    return reservation


def issued_quantity(job_line: Any) -> Decimal:
    """Net quantity issued to the line (issues less returns)."""
    total = StockMovement.objects.filter(
        job_line_ref=job_line.pk, kind__in=(MovementKind.ISSUE, MovementKind.RETURN)
    ).aggregate(s=Sum("quantity"))["s"]
    return -(total or ZERO)


@transaction.atomic
def part_issue(*, actor: User, job_line: Any) -> StockMovement:
    """Hand the line's part over the counter to the repair order: from its held
    reservation, or from free stock when nothing was reserved. The line is then real:
    its part has left the store and is billed at the line's catalogue price."""
    repair_order = _part_line(job_line)
    require(actor, Perm.STORE_MANAGE, repair_order.workshop_id)
    if not job_line.job.is_agreed:
        raise ValidationError(
            {
                "job_line": [
                    _("The customer has not approved this job yet: issue its parts once they have.")
                ]
            }
        )
    item = _item_locked(repair_order.workshop, job_line.part)
    quantity = job_line.quantity - issued_quantity(job_line)
    if quantity <= 0:
        raise ValidationError({"job_line": [_("The part has already been issued.")]})
    reservation = open_reservation(job_line)
    if reservation is not None and reservation.status == ReservationStatus.WAITING:
        raise ValidationError({"job_line": [_("The part has not arrived yet.")]})
    if reservation is None and free_quantity(item) < quantity:
        raise ValidationError(
            {
                "job_line": [
                    _("Only %(free)s free in store.") % {"free": quantity_text(free_quantity(item))}
                ]
            }
        )
    movement = _book(item, MovementKind.ISSUE, -quantity, actor, **_cited(job_line))
    if reservation is not None:
        reservation.status, reservation.closed_at = ReservationStatus.ISSUED, timezone.now()
        reservation.save(update_fields=["status", "closed_at"])
    return movement


@transaction.atomic
def part_return(*, actor: User, job_line: Any, quantity: Any) -> StockMovement:
    """A part issued to a repair order comes back to the shelf unused."""
    repair_order = job_line.job.repair_order
    require(actor, Perm.STORE_MANAGE, repair_order.workshop_id)
    if job_line.part_id is None:
        raise ValidationError({"job_line": [_("Only catalogue part lines can be reserved.")]})
    amount = quantity_from(quantity)
    item = _item_locked(repair_order.workshop, job_line.part)
    issued = issued_quantity(job_line)
    if amount > issued:
        raise ValidationError(
            {
                "quantity": [
                    _("Only %(issued)s were issued to this line.")
                    % {"issued": quantity_text(issued)}
                ]
            }
        )
    movement = _book(item, MovementKind.RETURN, amount, actor, **_cited(job_line))
    _fill_waiting(item)
    return movement


@transaction.atomic
def line_reservation_cancel(*, actor: User, job_line: Any) -> Reservation:
    """Cancel the part line's open reservation."""
    reservation = open_reservation(job_line)
    if reservation is None:
        raise ValidationError({"reservation": [_("The reservation is no longer open.")]})
    return reservation_cancel(actor=actor, reservation=reservation)


# ---------------------------------------------------------------- releasing


def _release(reservations: list[Reservation], actor: User | None, why: str) -> None:
    """Close open reservations: held stock is free again (and goes to reservations
    waiting for it), waiting ones no longer take goods at receipt. Nothing moves in
    the ledger: a reservation only claims stock."""
    now = timezone.now()
    for reservation in reservations:
        reservation.status, reservation.closed_at = ReservationStatus.CANCELLED, now
        reservation.save(update_fields=["status", "closed_at"])
        audit_record(
            actor=actor,
            action="part_reservation_released",
            target=reservation.item,
            workshop_id=reservation.workshop_id,
            changes={"reservation": [str(reservation.quantity), why]},
        )
    for item_id in sorted({r.item_id for r in reservations}):
        _fill_waiting(StockItem.objects.select_for_update().get(pk=item_id))


def part_line_release(*, actor: User | None, job_line: Any) -> Reservation | None:
    """Before a part line leaves the repair order: refused while its part is issued
    (it has left the store and is billed; return it first), its open reservation
    released; then the line's reservations go with it and the ledger stops citing the
    line (the order it was on stays). Called inside the repair order's own service,
    which checked the actor."""
    if job_line.part_id is None:
        return None
    if issued_quantity(job_line) > 0:
        raise ValidationError(
            {
                "job_line": [
                    _(
                        "%(part)s has been issued to this repair order: return it to the "
                        "store first."
                    )
                    % {"part": job_line.description}
                ]
            }
        )
    reservation = open_reservation(job_line)
    if reservation is not None:
        _release([reservation], actor, "line removed")
    Reservation.objects.filter(job_line_ref=job_line.pk).delete()
    StockMovement.objects.filter(job_line_ref=job_line.pk).update(job_line_ref=None)
    return reservation


def repair_order_issued_lines(repair_order: Any) -> list[Any]:
    """The order's part lines holding parts issued and not returned."""
    totals = (
        StockMovement.objects.filter(
            repair_order_ref=repair_order.pk, kind__in=(MovementKind.ISSUE, MovementKind.RETURN)
        )
        .values("job_line_ref")
        .annotate(net=Sum("quantity"))
        .filter(net__lt=0)
    )
    return [row["job_line_ref"] for row in totals]


def _release_open(lookup: dict[str, Any], actor: User | None, why: str) -> list[Reservation]:
    """The reservations matching ``lookup`` still held or waiting, locked and released."""
    reservations = list(
        Reservation.objects.select_for_update()
        .filter(status__in=OPEN_RESERVATION, **lookup)
        .select_related("item")
        .order_by("item_id", "id")
    )
    _release(reservations, actor, why)
    return reservations


def repair_order_reservations_release(
    *, actor: User | None, repair_order: Any, why: str
) -> list[Reservation]:
    """Every reservation of the order still held or waiting is released (the order is
    cancelled or the car handed over: nothing more will be issued to it). Called inside
    the repair order's own service, which checked the actor."""
    return _release_open({"repair_order_ref": repair_order.pk}, actor, why)


def declined_jobs_reservations_release(*, job_line_refs: list[int]) -> list[Reservation]:
    """The customer declined the jobs of these part lines: their parts are not needed, so
    whatever was held or awaited for them is released (the stock is free for other
    orders). Called inside the estimate's own service."""
    return _release_open({"job_line_ref__in": job_line_refs}, None, "job declined")
