"""What the part orders add to the pages of the apps below them (docs/architecture.md,
"Registries"): registered in ``SupplyConfig.ready()``."""

from typing import Any

from django.http import HttpRequest

from servicelane.core.panels import Panel
from servicelane.core.permissions import Perm
from servicelane.core.tenancy import access_for
from servicelane.parts.models import Part
from servicelane.supply.selectors import stock_per_centre, store_figures


def _store(request: HttpRequest, part: Part) -> dict[str, Any] | None:
    """The current workshop's stock of the part, with what is on order."""
    workshop = getattr(request, "workshop", None)
    access = access_for(request.user)
    if (
        workshop is None
        or workshop.network_id != part.network_id
        or not access.can(Perm.PARTS_VIEW, workshop.pk)
    ):
        return None
    return {
        "part": part,
        "store": store_figures(workshop, part),
        "can_order": access.can(Perm.PART_ORDER, workshop.pk),
    }


def _centres(request: HttpRequest, part: Part) -> dict[str, Any] | None:
    """The stock of every centre of the network, for its staff."""
    if part.network_id not in access_for(request.user).networks_with(Perm.CENTRE_VIEW):
        return None
    return {"part": part, "centre_stock": stock_per_centre(part, request.user)}


part_store = Panel(template="supply/partials/_part_store.html", context=_store)
part_centres = Panel(template="supply/partials/_part_centres.html", context=_centres)
