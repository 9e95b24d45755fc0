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
