"""Orders from a workshop to the distribution centres, from the promise shown before
placing to the goods receipt that books the stock in."""

import datetime as dt
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from servicelane.core.audit import audit_record
from servicelane.core.events import record_event
from servicelane.core.models import User, Workshop
from servicelane.core.permissions import Perm
from servicelane.core.sequences import next_number
from servicelane.core.tenancy import access_for
from servicelane.parts import numbers
from servicelane.parts.models import Part
from servicelane.parts.selectors import parts_by_number
from servicelane.parts.supersession import resolve_many
from servicelane.store import services as store
from servicelane.store.models import Reservation
from servicelane.supply.choices import (
    KIND_PRIORITY,
    LineStatus,
    OrderEventKind,
    OrderKind,
    OrderStatus,
)
from servicelane.supply.models import (
    CentreStock,
    DeliveryRoute,
    DistributionCentre,
    PartOrder,
    PartOrderEvent,
    PartOrderLine,
)
from servicelane.supply.promise import arrival_at, ready_at
from servicelane.supply.registry import RepairOrderTarget
from servicelane.supply.routing import Source, Want, route_lines
from servicelane.supply.selectors import (
    RouteOption,
    centre_available,
    centre_calendar,
    route_options,
    routes_of,
)

MAX_LINES = 200


@dataclass
class PlannedLine:
    position: int
    part: Part
    requested_number: str
    quantity: Decimal
    centre: DistributionCentre | None
    home: bool
    ready_at: dt.datetime | None
    promised_at: dt.datetime | None

    @property
    def back_ordered(self) -> bool:
        return self.centre is None


@dataclass
class OrderPlan:
    kind: str
    placed_at: dt.datetime
    lines: list[PlannedLine]

    @property
    def promised_at(self) -> dt.datetime | None:
        """When the last routed line arrives (back-orders have no date yet)."""
        dates = [line.promised_at for line in self.lines if line.promised_at]
        return max(dates) if dates else None

    @property
    def split(self) -> bool:
        return len({line.centre.pk for line in self.lines if line.centre}) > 1


def _kind(kind: str) -> OrderKind:
    if kind not in OrderKind.values:
        raise ValidationError({"kind": [_("Choose an order type.")]})
    return OrderKind(kind)


def _wanted(
    workshop: Workshop, lines: Iterable[dict[str, Any]]
) -> list[tuple[int, str, Part, Decimal]]:
    """(position, number as typed, current part, quantity) for each line; every bad
    line is named with its position, and nothing is ordered while one is bad."""
    lines = list(lines)
    if not lines:
        raise ValidationError({"lines": [_("Add at least one part.")]})
    if len(lines) > MAX_LINES:
        raise ValidationError(
            {"lines": [_("At most %(max)s lines per order.") % {"max": MAX_LINES}]}
        )
    typed = [
        (i, str(line.get("number") or "").strip(), line.get("quantity"))
        for i, line in enumerate(lines, 1)
    ]
    wanted_numbers = {numbers.normalise(number) for _i, number, _q in typed}
    found = parts_by_number(network_id=workshop.network_id, wanted=wanted_numbers)
    current = resolve_many(found.values())
    errors, result = [], []
    for position, number, quantity in typed:
        part = found.get(numbers.normalise(number))
        if part is None:
            errors.append(
                _("Line %(line)s: no part with the number “%(number)s” in the catalogue.")
                % {"line": position, "number": number}
            )
            continue
        try:
            amount = store.quantity_from(quantity)
        except ValidationError as exc:
            errors.append(
                _("Line %(line)s: %(error)s") % {"line": position, "error": exc.messages[0]}
            )
            continue
        result.append((position, number, current[part.pk], amount))
    if errors:
        raise ValidationError({"lines": errors})
    return result


def _routes(workshop: Workshop) -> list[DeliveryRoute]:
    routes = routes_of(workshop)
    if not routes:
        raise ValidationError(
            {"kind": [_("No distribution centre delivers to this workshop yet.")]}
        )
    return routes


