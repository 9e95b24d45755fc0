"""A repair order's part lines as the store sees them, with what is on order: reserved,
in the store, on order (and when it arrives), or to be ordered (and when it would
arrive by an urgent order placed now)."""

from typing import Any

from django.core.exceptions import ValidationError

from servicelane.core.models import Workshop
from servicelane.store.availability import LineAvailability, part_lines_in_store
from servicelane.store.choices import ReservationStatus
from servicelane.supply.selectors import next_arrivals, order_lines_by_id
from servicelane.supply.services import order_plan

# The order kind an advisor's arrival estimate assumes for a part not in the store.
ESTIMATE_KIND = "urgent"


def part_lines_availability(workshop: Workshop, lines: list[Any]) -> dict[int, LineAvailability]:
    """Availability of the catalogue part lines among ``lines``, by line id; a fixed
    number of queries however many lines."""
    result = part_lines_in_store(workshop, lines)
    if not result:
        return result
    arrivals = next_arrivals(workshop.pk, sorted({a.line.part_id for a in result.values()}))
    awaited = order_lines_by_id(sorted({r for a in result.values() if (r := _awaited(a))}))
    for found in result.values():
        ref = _awaited(found)
        order_line = (awaited.get(ref) if ref else None) or arrivals.get(found.line.part_id)
        if found.state in (ReservationStatus.WAITING, "to_order") and order_line is not None:
            found.arrival, found.on_order = order_line.promised_at, True
            found.arrival_from = order_line.centre.name if order_line.centre else ""
    _estimate_arrivals(
        workshop, [a for a in result.values() if a.state == "to_order" and not a.on_order]
    )
    return result


def _awaited(found: LineAvailability) -> int | None:
    """The order line the line's reservation waits for (its id), if any."""
    return found.reservation.order_line_ref if found.reservation is not None else None


def _estimate_arrivals(workshop: Workshop, short: list[LineAvailability]) -> None:
    """When an urgent order placed now would bring what the store lacks."""
    if not short:
        return
    try:
        plan = order_plan(
            workshop=workshop,
            kind=ESTIMATE_KIND,
            lines=[{"number": a.line.part.number, "quantity": a.missing} for a in short],
        )
    except ValidationError:
        return  # no centre delivers to the workshop: nothing to promise
    latest: dict[int, Any] = {}
    for planned in plan.lines:
        current = latest.get(planned.position)
        if (
            planned.promised_at is None
            or current is None
            or (current.promised_at is not None and planned.promised_at > current.promised_at)
        ):
            latest[planned.position] = planned
    for position, availability in enumerate(short, 1):
        chosen = latest.get(position)
        if chosen is not None:
            availability.arrival = chosen.promised_at
            availability.arrival_from = chosen.centre.name if chosen.centre else ""
