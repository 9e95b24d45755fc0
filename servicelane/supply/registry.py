"""What the apps above give the workshops' part orders (docs/architecture.md,
"Registries")."""

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Protocol

from servicelane.core.registry import Registry

if TYPE_CHECKING:  # the registry is imported by apps.py files, before the models load
    from servicelane.core.models import User, Workshop


class TargetVehicle(Protocol):
    """The car a repair order is for, as the order form names it."""

    @property
    def plate(self) -> str: ...
    @property
    def vin(self) -> str: ...


class RepairOrderTarget(Protocol):
    """A repair order as a part order cites it: its id and number, its workshop, whether
    it is still open, and its car."""

    @property
    def pk(self) -> int: ...
    @property
    def number(self) -> str: ...
    @property
    def workshop_id(self) -> int: ...
    @property
    def is_open(self) -> bool: ...
    @property
    def vehicle(self) -> TargetVehicle: ...


@dataclass(frozen=True)
class OrderTarget:
    """What a part order can be placed for: ``open_for(user, workshop)`` lists the
    workshop's open ones the user reads, ``find(user, workshop, number)`` names one."""

    open_for: "Callable[[User, Workshop], Sequence[RepairOrderTarget]]"
    find: "Callable[[User, Workshop, str], RepairOrderTarget | None]"


#: The repair orders a part order is placed for (workorders).
order_targets: Registry[OrderTarget] = Registry("order targets")
