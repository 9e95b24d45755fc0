"""The configuration pages of the centres, routes, stock and orders open for the
network's administrator; orders and stock are read-only there."""

from typing import cast

import pytest
from django.test import Client

from servicelane.core.models import User
from servicelane.core.tests.factories import UserFactory
from servicelane.supply import services

pytestmark = pytest.mark.django_db


@pytest.fixture
def superuser_client() -> Client:
    user = cast(User, UserFactory(is_staff=True, is_superuser=True))
    client = Client()
    client.force_login(user)
    return client


def test_configuration_pages_open_and_orders_cannot_be_changed(
    superuser_client, clerk, beijing, stocked, catalogue
):
    order = services.part_order_place(
        actor=clerk,
        workshop=beijing,
        kind="urgent",
        lines=[{"number": catalogue.pads.number, "quantity": 1}],
    )
    for url in (
        "/admin/supply/distributioncentre/",
        f"/admin/supply/distributioncentre/{stocked.beijing.pk}/change/",
        "/admin/supply/deliveryroute/",
        "/admin/supply/centrestock/",
        "/admin/supply/partorder/",
        f"/admin/supply/partorder/{order.pk}/change/",
    ):
        response = superuser_client.get(url)
        assert response.status_code == 200, url

    assert superuser_client.get("/admin/supply/partorder/add/").status_code == 403
    assert superuser_client.get("/admin/supply/centrestock/add/").status_code == 403
    page = superuser_client.get(f"/admin/supply/partorder/{order.pk}/change/").content.decode()
    assert order.number in page and 'type="submit" value="Save"' not in page
