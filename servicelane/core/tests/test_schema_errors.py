"""Field errors of the API in the language of the person behind the token."""

import pytest

from servicelane.core.choices import WorkshopRole
from servicelane.testing.clients import bearer_client
from servicelane.testing.personas import member


@pytest.fixture
def german(freiburg):
    return member(freiburg, WorkshopRole.ADVISOR, email="berater@freiburg.test", language="de")


def test_a_page_number_out_of_range_is_refused_in_the_token_owners_language(german):
    response = bearer_client(german).get("/api/v1/customers?page=0")

    assert response.status_code == 400
    body = response.json()
    assert body["errors"]["page"] == ["Geben Sie mindestens 1 ein."]
    assert body["detail"] != "The request is not valid; see the errors by field."


def test_a_too_long_and_a_missing_field_are_named_in_chinese(advisor_bj):
    client = bearer_client(advisor_bj)
    too_long = client.post(
        "/api/v1/customers", {"first_name": "x" * 300}, content_type="application/json"
    )
    missing = client.post("/api/v1/repair-orders", {}, content_type="application/json")

    assert too_long.status_code == 400
    assert too_long.json()["errors"]["first_name"] == ["最多输入 100 个字符。"]
    assert missing.status_code == 400
    assert missing.json()["errors"]["customer_id"] == ["此字段为必填项。"]


def test_english_stays_the_default_and_names_the_limit(api):
    response = api.get("/api/v1/customers?page=-5")

    assert response.json()["errors"]["page"] == ["Enter at least 1."]


def test_a_client_naming_its_language_is_answered_in_it(german):
    response = bearer_client(german).get("/api/v1/customers?page=0", HTTP_ACCEPT_LANGUAGE="zh-hans")

    assert response.json()["errors"]["page"] == ["请输入不小于 1 的值。"]
