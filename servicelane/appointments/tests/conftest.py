"""Every booking test runs on a known Monday; move on with ``time_machine.move_to``."""

import datetime as dt

import pytest

from servicelane.appointments.tests.factories import capacity

# Monday 2026-11-23, 07:00 in Freiburg (CET) and 14:00 in Beijing.
NOW = dt.datetime(2026, 11, 23, 6, 0, tzinfo=dt.UTC)
TODAY = dt.date(2026, 11, 23)
TUESDAY = dt.date(2026, 11, 24)


@pytest.fixture(autouse=True)
def pinned_now(time_machine):
    """Pinned before any other fixture, so users and tokens are made at NOW too."""
    time_machine.move_to(NOW, tick=False)
    return NOW


@pytest.fixture
def fr_cap(freiburg):
    """Freiburg: Mon-Sat 08:00-17:00, one bay per lane, 30-minute slots."""
    return capacity(freiburg)


@pytest.fixture
def bj_cap(beijing):
    """Beijing: the same hours and lanes, in its own time zone."""
    return capacity(beijing)
