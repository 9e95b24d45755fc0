"""The part order API (a workshop's orders to the distribution centres, through the
goods receipt) and the distribution centre API (pick list, shipping, goods in, stock).

Handlers parse, look the order or centre up for the caller (another workshop's order,
another network's centre: 404), call a service and answer with a schema; the services
hold the rules and check the permissions again.
"""

from collections import Counter
from decimal import Decimal
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Query, Router, Status
from ninja.pagination import paginate

from servicelane.core.apiutils import ERRORS, Pagination, workshop_in_scope
from servicelane.core.models import Workshop
from servicelane.core.permissions import Perm
from servicelane.core.schema_types import CodeText
from servicelane.core.tenancy import access_for
from servicelane.core.types import ApiRequest
from servicelane.parts import selectors as parts_selectors
from servicelane.parts.api import catalogue_workshop, part_answer
from servicelane.parts.models import Part
from servicelane.parts.selectors import part_lookup
from servicelane.supply import selectors, services
from servicelane.supply.models import CentreStock, DistributionCentre, PartOrder, PartOrderLine
from servicelane.supply.registry import RepairOrderTarget, order_targets
from servicelane.supply.schemas import (
    CentreOut,
    CentreStockOut,
    GoodsInIn,
    GoodsInOut,
    OrderFilters,
    OrderIn,
    OrderListOut,
    OrderOut,
    OrderPlanIn,
    OrderPlanOut,
    PartDetailStockOut,
    PickOrderOut,
    ReceiptIn,
    ReceiptOut,
    ShipmentIn,
    ShipmentOut,
)

router = Router(tags=["part orders"])
centres_router = Router(tags=["distribution centres"])


# ---------------------------------------------------------------- answers


def _centre_ref(centre: DistributionCentre | None) -> dict[str, str] | None:
    return {"code": centre.code, "name": centre.name} if centre else None


def _plan_out(plan: services.OrderPlan) -> dict[str, Any]:
    per_position = Counter(line.position for line in plan.lines)
    return {
        "kind": plan.kind,
        "placed_at": plan.placed_at,
        "promised_at": plan.promised_at,
        "split": plan.split,
        "lines": [
            {
                "position": line.position,
                "number": line.part.number,
                "requested_number": line.requested_number,
                "name": line.part.name,
                "quantity": line.quantity,
                "centre": _centre_ref(line.centre),
                "home": line.home,
                "split": per_position[line.position] > 1,
                "back_ordered": line.back_ordered,
                "ready_at": line.ready_at,
                "promised_at": line.promised_at,
            }
            for line in plan.lines
        ],
    }


def _reservation_ref(reservation: Any) -> dict[str, Any]:
    return {
        "repair_order": reservation.repair_order_number,
        "quantity": reservation.quantity,
        "status": reservation.status,
    }


def _order_out(order: PartOrder) -> dict[str, Any]:
    order = selectors.order_detail(order)
    lines = list(order.lines.all())
    reservations = selectors.reservations_of_lines(lines)
    return {
        "number": order.number,
        "workshop": order.workshop.code,
        "kind": order.kind,
        "status": order.status,
        "placed_at": order.placed_at,
        "placed_by": str(order.placed_by) if order.placed_by else None,
        "repair_order": order.repair_order_number or None,
        "note": order.note,
        "lines": [
            {
                "id": line.pk,
                "position": line.position,
                "number": line.part.number,
                "requested_number": line.requested_number,
                "name": line.part.name,
                "quantity": line.quantity,
                "centre": _centre_ref(line.centre),
                "status": line.status,
                "ready_at": line.ready_at,
                "promised_at": line.promised_at,
                "quantity_shipped": line.quantity_shipped,
                "quantity_received": line.quantity_received,
                "shipped_at": line.shipped_at,
                "received_at": line.received_at,
                "reservations": [_reservation_ref(r) for r in reservations.get(line.pk, [])],
            }
            for line in lines
        ],
        "events": [
            {
                "kind": e.kind,
                "at": e.at,
                "actor": str(e.actor) if e.actor else None,
                "data": e.data or {},
            }
            for e in order.events.all()
        ],
    }


