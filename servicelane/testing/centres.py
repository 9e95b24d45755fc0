"""The network's distribution centres for tests: Beijing (home of the Beijing workshop),
Shanghai and Foshan, opening 08:00 to 20:00 Beijing time with the demo's cut-offs, and a
helper that puts stock on their shelves."""

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

import pytest

from servicelane.core.models import Workshop
from servicelane.parts.models import Part
from servicelane.supply.models import CentreStock, DeliveryRoute, DistributionCentre
from servicelane.supply.services import home_centres_assign


@dataclass
class Centres:
    beijing: DistributionCentre
    shanghai: DistributionCentre
    foshan: DistributionCentre

    def stock(self, centre: DistributionCentre, part: Part, on_hand: int | str) -> CentreStock:
        row, _created = CentreStock.objects.update_or_create(
            centre=centre, part=part, defaults={"on_hand": Decimal(on_hand)}
        )
        return row


def make_centre(network, code: str, name: str, regions: list[str]) -> DistributionCentre:
    return DistributionCentre.objects.create(
        network=network,
        code=code,
        name_en=name,
        name_de=name,
        name_zh_hans=name,
        country="CN",
        time_zone="Asia/Shanghai",
        opens_at=dt.time(8),
        closes_at=dt.time(20),
        cutoff_super_urgent=dt.time(18),
        cutoff_urgent=dt.time(16),
        cutoff_stock=dt.time(12),
        home_regions=regions,
    )


def connect(workshop: Workshop, centre: DistributionCentre, tour: str, courier: str) -> None:
    DeliveryRoute.objects.create(
        centre=centre,
        workshop=workshop,
        transport_hours=Decimal(tour),
        express_hours=Decimal(courier),
    )


@pytest.fixture
def centres(network, beijing) -> Centres:
    """Three centres delivering to the Beijing workshop (region BJ): Beijing is its
    home centre (6 h tour / 3 h courier), Shanghai 30 h / 9 h, Foshan 40 h / 11 h."""
    beijing.subdivision = "BJ"
    beijing.save(update_fields=["subdivision"])
    found = Centres(
        beijing=make_centre(network, "beijing", "Beijing", ["BJ", "TJ"]),
        shanghai=make_centre(network, "shanghai", "Shanghai", ["SH", "JS"]),
        foshan=make_centre(network, "foshan", "Foshan", ["GD"]),
    )
    connect(beijing, found.shanghai, "30", "9")
    connect(beijing, found.beijing, "6", "3")
    connect(beijing, found.foshan, "40", "11")
    home_centres_assign(workshop=beijing)
    return found
