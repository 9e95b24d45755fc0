"""Reads of the workshop's store: the stock list with what is held, awaited and on
order per part, a part's ledger and open reservations, the stock counts, and the
reorder suggestions.

Every read is the store of one workshop, narrowed again to what the user may see
(``visible_to``), so another workshop's store is never found. The figures of many
items come in a few queries: reservations are summed in subqueries of the item
query, orders on the way in one query per page (``registry.on_order``).
"""

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from urllib.parse import urlencode

from django.core.exceptions import ValidationError
from django.db.models import (
    Count,
    DecimalField,
    F,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
)
from django.db.models.functions import Coalesce
from django.http import Http404
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext as _

from servicelane.core.models import User, Workshop
from servicelane.core.permissions import Perm
from servicelane.parts import numbers
from servicelane.parts.models import Part
from servicelane.parts.selectors import part_by_number, parts_by_number
from servicelane.parts.supersession import resolve_many
from servicelane.store.choices import OPEN_RESERVATION, ReservationStatus
from servicelane.store.models import (
    QUANTITY_DIGITS,
    QUANTITY_PLACES,
    QuantityField,
    Reservation,
    ReservedItem,
    StockCount,
    StockCountLine,
    StockItem,
    StockMovement,
)
from servicelane.store.registry import Arrival, next_arrivals, on_order, order_lines
from servicelane.store.services import held_quantity, quantity_from, quantity_text

ZERO = Decimal(0)
# The order form of the supply screens reads ``kind`` and ``lines`` (NUMBER:QTY,...).
ORDER_FORM_PATH = "/part-orders/new/"
MAX_ORDER_LINES = 200
MAX_COUNT_LINES = 500


def _quantity_field() -> QuantityField:
    return DecimalField(max_digits=QUANTITY_DIGITS, decimal_places=QUANTITY_PLACES)


def _reserved(status: str) -> Coalesce:
    """The quantity of the item's reservations in ``status``, summed in a subquery."""
    rows = (
        Reservation.objects.filter(item=OuterRef("pk"), status=status)
        .order_by()
        .values("item")
        .annotate(total=Sum("quantity"))
        .values("total")
    )
    return Coalesce(
        Subquery(rows, output_field=_quantity_field()),
        Value(ZERO),
        output_field=_quantity_field(),
    )


def order_url(number: str) -> str:
    """The page of one part order (served by the supply screens)."""
    try:
        return reverse("supply:detail", kwargs={"number": number})
    except NoReverseMatch:
        return f"/part-orders/{number}/"


# ---------------------------------------------------------------- the stock list


def store_items(*, user: User, workshop: Workshop) -> QuerySet[ReservedItem]:
    """The items of the workshop's store the user may read, with ``held`` and
    ``waiting`` (reserved quantities) annotated, in bin order."""
    return (
        StockItem.objects.visible_to(user, Perm.PARTS_VIEW)
        .filter(workshop=workshop)
        .select_related("part")
        .annotate(
            held=_reserved(ReservationStatus.HELD),
            waiting=_reserved(ReservationStatus.WAITING),
        )
        .order_by("bin_location", "part__number")
    )


def stock_search(
    items: QuerySet[ReservedItem], q: str | None = None, below_minimum: bool = False
) -> QuerySet[ReservedItem]:
    """Items whose part number starts with what was typed (any separators), whose
    name in any language holds it, or whose bin starts with it; ``below_minimum``:
    only items with less on hand than their minimum."""
    text = (q or "").strip()
    if text:
        match = Q(part__name_en__icontains=text) | Q(part__name_de__icontains=text)
        match |= Q(part__name_zh_hans__icontains=text)
        match |= Q(bin_location__istartswith=text)
        prefix = numbers.normalise(text)
        if prefix:
            match |= Q(part__number__startswith=prefix)
        items = items.filter(match)
    if below_minimum:
        items = items.filter(on_hand__lt=F("minimum"))
    return items


@dataclass(frozen=True)
class StockRow:
    """An item of the store with its figures: what its reservations hold and wait for,
    what is free and on order, and its number as the network writes it."""

    item: StockItem
    held: Decimal
    waiting: Decimal
    on_order: Decimal
    display_number: str

    @property
    def free(self) -> Decimal:
        return self.item.on_hand - self.held

    @property
    def below_minimum(self) -> bool:
        return self.item.on_hand < self.item.minimum


