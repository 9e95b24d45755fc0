"""What the advisor and the parts clerk see of a repair order's part lines: reserved,
in the store, on order (and when it arrives), or to be ordered (and when it would
arrive by an urgent order placed now)."""

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db.models import Sum
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from servicelane.core.models import Workshop
from servicelane.store.choices import OPEN_RESERVATION, MovementKind, ReservationStatus
from servicelane.store.models import Reservation, StockItem, StockMovement

ZERO = Decimal(0)
# The order kind an advisor's arrival estimate assumes for a part not in the store.
ESTIMATE_KIND = "urgent"


@dataclass
class LineAvailability:
    line: Any
    item: StockItem | None
    free: Decimal
    reservation: Reservation | None
    issued: Decimal
    arrival: dt.datetime | None = None
    arrival_from: str = ""  # the centre's name
    on_order: bool = False  # the arrival is an order's promise, not an estimate

    @property
    def state(self) -> str:
        if self.issued >= self.line.quantity:
            return "issued"
        if self.reservation is not None:
            return self.reservation.status
        if self.free >= self.line.quantity:
            return "in_store"
        return "to_order"

    @property
    def label(self) -> str:
        return str(STATE_LABELS[self.state])

    @property
    def missing(self) -> Decimal:
        """What the store lacks for the line."""
        return max(self.line.quantity - max(self.free, ZERO), ZERO)


STATE_LABELS = {
    "issued": pgettext_lazy("parts", "Issued"),
    ReservationStatus.HELD: _("Reserved"),
    ReservationStatus.WAITING: _("Waiting for goods"),
    "in_store": _("In store"),
    "to_order": _("Not in store"),
}


def part_lines_availability(workshop: Workshop, lines: list[Any]) -> dict[int, LineAvailability]:
    """Availability of the catalogue part lines among ``lines``, by line id; a fixed
    number of queries however many lines."""
    from servicelane.supply import selectors as supply

    lines = [line for line in lines if line.part_id is not None]
    if not lines:
        return {}
    part_ids = sorted({line.part_id for line in lines})
    line_ids = [line.pk for line in lines]
    items = {
        i.part_id: i for i in StockItem.objects.filter(workshop=workshop, part_id__in=part_ids)
    }
    held = dict(
        Reservation.objects.filter(item__in=list(items.values()), status=ReservationStatus.HELD)
        .values_list("item_id")
        .annotate(s=Sum("quantity"))
    )
    reservations = {
        r.job_line_id: r
        for r in Reservation.objects.filter(
            job_line_id__in=line_ids, status__in=OPEN_RESERVATION
        ).select_related("order_line", "order_line__centre")
    }
    issued = dict(
        StockMovement.objects.filter(
            job_line_id__in=line_ids, kind__in=(MovementKind.ISSUE, MovementKind.RETURN)
        )
        .values_list("job_line_id")
        .annotate(s=Sum("quantity"))
    )
    arrivals = supply.next_arrivals(workshop.pk, part_ids)
    result = {}
    for line in lines:
        item = items.get(line.part_id)
        free = item.on_hand - held.get(item.pk, ZERO) if item else ZERO
        reservation = reservations.get(line.pk)
        found = LineAvailability(
            line=line,
            item=item,
            free=free,
            reservation=reservation,
            issued=-(issued.get(line.pk) or ZERO),
        )
        order_line = reservation.order_line if reservation else None
        order_line = order_line or arrivals.get(line.part_id)
        if found.state in (ReservationStatus.WAITING, "to_order") and order_line is not None:
            found.arrival, found.on_order = order_line.promised_at, True
            found.arrival_from = order_line.centre.name if order_line.centre else ""
        result[line.pk] = found
    _estimate_arrivals(
        workshop, [a for a in result.values() if a.state == "to_order" and not a.on_order]
    )
    return result


def _estimate_arrivals(workshop: Workshop, short: list[LineAvailability]) -> None:
    """When an urgent order placed now would bring what the store lacks."""
    from django.core.exceptions import ValidationError

    from servicelane.supply.services import order_plan

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
        planned = latest.get(position)
        if planned is not None:
            availability.arrival = planned.promised_at
            availability.arrival_from = planned.centre.name if planned.centre else ""


def jobs_waiting_for_parts(job_ids: list[int]) -> dict[int, dt.datetime | None]:
    """Jobs with a reservation still waiting for goods, and the latest promised arrival
    of what they wait for (None while something is on back-order or not ordered)."""
    rows = Reservation.objects.filter(
        job_line__job_id__in=job_ids, status=ReservationStatus.WAITING
    ).values_list("job_line__job_id", "order_line__promised_at")
    waiting: dict[int, dt.datetime | None] = {}
    unknown: set[int] = set()
    for job_id, promised in rows:
        if promised is None:
            unknown.add(job_id)
        elif waiting.get(job_id) is None or promised > waiting[job_id]:
            waiting[job_id] = promised
    for job_id in unknown:
        waiting[job_id] = None
    return waiting
