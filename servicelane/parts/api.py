"""The parts catalogue API: search, and a part by any form of its number.

The catalogue is the network's: every workshop of the network reads all of it, any
other network's parts are 404. An old number answers with the part that replaced it.
"""

from typing import Any

from django.http import HttpRequest
from django.utils import translation
from ninja import Field, Query, Router

from servicelane.core.apiutils import ERRORS, workshop_in_scope
from servicelane.core.models import Workshop
from servicelane.core.permissions import Perm
from servicelane.core.schema_types import CodeText
from servicelane.core.tenancy import access_for
from servicelane.parts import numbers, selectors
from servicelane.parts.models import Part, PartGroup, PartPrice
from servicelane.parts.schemas import PartDetailOut, PartSearchOut, PartSearchQuery
from servicelane.supply import selectors as supply_selectors
from servicelane.supply.schemas import CentreStockOut, StoreFiguresOut

router = Router(tags=["parts"])


def _workshop(request: HttpRequest, code: str | None) -> Workshop | None:
    """The workshop named, else the caller's only one; none for network staff."""
    access = access_for(request.user)
    if code:
        return workshop_in_scope(request, Perm.PARTS_VIEW, code)
    own = [w for w in access.workshop_roles if access.can(Perm.PARTS_VIEW, w)]
    if len(own) == 1:
        return Workshop.objects.select_related("network").get(pk=own[0])
    return None


def _group(group: PartGroup | None) -> dict[str, str] | None:
    return {"code": group.code, "name": group.name} if group else None


def _groups(part: Part) -> dict[str, Any]:
    group = part.group
    if group is None:
        return {"main_group": None, "subgroup": None}
    if group.parent is None:
        return {"main_group": _group(group), "subgroup": None}
    return {"main_group": _group(group.parent), "subgroup": _group(group)}


def _price(price: PartPrice) -> dict[str, Any]:
    return {"country": price.country, "currency": price.currency, "price": price.price}


def _names(part: Part) -> dict[str, str]:
    return {
        "name": selectors.name_in(part, translation.get_language()),
        "name_en": part.name_en,
        "name_de": part.name_de,
        "name_zh_hans": part.name_zh_hans,
    }


@router.get("", response={200: PartSearchOut, **ERRORS})
def search_parts(request: HttpRequest, query: Query[PartSearchQuery]) -> dict[str, Any]:
    """Parts by number prefix (separators ignored) or by the words of their names in
    any language (all words; the last as a prefix). An old number's hit is the part
    that replaced it, with ``replaces``. With ``vin``, only parts that fit the car
    (or fit every car); an unknown VIN is 400."""
    workshop = _workshop(request, query.workshop)
    network = selectors.catalogue_network(user=request.user, workshop=workshop)
    vehicle = selectors.vehicle_for_vin(network=network, vin=query.vin) if query.vin else None
    vehicle_type = vehicle.vehicle_type if vehicle else None
    country = workshop.country if workshop else None
    hits = selectors.part_search(
        network,
        query.q,
        translation.get_language(),
        vehicle_type=vehicle_type,
        limit=query.limit,
        country=country,
    )
    return {
        "count": len(hits),
        "vehicle_type": vehicle_type,
        "items": [
            {
                "number": hit.part.number,
                "display_number": hit.number,
                **_names(hit.part),
                "unit": hit.part.unit,
                **_groups(hit.part),
                "list_price": _price(hit.prices[0]) if country and hit.prices else None,
                "replaces": hit.replaces.number if hit.replaces else None,
            }
            for hit in hits
        ],
    }


class PartDetailStockOut(PartDetailOut):
    """The catalogue's part with the stock the caller may see."""

    store: StoreFiguresOut | None = Field(
        None, description="The workshop's store figures (workshop users; or ?workshop=)"
    )
    centres: list[CentreStockOut] = Field(
        [], description="Stock per distribution centre (network staff only)"
    )


def _store_out(workshop: Workshop, part: Part) -> dict[str, Any]:
    figures = supply_selectors.store_figures(workshop, part)
    item = figures.item
    arrival = figures.next_arrival
    return {
        "workshop": workshop.code,
        "kept": item is not None,
        "on_hand": figures.on_hand,
        "held": figures.held,
        "free": figures.free,
        "bin_location": item.bin_location if item else "",
        "minimum": item.minimum if item else 0,
        "maximum": item.maximum if item else 0,
        "on_order": figures.on_order,
        "next_arrival": arrival.promised_at if arrival else None,
    }


def _centres_out(part: Part, user: Any) -> list[dict[str, Any]]:
    return [
        {
            "centre": {"code": row.centre.code, "name": row.centre.name},
            "number": part.number,
            "name": part.name,
            "on_hand": row.on_hand,
            "allocated": row.allocated,
            "free": row.available,
        }
        for row in supply_selectors.stock_per_centre(part, user)
    ]


@router.get("/{number}", response={200: PartDetailStockOut, **ERRORS})
def get_part(request: HttpRequest, number: str, workshop: CodeText | None = None) -> dict[str, Any]:
    """A part by its number typed any way. A replaced number answers with the current
    part, the ``requested_number`` and the ``supersession`` chain to it. A workshop's
    user also gets the store's figures (``store``), network staff the stock of every
    distribution centre (``centres``)."""
    network = selectors.catalogue_network(user=request.user)  # 403 without the right
    lookup = selectors.part_lookup(network=network, number=number)
    sheet = selectors.part_sheet(lookup.current)
    part = lookup.current
    in_scope = _workshop(request, workshop)
    return {
        "store": _store_out(in_scope, part)
        if in_scope is not None and in_scope.network_id == part.network_id
        else None,
        "centres": _centres_out(part, request.user),
        "number": part.number,
        "display_number": sheet.number,
        **_names(part),
        "unit": part.unit,
        **_groups(part),
        "prices": [_price(p) for p in sheet.prices],
        "fits": sheet.fitments,
        "universal": not sheet.fitments,
        "requested_number": numbers.normalise(number),
        "supersession": [p.number for p in lookup.chain] if lookup.superseded else [],
        "replaces": [old.number for old, _new in sheet.replaces],
    }
