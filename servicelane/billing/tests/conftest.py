"""Billing tests run on the repair order floor: the same day (servicelane.testing.clock),
people and operations."""

import pytest

from servicelane.billing.tests.factories import menu_ready_order
from servicelane.core.choices import WorkshopRole
from servicelane.testing.personas import member, technician_of


@pytest.fixture(autouse=True)
def on_monday(pinned_now, media_in_tmp):
    """Pinned before any other fixture; PDFs written by a test stay in its own directory."""
    return pinned_now


@pytest.fixture
def ready(freiburg, advisor, tech, foreman, operations):
    """A Freiburg walk-in whose oil service (89.00 EUR + 19 % VAT = 105.91) is done and
    passed all three checks."""
    return menu_ready_order(freiburg, advisor, tech, foreman)


@pytest.fixture
def bj_people(beijing, advisor_bj, operations):
    """Beijing's advisor, technician, foreman and cashier."""
    return {
        "advisor": advisor_bj,
        "tech": technician_of(beijing, level=3, email="tech@beijing.test"),
        "foreman": member(beijing, WorkshopRole.FOREMAN, email="foreman@beijing.test"),
        "cashier": member(beijing, WorkshopRole.CASHIER, email="cashier@beijing.test"),
    }
