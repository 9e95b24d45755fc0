"""Repair order tests run on Monday 2026-11-23 like the booking tests (servicelane.testing.clock),
with the people of a workshop floor from the toolkit: advisor, technicians of two levels
(tech, junior), foreman, cashier."""

import pytest


@pytest.fixture(autouse=True)
def on_monday(pinned_now, media_in_tmp):
    """Pinned before any other fixture, so users and tokens are made at NOW too; photos and
    PDFs written by a test stay in its own directory."""
    return pinned_now
