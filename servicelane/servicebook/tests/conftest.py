"""The screens, API and owner's view of the service book are tested on Monday 2026-11-23
(like the repair order tests; modules opt in with ``pytestmark``) with one car of the
network that Freiburg knows (owner, plate) and Beijing has never seen."""

import datetime as dt

import pytest

from servicelane.customers.tests.factories import CustomerFactory
from servicelane.servicebook.catalogue import ensure_maintenance_items
from servicelane.servicebook.choices import EntryKind
from servicelane.servicebook.services import service_entry_create
from servicelane.vehicles.tests.factories import VehicleTypeFactory, vehicle_of

TODAY = dt.date(2026, 11, 23)
# Every module of the screens, the API and the owner's view uses these.
PINNED = ("pinned_now", "outbox_in_tmp")
OWNER_NAME = "Kirschbaumer"
PLATE = "FR-SB 77"


@pytest.fixture
def outbox_in_tmp(settings, tmp_path):
    """Teleservice messages and media written by a test stay in its own directory."""
    settings.TELESERVICE_OUTBOX_DIR = str(tmp_path / "teleservice")
    settings.MEDIA_ROOT = str(tmp_path / "media")
    return tmp_path / "teleservice"


@pytest.fixture
def items(network):
    ensure_maintenance_items(network)
    return network


@pytest.fixture
def owner(freiburg):
    return CustomerFactory(
        workshop=freiburg, last_name=OWNER_NAME, email="kirschbaumer@example.de", language="de"
    )


@pytest.fixture
def car(owner, items):
    """A teleservice petrol car, first registered in March 2022, owned by a Freiburg customer."""
    return vehicle_of(
        owner,
        plate=PLATE,
        first_registration=dt.date(2022, 3, 1),
        teleservice=True,
        vehicle_type=VehicleTypeFactory(network=owner.workshop.network),
    )


@pytest.fixture
def plain_car(owner, items):
    """A car without teleservice."""
    return vehicle_of(owner, plate="FR-SB 78", first_registration=dt.date(2021, 5, 1))


def write(user, workshop, vehicle, *, kind=EntryKind.SERVICE, **values):
    """An entry written through the service, as a person would through the form."""
    defaults = {
        "performed_on": dt.date(2025, 11, 20),
        "mileage": 45_000,
        "items": ["engine_oil", "vehicle_check"] if kind == EntryKind.SERVICE else [],
        "description": "" if kind == EntryKind.SERVICE else "Replaced the water pump",
    }
    return service_entry_create(
        actor=user, workshop=workshop, vehicle=vehicle, kind=kind, **{**defaults, **values}
    )


@pytest.fixture
def history(car, freiburg, beijing, advisor, advisor_bj):
    """Freiburg serviced and repaired the car; later Beijing serviced it."""
    return {
        "fr_service": write(advisor, freiburg, car),
        "fr_repair": write(advisor, freiburg, car, kind=EntryKind.REPAIR),
        "bj_service": write(
            advisor_bj,
            beijing,
            car,
            performed_on=dt.date(2026, 6, 2),
            mileage=58_000,
            items=["brake_fluid"],
        ),
    }
