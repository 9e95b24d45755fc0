"""Number plates are searched without their separators; the rule is core's
(``core.plates``), which the customers' search shares."""

from servicelane.core.plates import normalise_plate

__all__ = ["normalise_plate"]
