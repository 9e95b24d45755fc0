"""What the service book adds to the pages of the apps below it (docs/architecture.md,
"Registries"): registered in ``ServicebookConfig.ready()``."""

from typing import Any

from django.http import HttpRequest

from servicelane.core.panels import Panel
from servicelane.core.permissions import Perm
from servicelane.core.tenancy import access_for
from servicelane.servicebook.selectors import rollback_suspected
from servicelane.vehicles.models import Vehicle


def _rollback(request: HttpRequest, vehicle: Vehicle) -> dict[str, Any] | None:
    if not rollback_suspected(vehicle):
        return None
    return {
        "vehicle": vehicle,
        "can_read_service_book": access_for(request.user).can(Perm.SERVICE_BOOK_VIEW),
    }


rollback_banner = Panel(template="servicebook/partials/_rollback_banner.html", context=_rollback)