def _plan(
    kind: str,
    placed_at: dt.datetime,
    wanted: list[tuple[int, str, Part, Decimal]],
    options: list[RouteOption],
) -> OrderPlan:
    part_ids = sorted({part.pk for _p, _n, part, _q in wanted})
    free = centre_available([o.centre.pk for o in options], part_ids)
    by_centre = {o.centre.pk: o for o in options}
    allocations = route_lines(
        [Want(position, part.pk, quantity) for position, _n, part, quantity in wanted],
        [Source(o.centre.pk, o.route.home, o.arrival, free[o.centre.pk]) for o in options],
    )
    by_position = {position: (number, part) for position, number, part, _q in wanted}
    lines = []
    for allocation in allocations:
        number, part = by_position[allocation.position]
        option = by_centre.get(allocation.centre_id) if allocation.centre_id else None
        lines.append(
            PlannedLine(
                position=allocation.position,
                part=part,
                requested_number=numbers.normalise(number),
                quantity=allocation.quantity,
                centre=option.centre if option else None,
                home=bool(option and option.route.home),
                ready_at=option.ready_at if option else None,
                promised_at=option.arrival if option else None,
            )
        )
    return OrderPlan(kind=kind, placed_at=placed_at, lines=lines)


def order_plan(
    *, workshop: Workshop, kind: str, lines: Iterable[dict[str, Any]], at: dt.datetime | None = None
) -> OrderPlan:
    """Where each line would come from and when it would arrive if placed now,
    shown before placing; nothing is written or allocated."""
    kind = _kind(kind)
    wanted = _wanted(workshop, lines)
    placed_at = at or timezone.now()
    return _plan(kind, placed_at, wanted, route_options(_routes(workshop), kind, placed_at))


def _event(order: PartOrder, kind: str, actor: User | None, **data: Any) -> None:
    record_event(PartOrderEvent, subject=order, kind=kind, actor=actor, **data)


def _repair_order_for(
    workshop: Workshop, kind: str, repair_order: RepairOrderTarget | None
) -> RepairOrderTarget | None:
    if repair_order is None:
        if kind == OrderKind.VOR:
            raise ValidationError(
                {"repair_order": [_("A vehicle-off-road order names the repair order of the car.")]}
            )
        return None
    if repair_order.workshop_id != workshop.pk or not repair_order.is_open:
        raise ValidationError(
            {"repair_order": [_("Choose an open repair order of this workshop.")]}
        )
    return repair_order


