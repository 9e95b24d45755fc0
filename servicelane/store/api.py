"""The workshop store API: stock with what is held, awaited and on order, a part's
ledger, its bin and min/max, stock counts and reorder suggestions.

Every request acts in one workshop's store: the one named by ``workshop`` (its code),
else the caller's only one. Every workshop role reads the store; changes need the
store's permission (403 with the reason). A part the store does not keep, or another
workshop's count, is 404.
"""

from decimal import Decimal
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404
from ninja import Query, Router, Status

from servicelane.core.apiutils import ERRORS, workshop_in_scope
from servicelane.core.models import Workshop
from servicelane.core.permissions import Perm
from servicelane.core.tenancy import access_for
from servicelane.core.types import ApiRequest
from servicelane.store import selectors, services
from servicelane.store.models import StockCount
from servicelane.store.schemas import (
    CountIn,
    CountOut,
    CountPageOut,
    MovementPageOut,
    PageQuery,
    StockItemDetailOut,
    StockItemIn,
    StockItemPatch,
    StockPageOut,
    StockQuery,
    SuggestionsOut,
    WorkshopQuery,
)

router = Router(tags=["store"])


def _workshop(request: ApiRequest, code: str | None, perm: Perm = Perm.PARTS_VIEW) -> Workshop:
    """The store the request acts in, where the user must hold ``perm``: a store the
    user reads but may not change is 403 (not an unknown workshop)."""
    access = access_for(request.user)
    if not code and perm != Perm.PARTS_VIEW and len(access.workshops_with(perm)) == 1:
        workshop = workshop_in_scope(request, perm, None)
    else:
        workshop = workshop_in_scope(request, Perm.PARTS_VIEW, code)
    access.require(perm, workshop.pk)
    return Workshop.objects.select_related("network").get(pk=workshop.pk)


def _workshop_of_lookup(request: ApiRequest, code: str | None) -> Workshop:
    """For a lookup by number or id: no store to look in is the same as not found."""
    try:
        return _workshop(request, code)
    except PermissionDenied:
        raise Http404 from None


def _page(request: ApiRequest, rows: Any, number: int) -> tuple[Any, dict[str, Any]]:
    paginator = Paginator(rows, settings.PAGE_SIZE)
    page = paginator.get_page(number)
    return page, {"count": paginator.count, "page": page.number, "pages": paginator.num_pages}


def _item_out(stock: selectors.StockRow) -> dict[str, Any]:
    item = stock.item
    return {
        "number": item.part.number,
        "display_number": stock.display_number,
        "name": item.part.name,
        "unit": item.part.unit,
        "bin_location": item.bin_location,
        "minimum": item.minimum,
        "maximum": item.maximum,
        "on_hand": item.on_hand,
        "held": stock.held,
        "waiting": stock.waiting,
        "free": stock.free,
        "on_order": stock.on_order,
        "below_minimum": stock.below_minimum,
    }


def _reservation_out(row: selectors.ReservationRow) -> dict[str, Any]:
    reservation = row.reservation
    return {
        "id": reservation.pk,
        "repair_order_id": reservation.repair_order_ref,
        "repair_order_number": reservation.repair_order_number,
        "job_line_id": reservation.job_line_ref,
        "quantity": reservation.quantity,
        "status": reservation.status,
        "reserved_at": reservation.created_at,
        "held_since": reservation.held_at,
        "order_number": row.order_number or None,
        "promised_at": row.promised_at,
    }


def _detail_out(stock: selectors.StockRow) -> dict[str, Any]:
    arrival = selectors.next_arrival(stock.item) if stock.on_order else None
    return {
        **_item_out(stock),
        "reservations": [_reservation_out(r) for r in selectors.open_reservations(stock.item)],
        "next_arrival": {
            "order_number": arrival.order.number,
            "quantity": arrival.quantity - arrival.quantity_received,
            "status": arrival.status,
            "promised_at": arrival.promised_at,
        }
        if arrival is not None
        else None,
    }


