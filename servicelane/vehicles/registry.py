"""What the apps above add to the vehicles' pages (docs/architecture.md, "Registries")."""

from typing import TYPE_CHECKING

from servicelane.core.panels import Panel
from servicelane.core.registry import Registry

if TYPE_CHECKING:
    from servicelane.vehicles.models import Vehicle

#: Alerts at the top of a car's page: a suspected odometer roll-back (service book).
vehicle_banners: "Registry[Panel[Vehicle]]" = Registry("vehicle banners")