@transaction.atomic
def part_order_place(
    *,
    actor: User,
    workshop: Workshop,
    kind: str,
    lines: Iterable[dict[str, Any]],
    repair_order: RepairOrderTarget | None = None,
    note: str = "",
    at: dt.datetime | None = None,
) -> PartOrder:
    """Place an order: each line is routed (home centre, else another centre with
    stock, split when no one centre has it all, else back-order), the centres' stock
    is allocated, and the promise computed at placing is stored on each line. Waiting
    reservations of the workshop for the ordered parts are linked to the lines that
    bring them. Every bad line refuses the whole order."""
    access_for(actor).require(Perm.PART_ORDER, workshop.pk)
    kind = _kind(kind)
    wanted = _wanted(workshop, lines)
    repair_order = _repair_order_for(workshop, kind, repair_order)
    routes = _routes(workshop)
    part_ids = sorted({part.pk for _p, _n, part, _q in wanted})
    # Lock the centres' stock rows of these parts (in one order, so two clerks
    # ordering the same parts wait for each other instead of deadlocking).
    list(
        CentreStock.objects.select_for_update()
        .filter(centre__in=[r.centre_id for r in routes], part_id__in=part_ids)
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    placed_at = at or timezone.now()
    plan = _plan(kind, placed_at, wanted, route_options(routes, kind, placed_at))
    sequence = next_number(workshop=workshop, key="part_order")
    order = PartOrder.objects.create(
        workshop=workshop,
        number=f"{workshop.code}-P{sequence:05d}",
        kind=kind,
        repair_order_number=repair_order.number if repair_order is not None else "",
        repair_order_ref=repair_order.pk if repair_order is not None else None,
        note=(note or "").strip()[:200],
        placed_at=placed_at,
        placed_by=actor,
    )
    created = PartOrderLine.objects.bulk_create(
        PartOrderLine(
            order=order,
            position=line.position,
            part=line.part,
            requested_number=line.requested_number,
            quantity=line.quantity,
            centre=line.centre,
            status=LineStatus.BACK_ORDERED if line.back_ordered else LineStatus.ALLOCATED,
            ready_at=line.ready_at,
            promised_at=line.promised_at,
        )
        for line in plan.lines
    )
    for line in plan.lines:
        if line.centre is not None:
            CentreStock.objects.filter(centre=line.centre, part=line.part).update(
                allocated=F("allocated") + line.quantity
            )
    _link_waiting_reservations(workshop, created)
    _event(order, OrderEventKind.PLACED, actor, lines=len(created), split=plan.split)
    audit_record(
        actor=actor,
        action="part_order_placed",
        target=order,
        workshop_id=workshop.pk,
        changes={"lines": [None, [f"{ln.requested_number} x {ln.quantity}" for ln in created]]},
    )
    return order


def _link_waiting_reservations(workshop: Workshop, lines: list[PartOrderLine]) -> None:
    """Waiting reservations that no order brings yet now wait for these lines (the one
    arriving first, back-orders last)."""
    first_by_part: dict[int, int] = {}
    for line in sorted(
        lines,
        key=lambda ln: (
            ln.promised_at is None,
            ln.promised_at or dt.datetime.max.replace(tzinfo=dt.UTC),
        ),
    ):
        first_by_part.setdefault(line.part_id, line.pk)
    store.reservations_await(workshop=workshop, arrivals=first_by_part)


def _refresh_status(order: PartOrder) -> None:
    """The order's state follows its lines' (one read of the lines)."""
    live_lines = [line for line in order.lines.all() if line.status != LineStatus.CANCELLED]
    live = [line.status for line in live_lines]
    if not live:
        status = OrderStatus.CANCELLED
    elif all(s == LineStatus.RECEIVED for s in live):
        status = OrderStatus.RECEIVED
    elif any(line.quantity_received > 0 for line in live_lines):
        status = OrderStatus.PARTLY_RECEIVED
    elif all(s in (LineStatus.SHIPPED, LineStatus.RECEIVED) for s in live):
        status = OrderStatus.SHIPPED
    else:
        status = OrderStatus.PLACED
    if status != order.status:
        order.status = status
        order.save(update_fields=["status"])


@transaction.atomic
def part_order_cancel(*, actor: User, order: PartOrder) -> PartOrder:
    """Cancel what has not left a centre yet: allocated and back-ordered lines; the
    centres' allocations are released. Shipped goods are received, not cancelled."""
    access_for(actor).require(Perm.PART_ORDER, order.workshop_id)
    order = PartOrder.objects.select_for_update().get(pk=order.pk)
    open_lines = list(
        order.lines.select_for_update().filter(
            status__in=(LineStatus.ALLOCATED, LineStatus.BACK_ORDERED)
        )
    )
    if not open_lines:
        raise ValidationError({"order": [_("Nothing on this order can be cancelled any more.")]})
    for line in open_lines:
        if line.status == LineStatus.ALLOCATED:
            CentreStock.objects.filter(centre_id=line.centre_id, part_id=line.part_id).update(
                allocated=F("allocated") - line.quantity
            )
        line.status = LineStatus.CANCELLED
        line.save(update_fields=["status"])
    store.reservations_unlink(order_line_refs=[line.pk for line in open_lines])
    _event(order, OrderEventKind.CANCELLED, actor, lines=len(open_lines))
    _refresh_status(order)
    return order


# ---------------------------------------------------------------- centres


def _require_centre(actor: User, centre: DistributionCentre) -> None:
    if centre.network_id not in access_for(actor).networks_with(Perm.CENTRE_MANAGE):
        raise ValidationError({"centre": [_("Your role does not allow this.")]})


@transaction.atomic
def centre_ship(
    *, actor: User, centre: DistributionCentre, order: PartOrder
) -> list[PartOrderLine]:
    """The centre packed and dispatched its lines of the order: they are on their way
    and leave the centre's stock."""
    _require_centre(actor, centre)
    lines = list(
        PartOrderLine.objects.select_for_update().filter(
            order=order, centre=centre, status=LineStatus.ALLOCATED
        )
    )
    if not lines:
        raise ValidationError({"order": [_("This centre has nothing of the order left to ship.")]})
    now = timezone.now()
    for line in lines:
        CentreStock.objects.filter(centre=centre, part_id=line.part_id).update(
            on_hand=F("on_hand") - line.quantity, allocated=F("allocated") - line.quantity
        )
        line.status, line.quantity_shipped, line.shipped_at = LineStatus.SHIPPED, line.quantity, now
        line.save(update_fields=["status", "quantity_shipped", "shipped_at"])
    _event(order, OrderEventKind.SHIPPED, actor, centre=centre.code, lines=len(lines))
    _refresh_status(order)
    return lines


@transaction.atomic
def centre_stock_receive(
    *, actor: User | None, centre: DistributionCentre, part: Part, quantity: Any
) -> list[PartOrderLine]:
    """Goods into a centre. Back-orders of the workshops it delivers to are then
    allocated from it: vehicle-off-road first, then by order type and age: each
    line promised from now; a line it can fill only in part is split."""
    if actor is not None:
        _require_centre(actor, centre)
    amount = store.quantity_from(quantity)
    if part.network_id != centre.network_id:
        raise ValidationError({"part": [_("No part with this number in the catalogue.")]})
    CentreStock.objects.get_or_create(centre=centre, part=part, defaults={"on_hand": 0})
    stock = CentreStock.objects.select_for_update().get(centre=centre, part=part)
    stock.on_hand += amount
    stock.save(update_fields=["on_hand"])
    return _allocate_back_orders(centre, stock, actor)


def _allocate_back_orders(
    centre: DistributionCentre, stock: CentreStock, actor: User | None
) -> list[PartOrderLine]:
    routes = {r.workshop_id: r for r in DeliveryRoute.objects.filter(centre=centre)}
    waiting = list(
        PartOrderLine.objects.select_for_update()
        .filter(
            part=stock.part, status=LineStatus.BACK_ORDERED, order__workshop_id__in=list(routes)
        )
        .select_related("order")
    )
    waiting.sort(
        key=lambda ln: (KIND_PRIORITY[OrderKind(ln.order.kind)], ln.order.placed_at, ln.pk)
    )
    now = timezone.now()
    calendar = centre_calendar(centre, now.date())
    allocated = []
    for line in waiting:
        free = stock.on_hand - stock.allocated
        if free <= 0:
            break
        if free < line.quantity:
            PartOrderLine.objects.create(
                order=line.order,
                position=line.position,
                part=line.part,
                requested_number=line.requested_number,
                quantity=line.quantity - free,
                status=LineStatus.BACK_ORDERED,
            )
            line.quantity = free
        route = routes[line.order.workshop_id]
        line.centre, line.status = centre, LineStatus.ALLOCATED
        line.ready_at = ready_at(line.order.kind, now, calendar)
        line.promised_at = arrival_at(
            line.order.kind, line.ready_at, route.transport_hours, route.express_hours
        )
        line.save(update_fields=["centre", "status", "quantity", "ready_at", "promised_at"])
        stock.allocated += line.quantity
        _event(line.order, OrderEventKind.ALLOCATED, actor, centre=centre.code, line=line.position)
        allocated.append(line)
    stock.save(update_fields=["allocated"])
    return allocated


# ---------------------------------------------------------------- goods receipt


@transaction.atomic
def goods_receipt_book(
    *, actor: User, order: PartOrder, quantities: Mapping[int, Any] | Iterable[tuple[int, Any]]
) -> list[Reservation]:
    """Book what arrived: per shipped line at most what was shipped and not yet
    received. The stock goes into the store's ledger and fills the reservations
    waiting for it. Any bad quantity refuses the whole receipt, and so does a line
    given twice (which of the two quantities would be meant?)."""
    access_for(actor).require(Perm.STORE_MANAGE, order.workshop_id)
    pairs = list(quantities.items() if isinstance(quantities, Mapping) else quantities)
    twice = [line_id for line_id, n in Counter(i for i, _value in pairs).items() if n > 1]
    if twice:
        raise ValidationError(
            {
                "lines": [
                    _("Line %(id)s is given more than once: enter each line once.")
                    % {"id": line_id}
                    for line_id in twice
                ]
            }
        )
    quantities = dict(pairs)
    order = PartOrder.objects.select_for_update().select_related("workshop").get(pk=order.pk)
    lines = {
        line.pk: line
        for line in order.lines.select_for_update()
        .filter(pk__in=list(quantities))
        .select_related("part")
    }
    errors: dict[str, list[str]] = {}
    booked: list[tuple[PartOrderLine, Decimal]] = []
    for line_id, value in quantities.items():
        line = lines.get(line_id)
        if line is None:
            errors.setdefault("lines", []).append(
                _("Line %(id)s is not on this order.") % {"id": line_id}
            )
            continue
        if value in (None, "") or str(value).strip() in ("0", "0.0", "0.00"):
            continue
        try:
            amount = store.quantity_from(value)
        except ValidationError as exc:
            errors[f"line_{line_id}"] = exc.messages
            continue
        if amount > line.outstanding_receipt:
            errors[f"line_{line_id}"] = [
                _("Only %(open)s of %(number)s were shipped and not yet received.")
                % {
                    "open": store.quantity_text(line.outstanding_receipt),
                    "number": numbers.display(
                        line.requested_number, order.workshop.network.part_number_format
                    ),
                }
            ]
            continue
        booked.append((line, amount))
    if errors:
        raise ValidationError(errors)
    if not booked:
        raise ValidationError({"lines": [_("Enter the quantity received for at least one line.")]})
    filled: list[Reservation] = []
    now = timezone.now()
    for line, amount in booked:
        _movement, held = store.stock_receive(
            actor=actor,
            workshop=order.workshop,
            part=line.part,
            quantity=amount,
            part_order_number=order.number,
            note=order.number,
        )
        filled.extend(held)
        line.quantity_received += amount
        line.received_at = now
        if line.quantity_received == line.quantity:
            line.status = LineStatus.RECEIVED
        line.save(update_fields=["quantity_received", "received_at", "status"])
    _event(
        order,
        OrderEventKind.RECEIVED,
        actor,
        lines={str(line.position): str(amount) for line, amount in booked},
        reservations_filled=len(filled),
    )
    _refresh_status(order)
    return filled


# ---------------------------------------------------------------- routes


@transaction.atomic
def home_centres_assign(*, workshop: Workshop) -> DeliveryRoute | None:
    """The workshop's home centre by region: the centre delivering to it whose home
    regions include the workshop's region, else the one with the shortest tour."""
    routes = list(
        DeliveryRoute.objects.select_for_update()
        .filter(workshop=workshop)
        .select_related("centre")
        .order_by("transport_hours", "centre__code")
    )
    if not routes:
        return None
    region = (workshop.subdivision or "").upper()
    home = next((r for r in routes if region and region in r.centre.home_regions), routes[0])
    DeliveryRoute.objects.filter(workshop=workshop).exclude(pk=home.pk).update(home=False)
    DeliveryRoute.objects.filter(pk=home.pk).update(home=True)
    home.home = True
    return home