def _lines_in(payload: Any) -> list[dict[str, Any]]:
    return [{"number": line.number, "quantity": line.quantity} for line in payload.lines]


def _repair_order(
    request: ApiRequest, workshop: Workshop, number: str | None
) -> RepairOrderTarget | None:
    """The open repair order named by number in the workshop; unknown is a 400."""
    if not number:
        return None
    found = next(
        (
            ro
            for target in order_targets
            if (ro := target.find(request.user, workshop, number)) is not None
        ),
        None,
    )
    if found is None:
        raise ValidationError(
            {"repair_order": [_("Choose an open repair order of this workshop.")]}
        )
    return found


def _order(request: ApiRequest, order_number: str) -> PartOrder:
    return selectors.order_get_for_user(request.user, order_number)


# ---------------------------------------------------------------- orders


@router.post("/plan", response={200: OrderPlanOut, **ERRORS})
def plan_order(request: ApiRequest, payload: OrderPlanIn) -> dict[str, Any]:
    """Where each line would come from and when it would arrive if the order were
    placed now: home centre first, another centre with stock, split, or back-order.
    Nothing is written."""
    workshop = workshop_in_scope(request, Perm.PARTS_VIEW, payload.workshop)
    plan = services.order_plan(workshop=workshop, kind=payload.kind, lines=_lines_in(payload))
    return _plan_out(plan)


@router.post("", response={201: OrderOut, **ERRORS})
def place_order(request: ApiRequest, payload: OrderIn) -> Status:
    """Place an order: routed and promised as the plan shows, the centres' stock
    allocated. Any bad line (unknown number, quantity not above zero) refuses the
    whole order, naming the line. A vehicle-off-road order names its repair order."""
    workshop = workshop_in_scope(request, Perm.PART_ORDER, payload.workshop)
    order = services.part_order_place(
        actor=request.user,
        workshop=workshop,
        kind=payload.kind,
        lines=_lines_in(payload),
        repair_order=_repair_order(request, workshop, payload.repair_order),
        note=payload.note,
    )
    return Status(201, _order_out(order))


@router.get("", response={200: list[OrderListOut], **ERRORS})
@paginate(Pagination)
def list_orders(request: ApiRequest, filters: Query[OrderFilters]) -> Any:
    """Orders of your workshop(s), newest first, with their lines' promised arrivals."""
    access_for(request.user).require(Perm.PARTS_VIEW)
    return selectors.order_list_for_user(
        request.user, status=filters.status, workshop_code=filters.workshop
    )


@router.get("/{order_number}", response={200: OrderOut, **ERRORS})
def get_order(request: ApiRequest, order_number: str) -> dict[str, Any]:
    """One order: its lines with centre, status, promise, shipped and received
    quantities and the reservations they bring goods for; its events."""
    return _order_out(_order(request, order_number))


@router.post("/{order_number}/cancel", response={200: OrderOut, **ERRORS})
def cancel_order(request: ApiRequest, order_number: str) -> dict[str, Any]:
    """Cancel every line that has not left a centre; their allocations are released."""
    order = services.part_order_cancel(actor=request.user, order=_order(request, order_number))
    return _order_out(order)


@router.post("/{order_number}/receipts", response={201: ReceiptOut, **ERRORS})
def book_receipt(request: ApiRequest, order_number: str, payload: ReceiptIn) -> Status:
    """Goods arrived: per shipped line at most what was shipped and not yet received.
    Booked into the store, filling the reservations waiting for them; any bad quantity
    refuses the whole receipt."""
    order = _order(request, order_number)
    filled = services.goods_receipt_book(
        actor=request.user,
        order=order,
        quantities=[(line.line_id, line.quantity) for line in payload.lines],
    )
    return Status(
        201,
        {
            "order": _order_out(order),
            "reservations_filled": [
                _reservation_ref(r) for r in selectors.reservations_read(filled)
            ],
        },
    )


