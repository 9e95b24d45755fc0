"""Throttles beside the per-account login lock: password spraying from one address, and
password-reset requests per address and per account."""

import re
from datetime import timedelta

import pytest
from django.core import mail
from django.test import Client
from django.utils import timezone

from servicelane.core.choices import WorkshopRole
from servicelane.core.models import ApiToken
from servicelane.core.tests.factories import PASSWORD
from servicelane.testing.personas import member

WORKSHOP_ADDRESS = "198.51.100.7"
OTHER_ADDRESS = "203.0.113.50"

pytestmark = pytest.mark.django_db


def web_login(address: str, email: str, password: str = PASSWORD):
    client = Client(REMOTE_ADDR=address)
    response = client.post("/accounts/login/", {"username": email, "password": password})
    return response, client


def api_login(address: str, email: str, password: str = PASSWORD):
    return Client(REMOTE_ADDR=address).post(
        "/api/v1/auth/token",
        {"email": email, "password": password},
        content_type="application/json",
    )


# ---------------------------------------------------------------- password spraying


def test_thirty_people_of_one_workshop_sign_in_from_one_address_after_failures_by_others(
    freiburg, settings
):
    assert settings.LOGIN_ADDRESS_FAILURE_LIMIT == 30
    staff = [
        member(freiburg, WorkshopRole.TECHNICIAN, email=f"staff{n}@freiburg.test")
        for n in range(30)
    ]
    for n in range(settings.LOGIN_ADDRESS_FAILURE_LIMIT - 1):
        member(freiburg, WorkshopRole.ADVISOR, email=f"other{n}@freiburg.test")
    # Others behind the same address mistype their passwords, just short of the limit.
    for n in range(settings.LOGIN_ADDRESS_FAILURE_LIMIT - 1):
        response, _ = web_login(WORKSHOP_ADDRESS, f"other{n}@freiburg.test", f"typo-{n}")
        assert response.status_code == 200

    for user in staff:
        response, client = web_login(WORKSHOP_ADDRESS, user.email)
        assert response.status_code == 302, user.email
        assert client.session["_auth_user_id"] == str(user.pk)
    for user in staff:
        assert api_login(WORKSHOP_ADDRESS, user.email).status_code == 200, user.email

    assert ApiToken.objects.count() == 30
    # Sixty successful logins did not wipe the failures out: one more locks the address.
    response, _ = web_login(WORKSHOP_ADDRESS, staff[0].email, "one-typo-too-many")
    assert response.status_code == 429


def test_spraying_one_password_over_many_accounts_locks_the_address_on_the_web(advisor, settings):
    limit = settings.LOGIN_ADDRESS_FAILURE_LIMIT
    for n in range(limit - 1):
        response, _ = web_login(WORKSHOP_ADDRESS, f"person{n}@freiburg.test", "Summer2026!")
        assert response.status_code == 200

    locked, _ = web_login(WORKSHOP_ADDRESS, f"person{limit}@freiburg.test", "Summer2026!")
    right_password, client = web_login(WORKSHOP_ADDRESS, advisor.email)

    assert locked.status_code == 429
    assert "Login temporarily locked" in locked.content.decode()
    assert right_password.status_code == 429  # even a correct password, from this address
    assert "Too many failed login attempts" in right_password.content.decode()
    assert "_auth_user_id" not in client.session
    other, _ = web_login(OTHER_ADDRESS, advisor.email)
    assert other.status_code == 302  # the account itself is not locked


def test_spraying_the_token_endpoint_locks_the_address_with_429(advisor, settings):
    limit = settings.LOGIN_ADDRESS_FAILURE_LIMIT
    statuses = [
        api_login(WORKSHOP_ADDRESS, f"person{n}@freiburg.test", "Summer2026!").status_code
        for n in range(limit + 1)
    ]
    right_password = api_login(WORKSHOP_ADDRESS, advisor.email)

    assert statuses[: limit - 1] == [401] * (limit - 1)
    assert statuses[limit - 1 :] == [429, 429]
    assert right_password.status_code == 429
    assert "Too many failed login attempts" in right_password.json()["detail"]
    assert not ApiToken.objects.exists()
    assert api_login(OTHER_ADDRESS, advisor.email).status_code == 200


