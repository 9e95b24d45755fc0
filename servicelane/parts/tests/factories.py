from decimal import Decimal

import factory

from servicelane.core.tests.factories import NetworkFactory
from servicelane.parts.models import Fitment, Part, PartGroup, PartPrice


class PartGroupFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = PartGroup
        django_get_or_create = ("network", "code")

    network = factory.SubFactory(NetworkFactory)
    code = factory.Sequence(lambda n: f"{10 + n % 80}")
    name_en = factory.Sequence(lambda n: f"Group {n}")


class PartFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Part

    network = factory.SubFactory(NetworkFactory)
    number = factory.Sequence(lambda n: f"1142{7_000_000 + n}")
    name_en = factory.Sequence(lambda n: f"Part {n}")


def catalogue_part(
    network,
    number: str,
    en: str,
    de: str = "",
    zh: str = "",
    *,
    group: PartGroup | None = None,
    fits=(),
    prices: dict[str, tuple[str, str]] | None = None,
    superseded_by: Part | None = None,
    unit: str = "piece",
) -> Part:
    """A part with its fitment (vehicle types) and prices ({country: (currency, amount)})."""
    part = Part.objects.create(
        network=network,
        number=number,
        name_en=en,
        name_de=de,
        name_zh_hans=zh,
        group=group,
        unit=unit,
        superseded_by=superseded_by,
    )
    for vehicle_type in fits:
        Fitment.objects.create(part=part, vehicle_type=vehicle_type)
    for country, (currency, amount) in (prices or {}).items():
        PartPrice.objects.create(
            part=part, country=country, currency=currency, price=Decimal(amount)
        )
    return part