def with_figures(items: Iterable[ReservedItem], workshop: Workshop) -> list[StockRow]:
    """The items (of one page) with their figures: one query for the orders on the way,
    whatever their number."""
    rows = list(items)
    arriving = on_order(workshop.pk, [item.part_id for item in rows]) if rows else {}
    layout = workshop.network.part_number_format
    return [
        StockRow(
            item=item,
            held=item.held or ZERO,
            waiting=item.waiting or ZERO,
            on_order=arriving.get(item.part_id) or ZERO,
            display_number=numbers.display(item.part.number, layout),
        )
        for item in rows
    ]


# ---------------------------------------------------------------- one item


@dataclass
class ItemLookup:
    """A store item asked for by a number typed any way: the item, or why there is none."""

    item: "ReservedItem | None"
    part: Part | None  # the catalogue part of the number, if the catalogue has it
    redirect_to: str = ""  # the store keeps the part that replaced it under this number


def item_lookup(*, user: User, workshop: Workshop, number: str) -> ItemLookup:
    """The store's item for a number typed any way. An old number the store does not
    keep leads to the part that replaced it when the store keeps that one."""
    normalised = numbers.normalise(number)
    items = store_items(user=user, workshop=workshop)
    part = part_by_number(network_id=workshop.network_id, number=normalised)
    if part is None:
        return ItemLookup(item=None, part=None)
    item = items.filter(part=part).first()
    if item is not None:
        return ItemLookup(item=item, part=part)
    current = resolve_many([part])[part.pk]
    if current.pk != part.pk and items.filter(part=current).exists():
        return ItemLookup(item=None, part=part, redirect_to=current.number)
    return ItemLookup(item=None, part=part)


def item_get(*, user: User, workshop: Workshop, number: str) -> StockRow:
    """The store's item of exactly this part number (typed any way); 404 otherwise."""
    found = item_lookup(user=user, workshop=workshop, number=number)
    if found.item is None:
        raise Http404(_("The store does not keep this part."))
    return with_figures([found.item], workshop)[0]


def item_movements(item: StockItem) -> QuerySet[StockMovement]:
    """The item's ledger, newest first, with what each movement was for."""
    return StockMovement.objects.filter(item=item).select_related("actor", "count")


@dataclass(frozen=True)
class LedgerRow:
    """A movement of the ledger with the part order it came with (its number and page)."""

    movement: StockMovement
    order_number: str
    order_url: str


def ledger_rows(movements: Iterable[StockMovement]) -> list[LedgerRow]:
    """Movements with the link of the part order they came with."""
    return [
        LedgerRow(
            movement=movement,
            order_number=movement.part_order_number,
            order_url=order_url(movement.part_order_number) if movement.part_order_number else "",
        )
        for movement in movements
    ]


@dataclass(frozen=True)
class ReservationRow:
    """An open reservation with the part order that brings what it waits for, if any:
    its number, page and promise."""

    reservation: Reservation
    order_number: str = ""
    order_url: str = ""
    promised_at: dt.datetime | None = None


def open_reservations(item: StockItem) -> list[ReservationRow]:
    """Reservations still holding or awaiting the item, oldest first, with their repair
    order and the order that brings what they wait for."""
    reservations = list(
        Reservation.objects.filter(item=item, status__in=OPEN_RESERVATION)
        .select_related("created_by")
        .order_by("created_at", "id")
    )
    lines = order_lines(sorted({r.order_line_ref for r in reservations if r.order_line_ref}))
    rows = []
    for reservation in reservations:
        line = lines.get(reservation.order_line_ref or 0)
        if line is None:
            rows.append(ReservationRow(reservation=reservation))
            continue
        rows.append(
            ReservationRow(
                reservation=reservation,
                order_number=line.order.number,
                order_url=order_url(line.order.number),
                promised_at=line.promised_at,
            )
        )
    return rows


def next_arrival(item: StockItem) -> Arrival | None:
    """The open order line of the part that arrives first, if any."""
    return next_arrivals(item.workshop_id, [item.part_id]).get(item.part_id)


def part_in_store(workshop: Workshop, part: Part) -> tuple[StockItem | None, Decimal]:
    """The workshop's item of the part (None when the store never kept it) and how much
    of it is held for repair orders."""
    item = StockItem.objects.filter(workshop=workshop, part=part).first()
    return item, held_quantity(item) if item is not None else ZERO


def reservations_for_order_lines(line_ids: list[int]) -> list[Reservation]:
    """The reservations these order lines bring goods for, with their repair orders,
    oldest first."""
    return list(
        Reservation.objects.filter(order_line_ref__in=line_ids).order_by("created_at", "id")
    )


def reservations_with_parts(reservations: list[Reservation]) -> list[Reservation]:
    """Reservations read again, with their part and repair order, oldest first."""
    return list(
        Reservation.objects.filter(pk__in=[r.pk for r in reservations])
        .select_related("item__part")
        .order_by("created_at", "id")
    )


