"""What the apps above tell the workshop's store (docs/architecture.md, "Registries")."""

import datetime as dt
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Protocol

from servicelane.core.registry import Registry


class IncomingOrder(Protocol):
    """The order goods come with, as the store reads it."""

    @property
    def number(self) -> str: ...


class Arrival(Protocol):
    """An order line bringing goods to the store: its order, what it brings and what is
    in already, its state, and when it is promised (None on back-order)."""

    @property
    def order(self) -> IncomingOrder: ...
    @property
    def quantity(self) -> Decimal: ...
    @property
    def quantity_received(self) -> Decimal: ...
    @property
    def status(self) -> str: ...
    @property
    def promised_at(self) -> dt.datetime | None: ...


@dataclass(frozen=True)
class Incoming:
    """Goods on their way to a workshop's store: ``on_order(workshop_id, part_ids)`` the
    quantities per part, ``next_arrivals(workshop_id, part_ids)`` per part what arrives
    first (with its ``promised_at``, None for a back-order), ``lines(ids)`` the order
    lines a reservation waits for (``order_line_ref``) by id, with their order's
    ``number``, ``promised_at`` and ``centre``."""

    on_order: Callable[[int, list[int]], dict[int, Decimal]]
    next_arrivals: Callable[[int, list[int]], Mapping[int, Arrival]]
    lines: Callable[[list[int]], Mapping[int, Arrival]]


#: Where the store's goods come from: the workshops' part orders (supply).
incoming: Registry[Incoming] = Registry("incoming goods")


def on_order(workshop_id: int, part_ids: list[int]) -> dict[int, Decimal]:
    """Quantities ordered and not yet received, per part, from every source."""
    total: dict[int, Decimal] = {}
    for source in incoming:
        for part_id, quantity in source.on_order(workshop_id, part_ids).items():
            total[part_id] = total[part_id] + quantity if part_id in total else quantity
    return total


def order_lines(line_ids: list[int]) -> dict[int, Arrival]:
    """The order lines of these ids, from whichever source knows them."""
    found: dict[int, Arrival] = {}
    if line_ids:
        for source in incoming:
            found.update(source.lines(line_ids))
    return found


def next_arrivals(workshop_id: int, part_ids: list[int]) -> dict[int, Arrival]:
    """Per part, what arrives first from any source (a back-order last)."""
    first: dict[int, Arrival] = {}
    for source in incoming:
        for part_id, arrival in source.next_arrivals(workshop_id, part_ids).items():
            known = first.get(part_id)
            if known is None or (
                arrival.promised_at is not None
                and (known.promised_at is None or arrival.promised_at < known.promised_at)
            ):
                first[part_id] = arrival
    return first