def _movement_out(row: selectors.LedgerRow) -> dict[str, Any]:
    movement = row.movement
    return {
        "id": movement.pk,
        "at": movement.at,
        "kind": movement.kind,
        "kind_label": movement.get_kind_display(),
        "quantity": movement.quantity,
        "balance_after": movement.balance_after,
        "repair_order_number": movement.repair_order_number or None,
        "order_number": row.order_number or None,
        "count_id": movement.count_id,
        "by": str(movement.actor) if movement.actor else None,
        "note": movement.note,
    }


def _count_out(count: StockCount) -> dict[str, Any]:
    lines = selectors.count_lines(count)
    return {
        "id": count.pk,
        "workshop": count.workshop.code,
        "counted_at": count.counted_at,
        "counted_by": str(count.counted_by) if count.counted_by else None,
        "note": count.note,
        "differences": sum(1 for row in lines if row.line.difference),
        "lines": [
            {
                "number": row.line.item.part.number,
                "display_number": row.display_number,
                "name": row.line.item.part.name,
                "bin_location": row.line.item.bin_location,
                "expected": row.line.expected,
                "counted": row.line.counted,
                "difference": row.line.difference,
            }
            for row in lines
        ],
    }


# ---------------------------------------------------------------- items


@router.get("/items", response={200: StockPageOut, **ERRORS})
def list_items(request: ApiRequest, query: Query[StockQuery]) -> dict[str, Any]:
    """The store's parts in bin order, with on hand, held, waiting, free, on order and
    min/max; ``q`` finds a part number prefix (separators ignored), a name in any
    language or a bin."""
    workshop = _workshop(request, query.workshop)
    items = selectors.stock_search(
        selectors.store_items(user=request.user, workshop=workshop), query.q, query.below_minimum
    )
    page, meta = _page(request, items, query.page)
    return {**meta, "items": [_item_out(i) for i in selectors.with_figures(page, workshop)]}


@router.get("/items/{number}", response={200: StockItemDetailOut, **ERRORS})
def get_item(request: ApiRequest, number: str, query: Query[WorkshopQuery]) -> dict[str, Any]:
    """A part of the store by its number typed any way, with its open reservations and
    the next order bringing it."""
    workshop = _workshop_of_lookup(request, query.workshop)
    item = selectors.item_get(user=request.user, workshop=workshop, number=number)
    return _detail_out(item)


def _set(
    request: ApiRequest,
    workshop: Workshop,
    number: str,
    *,
    bin_location: str,
    minimum: Decimal | str,
    maximum: Decimal | str,
) -> dict[str, Any]:
    found = selectors.item_lookup(user=request.user, workshop=workshop, number=number)
    if found.part is None:
        raise Http404
    services.stock_item_set(
        actor=request.user,
        workshop=workshop,
        part=found.part,
        bin_location=bin_location,
        minimum=minimum,
        maximum=maximum,
    )
    item = selectors.item_get(user=request.user, workshop=workshop, number=found.part.number)
    return _detail_out(item)


@router.put("/items/{number}", response={200: StockItemDetailOut, **ERRORS})
def put_item(
    request: ApiRequest, number: str, payload: StockItemIn, query: Query[WorkshopQuery]
) -> dict[str, Any]:
    """Set the part's bin and min/max; a catalogue part the store does not keep yet is
    taken in (with nothing on hand). The quantity is never set here: it moves only
    through receipts, issues, returns and counts."""
    workshop = _workshop(request, query.workshop, Perm.STORE_MANAGE)
    return _set(
        request,
        workshop,
        number,
        bin_location=payload.bin_location,
        minimum=payload.minimum,
        maximum=payload.maximum,
    )