# ---------------------------------------------------------------- counts


def counts_of(*, user: User, workshop: Workshop) -> QuerySet[StockCount]:
    """The workshop's stock counts, newest first, with how many parts were counted and
    how many differed."""
    return (
        StockCount.objects.visible_to(user, Perm.PARTS_VIEW)
        .filter(workshop=workshop)
        .select_related("counted_by")
        .annotate(
            line_count=Count("lines"),
            difference_count=Count("lines", filter=~Q(lines__counted=F("lines__expected"))),
        )
        .order_by("-counted_at", "-id")
    )


def count_get(*, user: User, pk: int, workshop: Workshop | None = None) -> StockCount:
    """A count the user may read (of ``workshop`` when given); 404 otherwise."""
    counts = StockCount.objects.visible_to(user, Perm.PARTS_VIEW).select_related(
        "counted_by", "workshop__network"
    )
    if workshop is not None:
        counts = counts.filter(workshop=workshop)
    try:
        return counts.get(pk=pk)
    except (StockCount.DoesNotExist, ValueError, TypeError) as exc:
        raise Http404(_("Not found.")) from exc


@dataclass(frozen=True)
class CountLineRow:
    """A counted part with its number as the network writes it."""

    line: StockCountLine
    display_number: str


def count_lines(count: StockCount) -> list[CountLineRow]:
    """The count's lines with their part and ``difference``, in bin order."""
    layout = count.workshop.network.part_number_format
    lines = (
        StockCountLine.objects.filter(count=count)
        .select_related("item__part")
        .order_by("item__bin_location", "item__part__number")
    )
    return [
        CountLineRow(line=line, display_number=numbers.display(line.item.part.number, layout))
        for line in lines
    ]


def count_parts(
    *, workshop: Workshop, lines: Iterable[tuple[str | None, Decimal | str | None]]
) -> list[tuple[Part, Decimal]]:
    """The parts and quantities of a count typed as (part number, counted) rows, read
    in one query. Each bad row is named (``lines.<i>.number`` / ``lines.<i>.counted``,
    counted from 0; the message names the line from 1), so nothing is counted while
    one is bad. An old number counts for the part that replaced it, unless the store
    keeps the old part itself. Rows left empty are skipped."""
    typed = [
        (i, str(number or "").strip(), "" if counted is None else str(counted).strip())
        for i, (number, counted) in enumerate(lines)
    ]
    typed = [(i, number, counted) for i, number, counted in typed if number or counted]
    if not typed:
        raise ValidationError({"lines": [_("Count at least one part.")]})
    if len(typed) > MAX_COUNT_LINES:
        raise ValidationError(
            {"lines": [_("At most %(max)s lines per count.") % {"max": MAX_COUNT_LINES}]}
        )
    wanted = {numbers.normalise(number) for _i, number, _c in typed} - {""}
    found = parts_by_number(network_id=workshop.network_id, wanted=wanted)
    current = resolve_many(found.values())
    kept = set(
        StockItem.objects.filter(workshop=workshop, part__in=found.values()).values_list(
            "part_id", flat=True
        )
    )
    errors: dict[str, list[str]] = {}
    result: list[tuple[Part, Decimal]] = []
    line_of_part: dict[int, int] = {}
    for i, number, counted in typed:
        position = i + 1
        if not number:
            errors[f"lines.{i}.number"] = [
                _("Line %(line)s: enter the part number.") % {"line": position}
            ]
            continue
        part = found.get(numbers.normalise(number))
        if part is None:
            errors[f"lines.{i}.number"] = [
                _("Line %(line)s: no part with the number “%(number)s” in the catalogue.")
                % {"line": position, "number": number}
            ]
            continue
        if part.pk not in kept:
            part = current[part.pk]
        if counted == "":
            errors[f"lines.{i}.counted"] = [
                _("Line %(line)s: enter the quantity counted.") % {"line": position}
            ]
            continue
        try:
            quantity = quantity_from(counted, "counted", allow_zero=True)
        except ValidationError as exc:
            errors[f"lines.{i}.counted"] = [
                _("Line %(line)s: %(error)s") % {"line": position, "error": exc.messages[0]}
            ]
            continue
        if part.pk in line_of_part:
            errors[f"lines.{i}.number"] = [
                _("Line %(line)s: this part is counted on line %(first)s already.")
                % {"line": position, "first": line_of_part[part.pk]}
            ]
            continue
        line_of_part[part.pk] = position
        result.append((part, quantity))
    if errors:
        raise ValidationError(errors)
    return result


