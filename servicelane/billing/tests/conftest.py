"""Billing tests run on the repair order floor: the same day, people and catalogue."""

import pytest

from servicelane.billing.tests.factories import menu_ready_order
from servicelane.core.choices import WorkshopRole
from servicelane.core.tests.factories import member
from servicelane.workorders.tests.conftest import *  # noqa: F403 (pytest fixtures)
from servicelane.workorders.tests.factories import technician_of


@pytest.fixture
def ready(freiburg, advisor, tech, foreman, catalogue):
    """A Freiburg walk-in whose oil service (89.00 EUR + 19 % VAT = 105.91) is done and
    passed all three checks."""
    return menu_ready_order(freiburg, advisor, tech, foreman)


@pytest.fixture
def manager(freiburg):
    return member(freiburg, WorkshopRole.MANAGER, email="manager@freiburg.test")


@pytest.fixture
def bj_people(beijing, advisor_bj, catalogue):
    """Beijing's advisor, technician, foreman and cashier."""
    return {
        "advisor": advisor_bj,
        "tech": technician_of(beijing, level=3, email="tech@beijing.test"),
        "foreman": member(beijing, WorkshopRole.FOREMAN, email="foreman@beijing.test"),
        "cashier": member(beijing, WorkshopRole.CASHIER, email="cashier@beijing.test"),
    }