# ---------------------------------------------------------------- centres


def _centre(request: ApiRequest, code: str) -> DistributionCentre:
    """A centre of the caller's network; to anyone else (workshop roles included) it
    does not exist (404)."""
    return selectors.centre_for(request.user, code)


def _managed_centre(request: ApiRequest, code: str) -> DistributionCentre:
    centre = _centre(request, code)
    if centre.network_id not in access_for(request.user).networks_with(Perm.CENTRE_MANAGE):
        raise PermissionDenied(_("Your role does not allow this."))
    return centre


def _pick_line(line: PartOrderLine) -> dict[str, Any]:
    return {
        "id": line.pk,
        "position": line.position,
        "number": line.part.number,
        "name": line.part.name,
        "quantity": line.quantity,
        "ready_at": line.ready_at,
    }


def _stock_out(centre: DistributionCentre, part: Any, stock: CentreStock | None) -> dict[str, Any]:
    on_hand = stock.on_hand if stock else Decimal(0)
    allocated = stock.allocated if stock else Decimal(0)
    return {
        "centre": _centre_ref(centre),
        "number": part.number,
        "name": part.name,
        "on_hand": on_hand,
        "allocated": allocated,
        "free": on_hand - allocated,
    }


@centres_router.get("", response={200: list[CentreOut], **ERRORS})
def list_centres(request: ApiRequest) -> list[dict[str, Any]]:
    """The network's distribution centres with their work: orders and lines to pack,
    back-orders of the workshops they deliver to, the next closed days. Network staff."""
    if not access_for(request.user).networks_with(Perm.CENTRE_VIEW):
        raise PermissionDenied(_("Your role does not allow this."))
    return [
        {
            "code": o.centre.code,
            "name": o.centre.name,
            "country": o.centre.country,
            "time_zone": o.centre.time_zone,
            "opens_at": o.centre.opens_at,
            "closes_at": o.centre.closes_at,
            "cutoff_super_urgent": o.centre.cutoff_super_urgent,
            "cutoff_urgent": o.centre.cutoff_urgent,
            "cutoff_stock": o.centre.cutoff_stock,
            "pick_orders": o.pick_orders,
            "pick_lines": o.pick_lines,
            "back_orders": o.back_orders,
            "closed_days": [day for day, _name in o.closed_days],
        }
        for o in selectors.centre_overviews(request.user, timezone.now().date())
    ]


@centres_router.get("/{code}/pick-list", response={200: list[PickOrderOut], **ERRORS})
def pick_list(request: ApiRequest, code: str) -> list[dict[str, Any]]:
    """What the centre has to pack, by order, the first to be packed on top."""
    centre = _centre(request, code)
    return [
        {
            "order_number": pick.order.number,
            "workshop": pick.order.workshop.code,
            "kind": pick.order.kind,
            "ready_at": pick.ready_at,
            "lines": [_pick_line(line) for line in pick.lines],
        }
        for pick in selectors.centre_pick_orders(centre)
    ]


@centres_router.post("/{code}/shipments", response={201: ShipmentOut, **ERRORS})
def ship(request: ApiRequest, code: str, payload: ShipmentIn) -> Status:
    """The centre dispatched its lines of the order: they leave its stock."""
    centre = _managed_centre(request, code)
    try:
        order = selectors.centre_order(centre, number=payload.order_number)
    except Http404:
        raise ValidationError(
            {"order_number": [_("This centre has no order with this number.")]}
        ) from None
    shipped = services.centre_ship(actor=request.user, centre=centre, order=order)
    lines = PartOrderLine.objects.filter(pk__in=[ln.pk for ln in shipped]).select_related("part")
    return Status(
        201, {"order_number": order.number, "lines": [_pick_line(line) for line in lines]}
    )


