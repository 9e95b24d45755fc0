"""Reads of the parts catalogue: search by number or words, a part by any form of its
number, and what its page shows.

The catalogue is the network's: every workshop of the network and the network's
staff read all of it; another network's catalogue is never found.
"""

from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.http import Http404
from django.utils.translation import gettext as _

from servicelane.core.models import Network, Workshop
from servicelane.core.permissions import Perm
from servicelane.core.tenancy import access_for
from servicelane.parts import numbers, text
from servicelane.parts.models import Fitment, Named, Part, PartPrice
from servicelane.parts.supersession import (
    RELATED,
    SupersessionLoop,
    chain_forward,
    predecessors,
    resolve_many,
)
from servicelane.vehicles.models import Vehicle, VehicleType
from servicelane.vehicles.selectors import vehicle_by_vin

DEFAULT_LIMIT = 20
MAX_LIMIT = 100


def catalogue_network(*, user: Any, workshop: Workshop | None = None) -> Network:
    """The network whose catalogue the user reads: the current workshop's, else the one
    network where a role lets them read parts (the lowest id if several)."""
    access = access_for(user)
    if workshop is not None and access.can(Perm.PARTS_VIEW, workshop.pk):
        return workshop.network
    networks = set(access.networks_with(Perm.PARTS_VIEW)) | {
        access.network_of_workshop[w]
        for w in access.workshops_with(Perm.PARTS_VIEW)
        if w in access.network_of_workshop
    }
    if not networks:
        raise PermissionDenied(_("Your role does not allow this."))
    return Network.objects.get(pk=min(networks))


def name_in(obj: Named, language: str | None) -> str:
    """The name in ``language`` (en, de, zh-hans), else the English one."""
    key = (language or "en").replace("-", "_").lower()
    value = {"de": obj.name_de, "zh_hans": obj.name_zh_hans}.get(key)
    return value or obj.name_en


def vehicle_for_vin(*, network: Network, vin: str) -> Vehicle:
    """The network's car with this VIN (any case, with spaces); a 400 otherwise."""
    vehicle = vehicle_by_vin(vin=vin, network_ids=[network.pk])
    if vehicle is None:
        raise ValidationError({"vin": [_("No car with this VIN in the network.")]})
    return vehicle


# ---------------------------------------------------------------- search


@dataclass
class PartHit:
    """One result: the current part, and the older number the query found, if any."""

    part: Part
    number: str  # in the network's format
    name: str  # in the reader's language
    replaces: Part | None = None
    replaces_number: str = ""
    prices: list[PartPrice] = field(default_factory=list)


def _fits_filter(vehicle_type_id: int) -> Q:
    """Parts that fit the type, or fit every type (no fitment at all). A superseded part
    passes: its successor is checked once found."""
    fitments = Fitment.objects.filter(part=OuterRef("pk"))
    return (
        Q(superseded_by__isnull=False)
        | ~Exists(fitments)
        | Exists(fitments.filter(vehicle_type_id=vehicle_type_id))
    )


def number_search_queryset(
    network_id: int, prefix: str, vehicle_type_id: int | None, limit: int
) -> QuerySet[Part]:
    """Parts whose number starts with ``prefix`` (normalised): an index range on
    (network, number), in number order."""
    parts = Part.objects.filter(network_id=network_id, number__gte=prefix)
    bound = numbers.prefix_upper_bound(prefix)
    if bound is not None:
        parts = parts.filter(number__lt=bound)
    if vehicle_type_id is not None:
        parts = parts.filter(_fits_filter(vehicle_type_id))
    return parts.select_related(*RELATED).order_by("number")[:limit]


# Both: parts that fit the type (given twice), or fit every type (no fitment), or are
# superseded (their successor is checked once found); no type (NULL): every part.
_WORDS_SQLITE = """
SELECT p.id FROM parts_part_fts CROSS JOIN parts_part AS p ON p.id = parts_part_fts.rowid
WHERE parts_part_fts MATCH %s AND p.network_id = %s
  AND (%s IS NULL OR p.superseded_by_id IS NOT NULL
       OR NOT EXISTS (SELECT 1 FROM parts_fitment AS x WHERE x.part_id = p.id)
       OR EXISTS (SELECT 1 FROM parts_fitment AS x
                  WHERE x.part_id = p.id AND x.vehicle_type_id = %s))
LIMIT %s"""
_WORDS_POSTGRES = """
SELECT p.id FROM parts_part AS p
WHERE to_tsvector('simple', p.search_text) @@ to_tsquery('simple', %s) AND p.network_id = %s
  AND (CAST(%s AS bigint) IS NULL OR p.superseded_by_id IS NOT NULL
       OR NOT EXISTS (SELECT 1 FROM parts_fitment AS x WHERE x.part_id = p.id)
       OR EXISTS (SELECT 1 FROM parts_fitment AS x
                  WHERE x.part_id = p.id AND x.vehicle_type_id = %s))
LIMIT %s"""


