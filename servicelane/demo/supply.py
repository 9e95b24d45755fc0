"""The demo's distribution centres, their stock, the workshops' routes and stores.

China has the network's three national centres (Beijing, Shanghai, Foshan); the
German workshop is served by a national centre at Dingolfing. Their stock is drawn
so that the Beijing centre has sold out of the 3 Series oil filter while Shanghai and
Foshan still have it: an order from the Beijing workshop shows the automatic routing
to another centre. Bulk inserts; stock quantities are opening balances in the ledger.
"""

import datetime as dt
import random
from decimal import Decimal

from django.utils import timezone

from servicelane.core.models import Network, Workshop
from servicelane.parts.models import Part
from servicelane.store.choices import MovementKind
from servicelane.store.models import StockItem, StockMovement
from servicelane.supply.models import CentreStock, DeliveryRoute, DistributionCentre
from servicelane.supply.services import home_centres_assign

CN_NORTH = ["BJ", "TJ", "HE", "SX", "NM", "LN", "JL", "HL", "SD", "HA"]
CN_EAST = ["SH", "JS", "ZJ", "AH", "JX", "HB", "HN", "CQ", "SC", "SN"]
CN_SOUTH = ["GD", "GX", "HI", "FJ", "YN", "GZ"]
DE_ALL = ["BW", "BY", "BE", "BB", "HB", "HH", "HE", "MV", "NI", "NW", "RP", "SL", "SN", "ST",
          "SH", "TH"]  # fmt: skip

CENTRES = [
    # code, names, country, subdivision, zone, home regions, share of the catalogue stocked
    ("beijing", ("Beijing", "Peking", "北京"), "CN", "", "Asia/Shanghai", CN_NORTH, 0.85),
    ("shanghai", ("Shanghai", "Shanghai", "上海"), "CN", "", "Asia/Shanghai", CN_EAST, 0.92),
    ("foshan", ("Foshan", "Foshan", "佛山"), "CN", "", "Asia/Shanghai", CN_SOUTH, 0.8),
    ("dingolfing", ("Dingolfing", "Dingolfing", "丁格芬"), "DE", "BY", "Europe/Berlin", DE_ALL,
     0.9),
]  # fmt: skip

# (workshop key, centre code, daily tour hours, courier hours)
ROUTES = [
    ("beijing", "beijing", "6", "3"),
    ("beijing", "shanghai", "30", "9"),
    ("beijing", "foshan", "40", "11"),
    ("freiburg", "dingolfing", "14", "6"),
]
SOLD_OUT_AT_HOME = ("beijing", "11427953129")
STORE_SHARE = 0.6


def _centre(network: Network, spec: tuple) -> DistributionCentre:
    code, (en, de, zh), country, subdivision, zone, regions, _share = spec
    return DistributionCentre(
        network=network,
        code=code,
        name_en=en,
        name_de=de,
        name_zh_hans=zh,
        country=country,
        subdivision=subdivision,
        time_zone=zone,
        opens_at=dt.time(8),
        closes_at=dt.time(20),
        cutoff_super_urgent=dt.time(18),
        cutoff_urgent=dt.time(16),
        cutoff_stock=dt.time(12),
        home_regions=regions,
    )


def build_supply(network: Network, workshops: dict[str, Workshop], rng: random.Random) -> None:
    centres = {
        c.code: c
        for c in DistributionCentre.objects.bulk_create(_centre(network, s) for s in CENTRES)
    }
    DeliveryRoute.objects.bulk_create(
        DeliveryRoute(
            centre=centres[code],
            workshop=workshops[key],
            transport_hours=Decimal(tour),
            express_hours=Decimal(courier),
        )
        for key, code, tour, courier in ROUTES
        if key in workshops
    )
    for workshop in workshops.values():
        home_centres_assign(workshop=workshop)
    parts = list(Part.objects.filter(network=network, superseded_by__isnull=True).order_by("pk"))
    share = {spec[0]: spec[-1] for spec in CENTRES}
    sold_out_centre, sold_out_number = SOLD_OUT_AT_HOME
    CentreStock.objects.bulk_create(
        CentreStock(centre=centre, part=part, on_hand=Decimal(rng.randint(5, 400)))
        for code, centre in centres.items()
        for part in parts
        if (
            rng.random() < share[code]
            and not (code == sold_out_centre and part.number == sold_out_number)
        )
        or (code != sold_out_centre and part.number == sold_out_number)
    )
    for key, workshop in workshops.items():
        _store(workshop, parts, rng, skip={sold_out_number} if key == sold_out_centre else set())


def _store(workshop: Workshop, parts: list[Part], rng: random.Random, skip: set[str]) -> None:
    """About 60 % of the catalogue on the shelves, each with a bin and min/max; the
    parts in ``skip`` are kept but have run out (a reorder suggestion shows them)."""
    items = []
    for part in parts:
        if part.number not in skip and rng.random() > STORE_SHARE:
            continue
        minimum = Decimal(rng.choice([1, 2, 2, 4, 6]))
        aisle, shelf, level = rng.choice("ABCDEFG"), rng.randint(1, 24), rng.randint(1, 6)
        items.append(
            StockItem(
                workshop=workshop,
                part=part,
                bin_location=f"{aisle}-{shelf:02d}-{level}",
                minimum=minimum,
                maximum=minimum * 3,
                on_hand=Decimal(0) if part.number in skip else minimum + rng.randint(0, 8),
            )
        )
    StockItem.objects.bulk_create(items)
    opened = timezone.now() - dt.timedelta(days=30)
    StockMovement.objects.bulk_create(
        StockMovement(
            workshop=workshop,
            item=item,
            kind=MovementKind.OPENING,
            quantity=item.on_hand,
            balance_after=item.on_hand,
            at=opened,
        )
        for item in items
        if item.on_hand
    )
