import factory

from servicelane.core.tests.factories import WorkshopFactory
from servicelane.customers.choices import CustomerKind
from servicelane.customers.models import Customer


class CustomerFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Customer

    workshop = factory.SubFactory(WorkshopFactory)
    kind = CustomerKind.PERSON
    first_name = "Anna"
    last_name = factory.Sequence(lambda n: f"Muster{n}")
    email = factory.Sequence(lambda n: f"customer{n}@example.de")
    phone = factory.Sequence(lambda n: f"+4976112{n:05d}")
    city = "Freiburg im Breisgau"
    country = "DE"
    language = "de"
