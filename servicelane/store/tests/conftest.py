"""The store's people and shelves: parts clerks of Freiburg and Beijing, and helpers that
stock parts and put catalogue part lines on repair orders, all through the services (the
manager, the catalogue and the customer's approval come from servicelane.testing)."""

from decimal import Decimal

import pytest
from django.test import Client

from servicelane.core.choices import WorkshopRole
from servicelane.parts.models import Part
from servicelane.store import services
from servicelane.store.models import StockItem
from servicelane.testing.clients import client_of
from servicelane.testing.personas import member
from servicelane.testing.scenarios import walk_in
from servicelane.workorders.estimate import services as ro_services
from servicelane.workorders.models import JobLine, RepairOrder


@pytest.fixture
def clerk(freiburg):
    return member(freiburg, WorkshopRole.PARTS_CLERK, email="parts@freiburg.test", language="en")


@pytest.fixture
def clerk_bj(beijing):
    return member(beijing, WorkshopRole.PARTS_CLERK, email="parts@beijing.test", language="en")


@pytest.fixture
def clerk_client(clerk) -> Client:
    return client_of(clerk)


def stock(
    workshop,
    actor,
    part: Part,
    on_hand: int | str = 0,
    *,
    bin_location: str = "A-01-1",
    minimum: int | str = 0,
    maximum: int | str = 0,
) -> StockItem:
    """A part kept in the workshop's store, with goods received to ``on_hand``."""
    item = services.stock_item_set(
        actor=actor,
        workshop=workshop,
        part=part,
        bin_location=bin_location,
        minimum=minimum,
        maximum=maximum,
    )
    if Decimal(on_hand):
        services.stock_receive(actor=actor, workshop=workshop, part=part, quantity=Decimal(on_hand))
    item.refresh_from_db()
    return item


def part_line(repair_order: RepairOrder, advisor, part: Part, quantity: int | str = 1) -> JobLine:
    """A catalogue part line on a new draft job of the order."""
    job = ro_services.job_add(actor=advisor, repair_order=repair_order, title="Parts")
    return ro_services.job_line_add(
        actor=advisor,
        job=job,
        kind="part",
        code=part.number,
        quantity=quantity,
        unit_price="10.00",
    )


@pytest.fixture
def ro(freiburg, advisor):
    return walk_in(freiburg, advisor)
