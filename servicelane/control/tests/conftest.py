"""The control centre's tests run on the toolkit's workshop floor (servicelane.testing.floor),
on its Tuesday morning."""

import pytest


@pytest.fixture(autouse=True)
def on_floor_day(floor_day):
    """Pinned before any other fixture, so users and tokens are made at the floor's morning."""
    return floor_day
