"""What the apps above add to the parts catalogue's pages (docs/architecture.md,
"Registries")."""

from typing import TYPE_CHECKING

from servicelane.core.panels import Panel
from servicelane.core.registry import Registry

if TYPE_CHECKING:
    from servicelane.parts.models import Part

#: Sections of a part's page after its prices: the workshop's store and the
#: distribution centres' stock (supply).
part_panels: "Registry[Panel[Part]]" = Registry("part panels")
