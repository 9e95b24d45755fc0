"""The demo catalogue: groups, about 300 parts in three languages with prices in two
countries, fitment to the demo's vehicle types, and the oil filter's chain of three, read
from its CSV file by the network's catalogue import."""

import pytest

from servicelane.core.tests.factories import NetworkFactory
from servicelane.demo import data
from servicelane.demo.catalogue import CATALOGUE_FILE, build_catalogue
from servicelane.parts.models import Part, PartGroup, PartPrice
from servicelane.parts.selectors import part_lookup, part_search
from servicelane.parts.services import part_catalogue_import
from servicelane.vehicles.models import VehicleType

pytestmark = pytest.mark.django_db


def test_the_demo_catalogue_is_imported_in_bulk(django_assert_max_num_queries):
    network = NetworkFactory()
    VehicleType.objects.bulk_create(
        VehicleType(
            network=network, series=s, model_code=c, model_name=n, engine=e, fuel_type=f, drive=d
        )
        for s, c, n, e, f, d in data.VEHICLE_TYPES
    )

    # The import writes parts, prices and fitment in bulk; only the groups (39) are
    # created one by one, as rows name them.
    with django_assert_max_num_queries(90):
        current = build_catalogue(network)

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


def test_every_row_of_the_file_is_accepted_and_a_second_import_changes_nothing():
    network = NetworkFactory()
    VehicleType.objects.bulk_create(
        VehicleType(
            network=network, series=s, model_code=c, model_name=n, engine=e, fuel_type=f, drive=d
        )
        for s, c, n, e, f, d in data.VEHICLE_TYPES
    )
    build_catalogue(network)

    again = part_catalogue_import(network=network, source=CATALOGUE_FILE)

    assert again.errors == []
    assert again.rows == Part.objects.filter(network=network).count()
    assert again.unchanged == again.rows
