"""The network administrator corrects vehicle master data for the whole network, but a car
is registered for one workshop: without one chosen in the top bar there is nothing to
register for."""

import pytest

from servicelane.core.choices import NetworkRole
from servicelane.testing.clients import client_of
from servicelane.testing.personas import network_staff
from servicelane.vehicles.models import Vehicle

VIN = "1HGCM82633A004352"


@pytest.fixture
def network_admin(network):
    return network_staff(network, NetworkRole.NETWORK_ADMIN, email="admin@network.test")


@pytest.mark.django_db
def test_without_a_chosen_workshop_the_network_admin_is_not_offered_a_new_vehicle(
    network_admin, freiburg
):
    client = client_of(network_admin)

    assert client.get("/vehicles/").context["can_create"] is False
    assert client.get("/vehicles/new/").status_code == 403
    response = client.post("/vehicles/new/", {"vin": VIN, "plate": "FR-AB 12"})

    assert response.status_code == 403
    assert not Vehicle.objects.exists()


@pytest.mark.django_db
def test_with_a_workshop_chosen_the_network_admin_registers_a_car_there(network_admin, freiburg):
    client = client_of(network_admin)
    client.post("/workshop/switch/", {"workshop": freiburg.pk})

    assert client.get("/vehicles/").context["can_create"] is True
    response = client.post("/vehicles/new/", {"vin": VIN, "plate": "FR-AB 12"})

    assert response.status_code == 302
    assert Vehicle.objects.get().workshop_links.get().workshop == freiburg
