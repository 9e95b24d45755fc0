"""The parts catalogue API: search, and the answer for a part by any form of its number
(served with the stock the caller may see by ``supply.api``, under the same path).

The catalogue is the network's: every workshop of the network reads all of it, any
other network's parts are 404. An old number answers with the part that replaced it.
"""

from typing import Any

from django.http import HttpRequest
from django.utils import translation
from ninja import Query, Router

from servicelane.core.apiutils import ERRORS, workshop_in_scope
from servicelane.core.models import Workshop
from servicelane.core.permissions import Perm
from servicelane.core.tenancy import access_for
from servicelane.parts import numbers, selectors
from servicelane.parts.models import Part, PartGroup, PartPrice
from servicelane.parts.schemas import PartSearchOut, PartSearchQuery
from servicelane.parts.selectors import PartLookup

router = Router(tags=["parts"])


def catalogue_workshop(request: HttpRequest, code: str | None) -> Workshop | None:
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
    workshop = catalogue_workshop(request, query.workshop)
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


def part_answer(lookup: PartLookup, number: str) -> dict[str, Any]:
    """The catalogue's answer for a part asked for by ``number`` (``PartDetailOut``): the
    current part, the chain to it from the number asked for, what it replaces. The part
    with its stock (``GET /parts/{number}``) is answered by the part orders' API
    (``supply.api``), which adds what the caller may see of the store and the centres."""
    part = lookup.current
    sheet = selectors.part_sheet(part)
    return {
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
