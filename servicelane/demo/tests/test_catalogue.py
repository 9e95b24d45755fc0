"""The demo catalogue: groups, about 300 parts in three languages with prices in two
countries, fitment to the demo's vehicle types, and the oil filter's chain of three."""

import random

import pytest

from servicelane.core.demo import data
from servicelane.parts.demo import build_catalogue
from servicelane.parts.models import Part, PartGroup, PartPrice
from servicelane.parts.selectors import part_lookup, part_search
from servicelane.vehicles.models import VehicleType

pytestmark = pytest.mark.django_db


def test_the_demo_catalogue_is_built_in_bulk(network, django_assert_max_num_queries):
    VehicleType.objects.bulk_create(
        VehicleType(
            network=network, series=s, model_code=c, model_name=n, engine=e, fuel_type=f, drive=d
        )
        for s, c, n, e, f, d in data.VEHICLE_TYPES
    )

    with django_assert_max_num_queries(30):
        current = build_catalogue(network, random.Random(1))

    assert 250 <= Part.objects.filter(network=network).count() <= 350
    assert all(p.name_en and p.name_de and p.name_zh_hans for p in current)
    assert {"11", "13", "34", "61"} <= set(
        PartGroup.objects.filter(parent=None).values_list("code", flat=True)
    )
    assert set(PartPrice.objects.values_list("country", "currency").distinct()) == {
        ("DE", "EUR"),
        ("CN", "CNY"),
    }
    lookup = part_lookup(network=network, number="11 42 7 566 327")
    assert [p.number for p in lookup.chain] == [
        "11427566327",
        "11427635557",
        "11428575211",
        "11427953129",
    ]
    assert Part.objects.filter(superseded_by__isnull=False).count() >= 6
    three = VehicleType.objects.get(model_code="G20-320i")
    hits = part_search(network, "机油滤清器", "zh-hans", vehicle_type=three)
    assert [h.part.number for h in hits] == ["11427953129"]
