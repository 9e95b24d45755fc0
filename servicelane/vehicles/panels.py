"""What vehicles adds to the pages of the apps below it (docs/architecture.md,
"Registries"): registered in ``VehiclesConfig.ready()``."""

from typing import Any

from django.http import HttpRequest

from servicelane.core.panels import Panel
from servicelane.customers.models import Customer
from servicelane.vehicles.selectors import vehicles_of_customer


def _customer_vehicles(request: HttpRequest, customer: Customer) -> dict[str, Any]:
    return {"ownerships": vehicles_of_customer(user=request.user, customer_id=customer.pk)}


customer_vehicles = Panel(
    template="vehicles/partials/_customer_vehicles.html", context=_customer_vehicles
)
