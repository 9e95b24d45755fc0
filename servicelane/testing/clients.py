"""Clients of the tests: a person logged in to the web pages, a program with a bearer token."""

import pytest
from django.test import Client

from servicelane.core.auth import api_token_issue
from servicelane.core.models import User


def client_of(user: User) -> Client:
    """A browser session of ``user``, logged in."""
    client = Client()
    client.force_login(user)
    return client


def bearer_client(user: User) -> Client:
    """The API as ``user`` with a new personal token."""
    _, raw = api_token_issue(user=user)
    return Client(headers={"Authorization": f"Bearer {raw}"})


@pytest.fixture
def advisor_client(advisor) -> Client:
    """The Freiburg advisor, logged in to the web pages."""
    return client_of(advisor)


@pytest.fixture
def api(advisor) -> Client:
    """The Freiburg advisor talking to the API with a personal token."""
    return bearer_client(advisor)