def test_failures_on_the_web_and_the_api_count_together_per_address(advisor, settings):
    limit = settings.LOGIN_ADDRESS_FAILURE_LIMIT
    for n in range(limit // 2):
        web_login(WORKSHOP_ADDRESS, f"person{n}@freiburg.test", "Summer2026!")
    for n in range(limit // 2, limit - 1):
        assert api_login(WORKSHOP_ADDRESS, f"person{n}@freiburg.test", "x").status_code == 401

    assert api_login(WORKSHOP_ADDRESS, "last@freiburg.test", "x").status_code == 429
    assert web_login(WORKSHOP_ADDRESS, advisor.email)[0].status_code == 429


def test_the_address_may_log_in_again_after_the_cool_off(advisor, settings, time_machine):
    time_machine.move_to(timezone.now(), tick=False)
    for n in range(settings.LOGIN_ADDRESS_FAILURE_LIMIT):
        web_login(WORKSHOP_ADDRESS, f"person{n}@freiburg.test", "Summer2026!")
    assert web_login(WORKSHOP_ADDRESS, advisor.email)[0].status_code == 429

    time_machine.move_to(timezone.now() + settings.AXES_COOLOFF_TIME + timedelta(seconds=1))

    assert web_login(WORKSHOP_ADDRESS, advisor.email)[0].status_code == 302


def test_attempts_refused_by_the_per_account_lock_do_not_lock_the_whole_address(advisor, settings):
    # One person keeps pressing "log in" with a locked account; the others still get in.
    for _ in range(settings.LOGIN_ADDRESS_FAILURE_LIMIT + 5):
        web_login(WORKSHOP_ADDRESS, advisor.email, "wrong")
    colleague = member(advisor.memberships.first().workshop, email="colleague@freiburg.test")

    assert web_login(WORKSHOP_ADDRESS, advisor.email)[0].status_code == 429
    assert web_login(WORKSHOP_ADDRESS, colleague.email)[0].status_code == 302


# ---------------------------------------------------------------- password reset


def reset(address: str, email: str):
    return Client(REMOTE_ADDR=address).post("/accounts/password_reset/", {"email": email})


def test_password_reset_is_throttled_per_account(
    advisor, settings, django_capture_on_commit_callbacks
):
    limit = settings.PASSWORD_RESET_RATE_PER_HOUR
    with django_capture_on_commit_callbacks(execute=True):
        answers = [reset(f"192.0.2.{n}", advisor.email) for n in range(limit)]
        throttled = reset("192.0.2.200", advisor.email.upper())

    assert [a.status_code for a in answers] == [302] * limit
    assert throttled.status_code == 429
    assert "Too many requests to reset a password" in throttled.content.decode()
    assert len(mail.outbox) == limit  # no e-mail for the throttled request


def test_a_throttled_reset_reads_the_same_whether_the_account_exists_or_not(advisor, settings):
    limit = settings.PASSWORD_RESET_RATE_PER_HOUR
    for n in range(limit):
        reset(f"192.0.2.{n}", advisor.email)
        reset(f"192.0.2.{n}", "nobody@freiburg.test")

    known = reset("192.0.2.200", advisor.email)
    unknown = reset("192.0.2.201", "nobody@freiburg.test")

    assert known.status_code == unknown.status_code == 429
    alert = re.compile(r'<div class="alert error".*?</div>', re.S)
    assert alert.findall(known.content.decode()) == alert.findall(unknown.content.decode())
    assert len(alert.findall(known.content.decode())) == 1


def test_password_reset_is_throttled_per_address(advisor, settings):
    limit = settings.PASSWORD_RESET_ADDRESS_RATE_PER_HOUR
    answers = [reset(WORKSHOP_ADDRESS, f"person{n}@freiburg.test") for n in range(limit)]
    throttled = reset(WORKSHOP_ADDRESS, advisor.email)

    assert [a.status_code for a in answers] == [302] * limit
    assert throttled.status_code == 429
    assert "Too many requests to reset a password" in throttled.content.decode()
    assert reset(OTHER_ADDRESS, advisor.email).status_code == 302


def test_password_reset_works_again_an_hour_later(advisor, settings, time_machine):
    time_machine.move_to(timezone.now(), tick=False)
    for n in range(settings.PASSWORD_RESET_RATE_PER_HOUR):
        reset(f"192.0.2.{n}", advisor.email)
    assert reset("192.0.2.99", advisor.email).status_code == 429

    time_machine.move_to(timezone.now() + timedelta(hours=1, seconds=1))

    assert reset("192.0.2.99", advisor.email).status_code == 302
