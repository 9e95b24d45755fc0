"""The parts tests run on the toolkit's catalogue (servicelane.testing.catalogue) and one
car that fits part of it."""

import pytest

from servicelane.vehicles.models import Vehicle
from servicelane.vehicles.tests.factories import VehicleFactory


@pytest.fixture
def car_g20(network, catalogue) -> Vehicle:
    """A 3 Series (G20) of the network."""
    return VehicleFactory(network=network, vehicle_type=catalogue.g20)