def numbers_in_bins(*, user: User, workshop: Workshop, bin_prefix: str) -> list[str]:
    """The part numbers kept in the bins starting with ``bin_prefix``, in bin order:
    the rows of a count sheet for one shelf."""
    prefix = (bin_prefix or "").strip().upper()
    if not prefix:
        return []
    return list(
        StockItem.objects.visible_to(user, Perm.PARTS_VIEW)
        .filter(workshop=workshop, bin_location__startswith=prefix)
        .order_by("bin_location", "part__number")
        .values_list("part__number", flat=True)[:MAX_COUNT_LINES]
    )


# ---------------------------------------------------------------- reorder suggestions


@dataclass
class Suggestion:
    """A part to order: what is on hand, claimed and coming, and how much to order.

    projected = on hand - held - waiting + on order. Below the minimum, order up to
    the maximum; with no minimum, order what the waiting reservations lack.
    """

    item: StockItem
    display_number: str
    on_hand: Decimal
    held: Decimal
    waiting: Decimal
    on_order: Decimal
    projected: Decimal
    quantity: Decimal
    reason: str  # "minimum" or "reservations"

    @property
    def shortfall(self) -> Decimal:
        """What the reservations lack even after everything on order has come."""
        return max(ZERO, -self.projected)


@dataclass
class ReorderSuggestions:
    suggestions: list[Suggestion] = field(default_factory=list)

    @property
    def order_url(self) -> str:
        """The order form filled with every suggestion, as a stock replenishment."""
        return order_form_url(self.suggestions)


def order_form_url(suggestions: Iterable[Suggestion], kind: str = "stock") -> str:
    lines = ",".join(
        f"{s.item.part.number}:{quantity_text(s.quantity)}"
        for s in list(suggestions)[:MAX_ORDER_LINES]
    )
    try:
        path = reverse("supply:new")
    except NoReverseMatch:
        path = ORDER_FORM_PATH
    return f"{path}?{urlencode({'kind': kind, 'lines': lines}, safe=':,')}"


def suggestion_quantity(
    on_hand: Decimal,
    held: Decimal,
    waiting: Decimal,
    arriving: Decimal,
    minimum: Decimal,
    maximum: Decimal,
) -> tuple[Decimal, Decimal, str] | None:
    """(projected, quantity to order, reason), or None when nothing needs ordering.

    Below the minimum the order fills up to the maximum (at least what the waiting
    reservations lack); a part without a minimum is ordered when its reservations are
    not covered by stock and orders on the way."""
    projected = on_hand - held - waiting + arriving
    if projected >= minimum:
        return None
    shortfall = max(ZERO, -projected)
    if minimum > 0:
        return projected, max(maximum - projected, shortfall), "minimum"
    return projected, shortfall, "reservations"


def reorder_suggestions(*, user: User, workshop: Workshop) -> ReorderSuggestions:
    """What to order for the store, in bin order. Three queries whatever the store's
    size: the figures of every item, the orders on the way for the candidates, and
    the candidates' parts."""
    figures = list(
        store_items(user=user, workshop=workshop).values_list(
            "pk", "part_id", "on_hand", "held", "waiting", "minimum", "maximum"
        )
    )
    # Orders on the way only raise the projection: without them the candidates are
    # every item that could be short.
    candidates = [row for row in figures if row[2] - (row[3] or ZERO) - (row[4] or ZERO) < row[5]]
    if not candidates:
        return ReorderSuggestions()
    arriving = on_order(workshop.pk, [row[1] for row in candidates])
    wanted: dict[int, tuple[Decimal, Decimal, Decimal, Decimal, tuple[Decimal, Decimal, str]]] = {}
    for pk, part_id, on_hand, held, waiting, minimum, maximum in candidates:
        held, waiting = held or ZERO, waiting or ZERO
        coming = arriving.get(part_id) or ZERO
        found = suggestion_quantity(on_hand, held, waiting, coming, minimum, maximum)
        if found is not None:
            wanted[pk] = (on_hand, held, waiting, coming, found)
    if not wanted:
        return ReorderSuggestions()
    items = StockItem.objects.filter(pk__in=list(wanted)).select_related("part")
    layout = workshop.network.part_number_format
    suggestions = []
    for item in items.order_by("bin_location", "part__number"):
        on_hand, held, waiting, coming, (projected, quantity, reason) = wanted[item.pk]
        suggestions.append(
            Suggestion(
                item=item,
                display_number=numbers.display(item.part.number, layout),
                on_hand=on_hand,
                held=held,
                waiting=waiting,
                on_order=coming,
                projected=projected,
                quantity=quantity,
                reason=reason,
            )
        )
    return ReorderSuggestions(suggestions=suggestions)
