from decimal import Decimal

import factory

from servicelane.core.models import Network, User, Workshop

PASSWORD = "correct-horse-battery"


class NetworkFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Network

    name = factory.Sequence(lambda n: f"Network {n}")
    code = factory.Sequence(lambda n: f"net{n}")
    time_zone = "Europe/Berlin"


class WorkshopFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Workshop

    network = factory.SubFactory(NetworkFactory)
    code = factory.Sequence(lambda n: f"W{n}")
    name = factory.Sequence(lambda n: f"Workshop {n}")
    legal_name = factory.LazyAttribute(lambda o: f"{o.name} GmbH")
    street = "Hauptstraße 1"
    postal_code = "79098"
    city = "Freiburg im Breisgau"
    country = "DE"
    subdivision = "BW"
    time_zone = "Europe/Berlin"
    currency = "EUR"
    default_language = "de"
    vat_rate = Decimal("19.00")
    vat_id = "DE123456789"
    labour_rate = Decimal("140.00")


class BeijingWorkshopFactory(WorkshopFactory):
    name = factory.Sequence(lambda n: f"北京服务中心 {n}")
    street = "朝阳区望京街10号"
    postal_code = "100102"
    city = "北京"
    country = "CN"
    subdivision = ""
    time_zone = "Asia/Shanghai"
    currency = "CNY"
    default_language = "zh-hans"
    vat_rate = Decimal("13.00")
    vat_id = "91110105MA01ABCD2X"
    labour_rate = Decimal("480.00")


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"user{n}@example.org")
    full_name = factory.Sequence(lambda n: f"User {n}")
    language = "en"
    password = factory.PostGenerationMethodCall("set_password", PASSWORD)

    @factory.post_generation
    def save_password(obj, create, extracted, **kwargs):
        if create:
            obj.save()
