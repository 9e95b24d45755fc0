"""What the apps above give the workshops' part orders (docs/architecture.md,
"Registries")."""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from servicelane.core.registry import Registry


@dataclass(frozen=True)
class OrderTarget:
    """What a part order can be placed for: ``open_for(user, workshop)`` lists the
    workshop's open ones the user reads, ``find(user, workshop, number)`` names one."""

    open_for: Callable[[Any, Any], list[Any]]
    find: Callable[[Any, Any, str], Any | None]


#: The repair orders a part order is placed for (workorders).
order_targets: Registry[OrderTarget] = Registry("order targets")