@router.patch("/items/{number}", response={200: StockItemDetailOut, **ERRORS})
def patch_item(
    request: ApiRequest, number: str, payload: StockItemPatch, query: Query[WorkshopQuery]
) -> dict[str, Any]:
    """Change the bin or min/max of a part the store keeps; what is not sent stays."""
    workshop = _workshop(request, query.workshop, Perm.STORE_MANAGE)
    item = selectors.item_get(user=request.user, workshop=workshop, number=number).item
    return _set(
        request,
        workshop,
        item.part.number,
        bin_location=item.bin_location if payload.bin_location is None else payload.bin_location,
        minimum=item.minimum if payload.minimum is None else payload.minimum,
        maximum=item.maximum if payload.maximum is None else payload.maximum,
    )


@router.get("/items/{number}/movements", response={200: MovementPageOut, **ERRORS})
def list_movements(request: ApiRequest, number: str, query: Query[PageQuery]) -> dict[str, Any]:
    """The part's ledger, newest first: every receipt, issue, return and count
    difference with the balance after it and what it was for."""
    workshop = _workshop_of_lookup(request, query.workshop)
    item = selectors.item_get(user=request.user, workshop=workshop, number=number)
    page, meta = _page(request, selectors.item_movements(item.item), query.page)
    return {**meta, "items": [_movement_out(m) for m in selectors.ledger_rows(page)]}


# ---------------------------------------------------------------- counts


@router.get("/counts", response={200: CountPageOut, **ERRORS})
def list_counts(request: ApiRequest, query: Query[PageQuery]) -> dict[str, Any]:
    """The store's counts, newest first."""
    workshop = _workshop(request, query.workshop)
    page, meta = _page(
        request, selectors.counts_of(user=request.user, workshop=workshop), query.page
    )
    return {
        **meta,
        "items": [
            {
                "id": count.pk,
                "counted_at": count.counted_at,
                "counted_by": str(count.counted_by) if count.counted_by else None,
                "note": count.note,
                "lines": count.line_count,
                "differences": count.difference_count,
            }
            for count in page
        ],
    }


@router.post("/counts", response={201: CountOut, **ERRORS})
def create_count(request: ApiRequest, payload: CountIn) -> Status:
    """Book what was found on the shelves: each line's difference to the ledger becomes a
    count movement (and may fill waiting reservations). A bad line is named
    (``lines.<i>.number`` / ``lines.<i>.counted``) and nothing is booked."""
    workshop = _workshop(request, payload.workshop, Perm.STORE_MANAGE)
    counts = selectors.count_parts(
        workshop=workshop,
        lines=[(line.number, line.counted) for line in payload.lines],
    )
    count = services.stock_count_record(
        actor=request.user, workshop=workshop, counts=counts, note=payload.note
    )
    return Status(201, _count_out(selectors.count_get(user=request.user, pk=count.pk)))


@router.get("/counts/{count_id}", response={200: CountOut, **ERRORS})
def get_count(request: ApiRequest, count_id: int) -> dict[str, Any]:
    """A count: per part what the ledger expected, what was counted, the difference."""
    return _count_out(selectors.count_get(user=request.user, pk=count_id))


# ---------------------------------------------------------------- reorder


@router.get("/reorder-suggestions", response={200: SuggestionsOut, **ERRORS})
def reorder_suggestions(request: ApiRequest, query: Query[WorkshopQuery]) -> dict[str, Any]:
    """Parts to order: projected stock (on hand - held - waiting + on order) below the
    minimum, ordered up to the maximum; or waiting reservations nothing covers."""
    workshop = _workshop(request, query.workshop)
    found = selectors.reorder_suggestions(user=request.user, workshop=workshop)
    return {
        "count": len(found.suggestions),
        "order_form_url": found.order_url if found.suggestions else None,
        "items": [
            {
                "number": s.item.part.number,
                "display_number": s.display_number,
                "name": s.item.part.name,
                "bin_location": s.item.bin_location,
                "on_hand": s.on_hand,
                "held": s.held,
                "waiting": s.waiting,
                "on_order": s.on_order,
                "projected": s.projected,
                "minimum": s.item.minimum,
                "maximum": s.item.maximum,
                "quantity": s.quantity,
                "reason": s.reason,
            }
            for s in found.suggestions
        ],
    }
