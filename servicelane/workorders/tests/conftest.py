"""Repair order tests run on Monday 2026-11-23 like the booking tests, with the people of a
workshop floor: advisor, technicians of two levels, foreman, cashier."""

import pytest

from servicelane.appointments.tests.conftest import NOW
from servicelane.appointments.tests.factories import capacity
from servicelane.core.choices import WorkshopRole
from servicelane.core.tests.factories import member
from servicelane.workorders.catalogue import ensure_catalogue
from servicelane.workorders.tests.factories import technician_of, with_operations


@pytest.fixture(autouse=True)
def pinned_now(time_machine):
    time_machine.move_to(NOW, tick=False)
    return NOW


@pytest.fixture(autouse=True)
def media_in_tmp(settings, tmp_path):
    """Photos and PDFs written by a test stay in its own directory."""
    settings.MEDIA_ROOT = str(tmp_path / "media")


@pytest.fixture
def catalogue(network):
    ensure_catalogue(network)
    return network


@pytest.fixture
def fr_cap(freiburg, catalogue):
    cap = capacity(freiburg)
    with_operations(cap)
    return cap


@pytest.fixture
def tech(freiburg):
    """A level-3 technician (technician)."""
    return technician_of(freiburg, level=3, email="tech3@freiburg.test", full_name="Tom Technik")


@pytest.fixture
def junior(freiburg):
    """A level-1 technician (induction)."""
    return technician_of(freiburg, level=1, email="junior@freiburg.test", full_name="Jan Junior")


@pytest.fixture
def foreman(freiburg):
    return member(freiburg, WorkshopRole.FOREMAN, email="foreman@freiburg.test")


@pytest.fixture
def cashier(freiburg):
    return member(freiburg, WorkshopRole.CASHIER, email="cashier@freiburg.test")
