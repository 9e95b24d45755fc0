"""What the apps above add to the customers' pages (docs/architecture.md, "Registries")."""

from typing import TYPE_CHECKING

from servicelane.core.panels import Panel
from servicelane.core.registry import Registry

if TYPE_CHECKING:
    from servicelane.customers.models import Customer

#: Sections of a customer's page after the contact data: the customer's cars (vehicles).
customer_panels: "Registry[Panel[Customer]]" = Registry("customer panels")
