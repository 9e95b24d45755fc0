"""What the apps above give the service book (docs/architecture.md, "Registries")."""

import datetime as dt
from collections.abc import Iterable
from typing import Protocol

from servicelane.core.registry import Registry

# (vehicle id, maintenance item code, read at, due date, due km)
Reading = tuple[int, str, dt.datetime, dt.date | None, int | None]


class CarReadings(Protocol):
    """What the cars said about their maintenance items, oldest first."""

    def __call__(self, vehicle_ids: list[int]) -> Iterable[Reading]: ...


#: Where the cars' own readings come from: the key reader's CBS data at reception
#: (workorders). The prediction takes each item's newest.
car_readings: Registry[CarReadings] = Registry("car readings")
