"""What the advisor and the parts clerk see of a repair order's part lines: reserved,
in the store, or to be ordered; when what is missing arrives is added by the part
orders (``supply.availability``)."""

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
from servicelane.store.registry import order_lines

ZERO = Decimal(0)


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


def part_lines_in_store(workshop: Workshop, lines: list[Any]) -> dict[int, LineAvailability]:
    """What the store holds for the catalogue part lines among ``lines``, by line id:
    free stock, reservation, issued; a fixed number of queries however many lines. When
    goods arrive is told by the part orders (``supply.availability``)."""
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
        r.job_line_ref: r
        for r in Reservation.objects.filter(job_line_ref__in=line_ids, status__in=OPEN_RESERVATION)
    }
    issued = dict(
        StockMovement.objects.filter(
            job_line_ref__in=line_ids, kind__in=(MovementKind.ISSUE, MovementKind.RETURN)
        )
        .values_list("job_line_ref")
        .annotate(s=Sum("quantity"))
    )
    result = {}
    for line in lines:
        item = items.get(line.part_id)
        free = item.on_hand - held.get(item.pk, ZERO) if item else ZERO
        result[line.pk] = LineAvailability(
            line=line,
            item=item,
            free=free,
            reservation=reservations.get(line.pk),
            issued=-(issued.get(line.pk) or ZERO),
        )
    return result


def lines_waiting_for_goods(line_refs: list[int]) -> list[tuple[int, dt.datetime | None]]:
    """The part lines (by ``job_line_ref``) with a reservation still waiting for goods,
    each with the promised arrival of the order line bringing them (None while they are
    on back-order or not ordered)."""
    rows = list(
        Reservation.objects.filter(
            job_line_ref__in=line_refs, status=ReservationStatus.WAITING
        ).values_list("job_line_ref", "order_line_ref")
    )
    lines = order_lines(sorted({ref for _line, ref in rows if ref}))
    return [(line_ref, lines[ref].promised_at if ref in lines else None) for line_ref, ref in rows]
