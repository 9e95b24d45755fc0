"""Personas shared by every test: two workshops of one network, and their people."""

import pytest
from django.conf import settings
from django.test import Client
from django.utils import translation

from servicelane.core.auth import api_token_issue
from servicelane.core.choices import WorkshopRole
from servicelane.core.tests.factories import (
    BeijingWorkshopFactory,
    NetworkFactory,
    WorkshopFactory,
    member,
)


@pytest.fixture(autouse=True)
def default_language():
    """Every test starts in the default language: the locale middleware leaves the language
    of a test's last request active in the thread."""
    translation.activate(settings.LANGUAGE_CODE)
    yield
    translation.deactivate()


@pytest.fixture
def network(db):
    return NetworkFactory()


@pytest.fixture
def freiburg(network):
    return WorkshopFactory(network=network, code="FR", name="Autohaus Freiburg")


@pytest.fixture
def beijing(network):
    return BeijingWorkshopFactory(network=network, code="BJ", name="北京望京服务中心")


@pytest.fixture
def advisor(freiburg):
    return member(freiburg, WorkshopRole.ADVISOR, email="advisor@freiburg.test", language="en")


@pytest.fixture
def technician(freiburg):
    return member(freiburg, WorkshopRole.TECHNICIAN, email="tech@freiburg.test")


@pytest.fixture
def advisor_bj(beijing):
    return member(beijing, WorkshopRole.ADVISOR, email="advisor@beijing.test", language="zh-hans")


@pytest.fixture
def advisor_client(advisor) -> Client:
    client = Client()
    client.force_login(advisor)
    return client


def bearer_client(user) -> Client:
    _, raw = api_token_issue(user=user)
    return Client(headers={"Authorization": f"Bearer {raw}"})


@pytest.fixture
def api(advisor) -> Client:
    """The Freiburg advisor talking to the API with a personal token."""
    return bearer_client(advisor)


@pytest.fixture(autouse=True)
def empty_cache():
    """Rate-limit counters live in the cache; each test starts with none."""
    from django.core.cache import cache

    cache.clear()
