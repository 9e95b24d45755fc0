"""The store's people and shelves: a parts clerk and a manager in Freiburg, the test
catalogue, and helpers that stock parts and put catalogue part lines on repair orders,
all through the services."""

from decimal import Decimal

import pytest
from django.test import Client

from servicelane.core.choices import WorkshopRole
from servicelane.core.tests.factories import member
from servicelane.parts.models import Part
from servicelane.parts.tests.conftest import catalogue  # noqa: F401
from servicelane.store import services
from servicelane.store.models import StockItem
from servicelane.supply.tests.fixtures import centres  # noqa: F401
from servicelane.workorders import services as ro_services
from servicelane.workorders.models import JobLine, RepairOrder
from servicelane.workorders.tests.factories import approve_all, walk_in


@pytest.fixture
def clerk(freiburg):
    return member(freiburg, WorkshopRole.PARTS_CLERK, email="parts@freiburg.test", language="en")


@pytest.fixture
def clerk_bj(beijing):
    return member(beijing, WorkshopRole.PARTS_CLERK, email="parts@beijing.test", language="en")


@pytest.fixture
def manager(freiburg):
    return member(freiburg, WorkshopRole.MANAGER, email="manager@freiburg.test", language="en")


def client_of(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


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


def agreed(advisor, *lines: JobLine) -> None:
    """The customer approves the draft jobs of the lines' orders (estimate sent and
    signed): only then are their parts issued."""
    for repair_order in {line.job.repair_order for line in lines}:
        if repair_order.jobs.filter(status="draft").exists():
            estimate = ro_services.estimate_send(actor=advisor, repair_order=repair_order)
            approve_all(estimate)
    for line in lines:
        line.job.refresh_from_db()


@pytest.fixture
def ro(freiburg, advisor):
    return walk_in(freiburg, advisor)
