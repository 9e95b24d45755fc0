import random

import factory

from servicelane.core.tests.factories import NetworkFactory
from servicelane.demo.customers import make_vin
from servicelane.vehicles.models import Ownership, Vehicle, VehicleType, WorkshopVehicle

_rng = random.Random(7)


class VehicleTypeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = VehicleType

    network = factory.SubFactory(NetworkFactory)
    series = "3 Series"
    model_code = factory.Sequence(lambda n: f"G20-{n}")
    model_name = "320i Sedan"
    engine = "2.0 l 4-cyl. 135 kW"
    fuel_type = "petrol"
    drive = "rwd"


class VehicleFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Vehicle

    network = factory.SubFactory(NetworkFactory)
    vin = factory.Sequence(lambda n: make_vin(_rng, "WBA", 500_000 + n))
    manufacturer = "BMW"
    plate = factory.Sequence(lambda n: f"FR-T {n}")


def vehicle_of(customer, **fields) -> Vehicle:
    """A vehicle linked to the customer's workshop and owned by the customer."""
    vehicle = VehicleFactory(network=customer.workshop.network, **fields)
    WorkshopVehicle.objects.create(workshop=customer.workshop, vehicle=vehicle)
    Ownership.objects.create(
        workshop=customer.workshop, vehicle=vehicle, customer=customer, started_on="2020-01-01"
    )
    return vehicle
