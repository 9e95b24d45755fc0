"""The people of the tests: two workshops of one network (Freiburg, German; Beijing,
Chinese), their staff by role and the network's staff, with the builders behind them."""

import pytest

from servicelane.core.choices import NetworkRole, WorkshopRole
from servicelane.core.models import Membership, Network, NetworkMembership, User, Workshop
from servicelane.core.tests.factories import (
    BeijingWorkshopFactory,
    NetworkFactory,
    UserFactory,
    WorkshopFactory,
)


def member(workshop: Workshop, *roles: str, **user_fields: object) -> User:
    """A user holding ``roles`` (the advisor's if none) in ``workshop``."""
    user = UserFactory(**user_fields)
    for role in roles or (WorkshopRole.ADVISOR,):
        Membership.objects.create(user=user, workshop=workshop, role=role)
    return user


def network_staff(
    network: Network, role: str = NetworkRole.NETWORK_SUPPORT, **fields: object
) -> User:
    user = UserFactory(**fields)
    NetworkMembership.objects.create(user=user, network=network, role=role)
    return user


def technician_of(workshop: Workshop, level: int = 3, **fields: object) -> User:
    """A technician of the workshop with a qualification level."""
    user = member(workshop, WorkshopRole.TECHNICIAN, **fields)
    Membership.objects.filter(user=user, workshop=workshop).update(level=level)
    return user


@pytest.fixture
def network(db) -> Network:
    return NetworkFactory()


@pytest.fixture
def freiburg(network) -> Workshop:
    return WorkshopFactory(network=network, code="FR", name="Autohaus Freiburg")


@pytest.fixture
def beijing(network) -> Workshop:
    return BeijingWorkshopFactory(network=network, code="BJ", name="北京望京服务中心")


@pytest.fixture
def advisor(freiburg) -> User:
    return member(freiburg, WorkshopRole.ADVISOR, email="advisor@freiburg.test", language="en")


@pytest.fixture
def advisor_bj(beijing) -> User:
    return member(beijing, WorkshopRole.ADVISOR, email="advisor@beijing.test", language="zh-hans")


@pytest.fixture
def technician(freiburg) -> User:
    """A technician of Freiburg (no level set)."""
    return member(freiburg, WorkshopRole.TECHNICIAN, email="tech@freiburg.test")


@pytest.fixture
def tech(freiburg) -> User:
    """A level-3 technician (technician)."""
    return technician_of(freiburg, level=3, email="tech3@freiburg.test", full_name="Tom Technik")


@pytest.fixture
def junior(freiburg) -> User:
    """A level-1 technician (induction)."""
    return technician_of(freiburg, level=1, email="junior@freiburg.test", full_name="Jan Junior")


@pytest.fixture
def foreman(freiburg) -> User:
    return member(freiburg, WorkshopRole.FOREMAN, email="foreman@freiburg.test")


@pytest.fixture
def cashier(freiburg) -> User:
    return member(freiburg, WorkshopRole.CASHIER, email="cashier@freiburg.test")


@pytest.fixture
def manager(freiburg) -> User:
    return member(freiburg, WorkshopRole.MANAGER, email="manager@freiburg.test")


@pytest.fixture
def support(network) -> User:
    """Network support: reads the whole network."""
    return network_staff(network, NetworkRole.NETWORK_SUPPORT, email="support@network.test")