@centres_router.post("/{code}/goods-in", response={201: GoodsInOut, **ERRORS})
def goods_in(request: ApiRequest, code: str, payload: GoodsInIn) -> Status:
    """Goods into the centre; back-orders waiting for the part are allocated from
    them (vehicle off road first) and promised from now."""
    centre = _managed_centre(request, code)
    try:
        part = part_lookup(network=centre.network, number=payload.number).current
    except Http404:
        raise ValidationError(
            {"number": [_("No part with this number in the catalogue.")]}
        ) from None
    allocated = services.centre_stock_receive(
        actor=request.user, centre=centre, part=part, quantity=payload.quantity
    )
    lines = PartOrderLine.objects.filter(pk__in=[ln.pk for ln in allocated]).select_related(
        "order", "order__workshop"
    )
    return Status(
        201,
        {
            "stock": _stock_out(centre, part, selectors.centre_stock_of(centre, part)),
            "allocated": [
                {
                    "order_number": line.order.number,
                    "workshop": line.order.workshop.code,
                    "position": line.position,
                    "quantity": line.quantity,
                    "promised_at": line.promised_at,
                }
                for line in lines
            ],
        },
    )


@centres_router.get("/{code}/stock/{number}", response={200: CentreStockOut, **ERRORS})
def centre_stock(request: ApiRequest, code: str, number: str) -> dict[str, Any]:
    """The centre's stock of a part (a replaced number answers for its successor)."""
    centre = _centre(request, code)
    part = part_lookup(network=centre.network, number=number).current
    return _stock_out(centre, part, selectors.centre_stock_of(centre, part))


# ---------------------------------------------------------------- a part with its stock

# Mounted under /parts beside the catalogue's search: the part's page in the API.
parts_router = Router(tags=["parts"])


def _store_out(workshop: Workshop, part: Part) -> dict[str, Any]:
    figures = selectors.store_figures(workshop, part)
    item = figures.item
    arrival = figures.next_arrival
    return {
        "workshop": workshop.code,
        "kept": item is not None,
        "on_hand": figures.on_hand,
        "held": figures.held,
        "free": figures.free,
        "bin_location": item.bin_location if item else "",
        "minimum": item.minimum if item else 0,
        "maximum": item.maximum if item else 0,
        "on_order": figures.on_order,
        "next_arrival": arrival.promised_at if arrival else None,
    }


def _centres_out(part: Part, user: Any) -> list[dict[str, Any]]:
    return [
        {
            "centre": {"code": row.centre.code, "name": row.centre.name},
            "number": part.number,
            "name": part.name,
            "on_hand": row.on_hand,
            "allocated": row.allocated,
            "free": row.available,
        }
        for row in selectors.stock_per_centre(part, user)
    ]


@parts_router.get(
    "/{number}",
    response={200: PartDetailStockOut, **ERRORS},
    operation_id="servicelane_parts_api_get_part",  # its id from when the catalogue served it
)
def get_part(request: ApiRequest, number: str, workshop: CodeText | None = None) -> dict[str, Any]:
    """A part by its number typed any way. A replaced number answers with the current
    part, the ``requested_number`` and the ``supersession`` chain to it. A workshop's
    user also gets the store's figures (``store``), network staff the stock of every
    distribution centre (``centres``)."""
    network = parts_selectors.catalogue_network(user=request.user)  # 403 without the right
    lookup = parts_selectors.part_lookup(network=network, number=number)
    answer = part_answer(lookup, number)
    part = lookup.current
    in_scope = catalogue_workshop(request, workshop)
    return {
        "store": _store_out(in_scope, part)
        if in_scope is not None and in_scope.network_id == part.network_id
        else None,
        "centres": _centres_out(part, request.user),
        **answer,
    }
