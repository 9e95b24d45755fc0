"""People, centres, stock and a repair order of the Beijing workshop for the order
tests; time stands on a working Tuesday morning in Beijing unless a test moves it."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from django.test import Client

from servicelane.core.choices import NetworkRole, WorkshopRole
from servicelane.testing.clients import client_of
from servicelane.testing.personas import member, network_staff
from servicelane.testing.scenarios import walk_in
from servicelane.workorders.estimate import services as ro_services

SHANGHAI_TZ = ZoneInfo("Asia/Shanghai")
# Tuesday 10 March 2026, 10:00 in Beijing: a working day, before every cut-off.
TUESDAY_MORNING = dt.datetime(2026, 3, 10, 10, 0, tzinfo=SHANGHAI_TZ)


@pytest.fixture
def morning(time_machine):
    time_machine.move_to(TUESDAY_MORNING, tick=False)
    return TUESDAY_MORNING


@pytest.fixture
def clerk(beijing):
    return member(beijing, WorkshopRole.PARTS_CLERK, email="parts@beijing.test", language="en")


@pytest.fixture
def admin_staff(network):
    return network_staff(network, NetworkRole.NETWORK_ADMIN, email="admin@network.test")


@pytest.fixture
def clerk_client(clerk) -> Client:
    return client_of(clerk)


@pytest.fixture
def stocked(centres, catalogue):
    """Beijing has pads and engine oil but no oil filter; Shanghai 4 filters, Foshan 10."""
    centres.stock(centres.beijing, catalogue.pads, 20)
    centres.stock(centres.beijing, catalogue.engine_oil, 50)
    centres.stock(centres.shanghai, catalogue.oil_filter, 4)
    centres.stock(centres.foshan, catalogue.oil_filter, 10)
    centres.stock(centres.shanghai, catalogue.pads, 5)
    return centres


@pytest.fixture
def repair_order(beijing, advisor_bj, morning):
    """An open repair order of the Beijing workshop."""
    return walk_in(beijing, advisor_bj)


def part_line(repair_order, advisor, part, quantity=1):
    """A catalogue part line on a new job of the repair order."""
    job = ro_services.job_add(actor=advisor, repair_order=repair_order, title="Oil service")
    return ro_services.job_line_add(
        actor=advisor, job=job, kind="part", code=part.number, quantity=quantity
    )
