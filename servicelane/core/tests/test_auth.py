import re
from datetime import timedelta

import pytest
import time_machine
from django.core import mail
from django.test import Client
from django.utils import timezone

from servicelane.core.models import ApiToken
from servicelane.core.tests.factories import PASSWORD


def login(client: Client, email: str, password: str = PASSWORD):
    return client.post("/accounts/login/", {"username": email, "password": password})


@pytest.mark.django_db
def test_it_logs_in_by_email_in_any_letter_case(advisor):
    response = login(Client(), advisor.email.upper())

    assert response.status_code == 302
    assert response["Location"] == "/"


@pytest.mark.django_db
def test_an_expired_password_is_refused_with_the_reason_and_a_reset_link(advisor):
    advisor.password_changed_at = timezone.now() - timedelta(days=181)
    advisor.save()

    response = login(Client(), advisor.email)

    assert response.status_code == 200
    page = response.content.decode()
    assert "Your password has expired" in page
    assert 'href="/accounts/password_reset/"' in page
    assert "_auth_user_id" not in response.client.session


@pytest.mark.django_db
def test_password_expiry_follows_the_setting(advisor, settings):
    settings.PASSWORD_EXPIRY_DAYS = 30
    advisor.password_changed_at = timezone.now() - timedelta(days=31)
    advisor.save()

    assert advisor.password_expired
    settings.PASSWORD_EXPIRY_DAYS = 0
    assert not advisor.password_expired


@pytest.mark.django_db
def test_password_reset_mail_is_in_the_users_language_and_renews_the_password(
    advisor_bj, django_capture_on_commit_callbacks
):
    advisor_bj.password_changed_at = timezone.now() - timedelta(days=400)
    advisor_bj.save()
    client = Client()

    with django_capture_on_commit_callbacks(execute=True):
        client.post("/accounts/password_reset/", {"email": advisor_bj.email})

    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == [advisor_bj.email]
    assert "servicelane" in message.subject
    assert message.subject != "Set a new servicelane password"  # Chinese, not English
    link = re.search(r"http://testserver(/accounts/reset/\S+/)", message.body).group(1)
    form_url = client.get(link)["Location"]
    response = client.post(
        form_url, {"new_password1": "Neues-Passwort-2026", "new_password2": "Neues-Passwort-2026"}
    )
    assert response.status_code == 302
    assert login(Client(), advisor_bj.email, "Neues-Passwort-2026").status_code == 302


@pytest.mark.django_db
def test_repeated_failed_logins_lock_the_account_for_that_client(advisor, settings):
    client = Client()
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        assert login(client, advisor.email, "wrong").status_code == 200
    assert login(client, advisor.email, "wrong").status_code == 429

    response = login(client, advisor.email)  # even the right password is refused now

    assert response.status_code == 429
    assert "Too many failed login attempts" in response.content.decode()
    assert "_auth_user_id" not in client.session


@pytest.mark.django_db
def test_token_endpoint_issues_a_token_that_opens_the_api(advisor):
    client = Client()

    response = client.post(
        "/api/v1/auth/token",
        {"email": advisor.email, "password": PASSWORD},
        content_type="application/json",
    )

    assert response.status_code == 200
    token = response.json()["token"]
    assert ApiToken.objects.filter(user=advisor).count() == 1
    assert token not in str(ApiToken.objects.values_list("key_hash", flat=True)[0])
    me = Client(headers={"Authorization": f"Bearer {token}"}).get("/api/v1/me")
    assert me.status_code == 200
    assert me.json()["email"] == advisor.email
    assert me.json()["workshops"][0]["roles"] == ["advisor"]


@pytest.mark.django_db
def test_token_endpoint_refuses_a_wrong_password_and_an_expired_one(advisor):
    client = Client()
    wrong = client.post(
        "/api/v1/auth/token",
        {"email": advisor.email, "password": "nope"},
        content_type="application/json",
    )
    advisor.password_changed_at = timezone.now() - timedelta(days=365)
    advisor.save()
    expired = client.post(
        "/api/v1/auth/token",
        {"email": advisor.email, "password": PASSWORD},
        content_type="application/json",
    )

    assert wrong.status_code == 401
    assert wrong.json()["detail"] == "E-mail address or password is wrong."
    assert expired.status_code == 403
    assert "Your password has expired" in expired.json()["detail"]
    assert "/accounts/password_reset/" in expired.json()["detail"]
    assert not ApiToken.objects.exists()


@pytest.mark.django_db
def test_token_endpoint_is_throttled_like_the_login_page(advisor, settings):
    client = Client()
    body = {"email": advisor.email, "password": "wrong"}
    for _ in range(settings.AXES_FAILURE_LIMIT):
        client.post("/api/v1/auth/token", body, content_type="application/json")

    response = client.post(
        "/api/v1/auth/token",
        {"email": advisor.email, "password": PASSWORD},
        content_type="application/json",
    )

    assert response.status_code == 429
    assert "Too many failed login attempts" in response.json()["detail"]
    assert not ApiToken.objects.exists()


@pytest.mark.django_db
def test_an_unknown_or_expired_token_gets_401_with_json(api, advisor):
    assert (
        Client(headers={"Authorization": "Bearer sl_nonsense"}).get("/api/v1/me").status_code == 401
    )
    with time_machine.travel(timezone.now() + timedelta(days=91)):
        response = api.get("/api/v1/me")
    assert response.status_code == 401
    assert "detail" in response.json()


@pytest.mark.django_db
def test_the_browser_session_also_opens_the_api(advisor_client):
    assert advisor_client.get("/api/v1/customers").status_code == 200


@pytest.mark.django_db
def test_api_writes_through_the_session_need_the_csrf_token(advisor):
    client = Client(enforce_csrf_checks=True)
    client.force_login(advisor)

    response = client.post(
        "/api/v1/customers", {"last_name": "Ohne Token"}, content_type="application/json"
    )

    assert response.status_code == 403
