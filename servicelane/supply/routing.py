"""Which centre ships which quantity: a pure function of what is wanted and what the
centres that deliver to the workshop have free.

Per line, in order: the home centre when it can fill the whole line; else the
centre that can fill it whole and delivers soonest; else as much as each centre has
(home first, then by arrival): a split shipment: and the rest on back-order.
"""

from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal


@dataclass(frozen=True)
class Want:
    position: int
    part_id: int
    quantity: Decimal


@dataclass
class Source:
    centre_id: int
    home: bool
    arrival: datetime
    available: dict[int, Decimal] = field(default_factory=dict)


@dataclass(frozen=True)
class Allocation:
    position: int
    part_id: int
    quantity: Decimal
    centre_id: int | None  # None: back-order


def route_lines(wants: list[Want], sources: list[Source]) -> list[Allocation]:
    """Allocate every wanted quantity; ``sources`` are not changed."""
    ordered = sorted(sources, key=lambda s: (not s.home, s.arrival, s.centre_id))
    free = {s.centre_id: dict(s.available) for s in ordered}
    allocations: list[Allocation] = []
    for want in wants:
        allocations.extend(_route_one(want, ordered, free))
    return allocations


def _route_one(
    want: Want, ordered: list[Source], free: dict[int, dict[int, Decimal]]
) -> list[Allocation]:
    def take(centre_id: int, quantity: Decimal) -> Allocation:
        free[centre_id][want.part_id] = free[centre_id].get(want.part_id, Decimal(0)) - quantity
        return Allocation(want.position, want.part_id, quantity, centre_id)

    whole = next(
        (s for s in ordered if free[s.centre_id].get(want.part_id, Decimal(0)) >= want.quantity),
        None,
    )
    if whole is not None:
        return [take(whole.centre_id, want.quantity)]
    result = []
    remaining = want.quantity
    for source in ordered:
        on_shelf = free[source.centre_id].get(want.part_id, Decimal(0))
        if on_shelf > 0 and remaining > 0:
            quantity = min(on_shelf, remaining)
            result.append(take(source.centre_id, quantity))
            remaining -= quantity
    if remaining > 0:
        result.append(Allocation(want.position, want.part_id, remaining, None))
    return result