def word_search_sql(
    vendor: str, network_id: int, terms: list[text.Term], vehicle_type_id: int | None, limit: int
) -> tuple[str, list[Any]]:
    """The ids of parts whose names hold every term, through the full-text index.

    SQLite: the FTS5 table drives the loop (CROSS JOIN keeps it outside), so the query
    stops after ``limit`` matches however common the word. PostgreSQL: the expression
    of the GIN index, ``to_tsvector('simple', search_text)``, word for word.
    """
    fits = [vehicle_type_id, vehicle_type_id]
    if vendor == "sqlite":
        return _WORDS_SQLITE, [text.fts5_query(terms), network_id, *fits, limit]
    if vendor == "postgresql":
        return _WORDS_POSTGRES, [text.tsquery(terms), network_id, *fits, limit]
    raise NotImplementedError(f"no full-text search on {vendor}")


def _word_hits(network_id: int, query: str, vehicle_type_id: int | None, limit: int) -> list[Part]:
    terms = text.query_terms(query)
    if not terms:
        return []
    sql, params = word_search_sql(connection.vendor, network_id, terms, vehicle_type_id, limit)
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        ids = [row[0] for row in cursor.fetchall()]
    if not ids:
        return []
    return list(Part.objects.select_related(*RELATED).filter(id__in=ids).order_by())


def _looks_like_a_number(query: str) -> bool:
    """Digits with separators only ("11 42-7"): no words to look for."""
    return not any(ch.isalpha() for ch in query) and any(ch.isdigit() for ch in query)


def part_search(
    network: Network,
    q: str,
    language: str | None,
    vehicle_type: VehicleType | None = None,
    limit: int = DEFAULT_LIMIT,
    country: str | None = None,
) -> list[PartHit]:
    """Parts for a typed query: by number prefix (with or without separators) first,
    then by the words of their names (every word; the last one as a prefix), in any of
    the three languages, names of the reader's language first.

    A superseded part found either way shows as its current successor, noting the
    number it replaces. With a vehicle type, only parts that fit it, or fit every type
    (no fitment recorded), are found. ``country`` narrows the attached list prices.
    """
    q = (q or "").strip()
    limit = max(1, min(limit, MAX_LIMIT))
    if not q:
        return []
    type_id = vehicle_type.pk if vehicle_type is not None else None
    # Old numbers and their successors may both match and count once: ask for more.
    wanted = limit * 2 + 10
    found: list[Part] = []
    prefix = numbers.normalise(q)
    if prefix:
        found = list(number_search_queryset(network.pk, prefix, type_id, wanted))
    if len(found) < wanted and not _looks_like_a_number(q):
        seen = {p.pk for p in found}
        words = [p for p in _word_hits(network.pk, q, type_id, wanted) if p.pk not in seen]
        found += _words_first_in(words, q, language)
    hits = _current_hits(found, network, language, type_id)[:limit]
    _attach_prices(hits, country)
    return hits


def _words_first_in(parts: list[Part], q: str, language: str | None) -> list[Part]:
    """Parts whose name in the reader's language holds the words first, then by number."""
    wanted = text.search_text(q).split()

    def key(part: Part) -> tuple[int, str]:
        own = text.search_text(name_in(part, language))
        return (0 if all(word in own for word in wanted) else 1, part.number)

    return sorted(parts, key=key)


