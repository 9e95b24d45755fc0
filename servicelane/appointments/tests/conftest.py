"""Every booking test runs on a known Monday (servicelane.testing.clock); move on with
``time_machine.move_to``."""

import pytest

from servicelane.appointments.tests.factories import capacity


@pytest.fixture(autouse=True)
def on_monday(pinned_now):
    """Pinned before any other fixture, so users and tokens are made at NOW too."""
    return pinned_now


@pytest.fixture
def fr_cap(freiburg):
    """Freiburg: Mon-Sat 08:00-17:00, one bay per lane, 30-minute slots."""
    return capacity(freiburg)


@pytest.fixture
def bj_cap(beijing):
    """Beijing: the same hours and lanes, in its own time zone."""
    return capacity(beijing)