def _current_hits(
    found: list[Part],
    network: Network,
    language: str | None,
    vehicle_type_id: int | None,
) -> list[PartHit]:
    current = resolve_many(found)
    replaced = {current[p.pk].pk for p in found if current[p.pk].pk != p.pk}
    unfit: set[int] = set()
    if vehicle_type_id is not None and replaced:
        # Successors of superseded hits must fit the car themselves.
        with_fitment = set(
            Fitment.objects.filter(part_id__in=replaced).values_list("part_id", flat=True)
        )
        fitting = set(
            Fitment.objects.filter(
                part_id__in=replaced, vehicle_type_id=vehicle_type_id
            ).values_list("part_id", flat=True)
        )
        unfit = with_fitment - fitting
    layout = network.part_number_format
    found_ids = {p.pk for p in found}
    hits: dict[int, PartHit] = {}
    for part in found:
        now = current[part.pk]
        if now.pk in hits or now.pk in unfit:
            continue
        if now.pk != part.pk and now.pk in found_ids:
            continue  # the current part was found itself: no need to name the old one
        hit = PartHit(
            part=now, number=numbers.display(now.number, layout), name=name_in(now, language)
        )
        if now.pk != part.pk:
            hit.replaces = part
            hit.replaces_number = numbers.display(part.number, layout)
        hits[now.pk] = hit
    return list(hits.values())


def _attach_prices(hits: list[PartHit], country: str | None) -> None:
    if not hits:
        return
    prices = PartPrice.objects.filter(part_id__in=[h.part.pk for h in hits]).order_by("country")
    if country:
        prices = prices.filter(country=country)
    by_part: dict[int, list[PartPrice]] = {}
    for price in prices:
        by_part.setdefault(price.part_id, []).append(price)
    for hit in hits:
        hit.prices = by_part.get(hit.part.pk, [])


# ---------------------------------------------------------------- one part


@dataclass
class PartLookup:
    """A part asked for by number, and the part that answers for it now."""

    requested: Part
    current: Part
    chain: list[Part]  # from the requested part to the current one
    loop: list[str] | None = None

    @property
    def superseded(self) -> bool:
        return self.current.pk != self.requested.pk


def part_lookup(*, network: Network, number: str) -> PartLookup:
    """The part with this number, typed any way, and its current successor; 404 when
    the network's catalogue has no such number."""
    normalised = numbers.normalise(number)
    part = (
        Part.objects.select_related(*RELATED).filter(network=network, number=normalised).first()
        if normalised
        else None
    )
    if part is None:
        raise Http404(_("No part with this number in the catalogue."))
    try:
        chain = chain_forward(part)
    except SupersessionLoop as loop:
        return PartLookup(requested=part, current=part, chain=[part], loop=loop.numbers)
    return PartLookup(requested=part, current=chain[-1], chain=chain)


@dataclass
class PartSheet:
    """Everything a part's page and the API's detail show."""

    part: Part
    number: str
    group_path: list[Any]
    replaces: list[tuple[Part, Part]]
    fitments: list[VehicleType]
    prices: list[PartPrice]


def part_sheet(part: Part) -> PartSheet:
    group_path = []
    if part.group is not None:
        group_path = [part.group.parent, part.group] if part.group.parent else [part.group]
    types = [
        fitment.vehicle_type
        for fitment in Fitment.objects.filter(part=part)
        .select_related("vehicle_type")
        .order_by("vehicle_type__series", "vehicle_type__model_name", "vehicle_type__model_code")
    ]
    return PartSheet(
        part=part,
        number=part.display_number(part.network.part_number_format),
        group_path=group_path,
        replaces=predecessors(part),
        fitments=types,
        prices=list(part.prices.order_by("country")),
    )


# ---------------------------------------------------------------- for other apps


def part_by_number(*, network_id: int, number: str) -> Part | None:
    """The network's part of this number, written as the catalogue keeps it
    (``numbers.normalise``); None when there is none."""
    return Part.objects.filter(network_id=network_id, number=number).first() if number else None


def parts_by_number(*, network_id: int, wanted: Iterable[str]) -> dict[str, Part]:
    """The network's parts of these numbers (as the catalogue keeps them), by number, in
    one query."""
    return {p.number: p for p in Part.objects.filter(network_id=network_id, number__in=wanted)}


def catalogue_part(workshop: Workshop, number: str) -> Part | None:
    """The current part for a number typed any way in the workshop's catalogue (an
    old number gives its successor); None when the catalogue has no such number."""
    part = part_by_number(network_id=workshop.network_id, number=numbers.normalise(number))
    return resolve_many([part])[part.pk] if part is not None else None


def list_price(part: Part, workshop: Workshop) -> Decimal | None:
    """The network's list price of the part in the workshop's country and currency."""
    price = PartPrice.objects.filter(
        part=part, country=workshop.country, currency=workshop.currency
    ).first()
    return price.price if price is not None else None
