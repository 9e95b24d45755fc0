"""Tokens and sessions follow the password: whatever sets it, an expiry and a
deactivation end them; users list and revoke their tokens, managers their workshop's;
a read-only token only reads."""

import getpass
import re
from datetime import timedelta

import pytest
import time_machine
from django.core import mail
from django.core.management import call_command
from django.test import Client
from django.utils import timezone

from servicelane.core.auth import api_token_issue
from servicelane.core.choices import NetworkRole, TokenScope, WorkshopRole
from servicelane.core.models import ApiToken, AuditEntry, Membership, User
from servicelane.core.tests.factories import PASSWORD, UserFactory
from servicelane.customers.models import Customer
from servicelane.testing.clients import bearer_client
from servicelane.testing.personas import member, network_staff

NEW_PASSWORD = "Neues-Passwort-2026!"


class Before:
    """What the user had open before their credentials changed: a token and a session."""

    def __init__(self, user: User) -> None:
        _, self.raw = api_token_issue(user=user, name="before")
        self.api = Client(headers={"Authorization": f"Bearer {self.raw}"})
        self.browser = Client()
        self.browser.force_login(user)
        # Both work to begin with.
        assert self.api.get("/api/v1/me").status_code == 200
        assert self.browser.get("/").status_code == 200
        assert self.browser.get("/api/v1/me").status_code == 200

    def assert_ended(self) -> None:
        assert self.api.get("/api/v1/me").status_code == 401
        page = self.browser.get("/customers/")
        assert page.status_code == 302
        assert page["Location"].startswith("/accounts/login/")
        assert self.browser.get("/api/v1/me").status_code == 401


def reset_by_mail(user: User, password: str, capture) -> None:
    client = Client()
    with capture(execute=True):
        client.post("/accounts/password_reset/", {"email": user.email})
    link = re.search(r"http://testserver(/accounts/reset/\S+/)", mail.outbox[-1].body).group(1)
    form_url = client.get(link)["Location"]
    response = client.post(form_url, {"new_password1": password, "new_password2": password})
    assert response.status_code == 302


# --- whatever sets the password ends tokens and sessions --------------------------------


@pytest.mark.django_db
def test_a_password_reset_through_the_mailed_link_ends_earlier_tokens_and_sessions(
    advisor, django_capture_on_commit_callbacks
):
    before = Before(advisor)

    reset_by_mail(advisor, NEW_PASSWORD, django_capture_on_commit_callbacks)

    before.assert_ended()
    fresh = Client().post(
        "/api/v1/auth/token",
        {"email": advisor.email, "password": NEW_PASSWORD},
        content_type="application/json",
    )
    assert fresh.status_code == 200
    assert bearer_of(fresh.json()["token"]).get("/api/v1/me").status_code == 200


@pytest.mark.django_db
def test_changing_the_password_ends_tokens_and_other_sessions_but_not_the_one_changing_it(
    advisor,
):
    before = Before(advisor)
    here = Client()
    here.force_login(advisor)

    response = here.post(
        "/accounts/password_change/",
        {"old_password": PASSWORD, "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
    )

    assert response.status_code == 302
    before.assert_ended()
    assert here.get("/customers/").status_code == 200


@pytest.mark.django_db
def test_the_admin_change_password_form_ends_the_users_tokens_and_sessions(advisor):
    before = Before(advisor)
    admin = UserFactory(is_staff=True, is_superuser=True)
    client = Client()
    client.force_login(admin)

    response = client.post(
        f"/admin/core/user/{advisor.pk}/password/",
        {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD},
    )

    assert response.status_code == 302
    before.assert_ended()


@pytest.mark.django_db
def test_manage_py_changepassword_ends_the_users_tokens_and_sessions(advisor, monkeypatch):
    before = Before(advisor)
    monkeypatch.setattr(getpass, "getpass", lambda prompt="": NEW_PASSWORD)

    call_command("changepassword", advisor.email, stdout=None)

    before.assert_ended()
    advisor.refresh_from_db()
    assert advisor.check_password(NEW_PASSWORD)


@pytest.mark.django_db
def test_a_script_setting_the_password_ends_the_users_tokens_and_sessions(advisor):
    before = Before(advisor)

    user = User.objects.get(pk=advisor.pk)
    user.set_password(NEW_PASSWORD)
    user.save()

    before.assert_ended()


@pytest.mark.django_db
def test_an_expiring_password_ends_the_open_session_and_the_token(advisor):
    advisor.password_changed_at = timezone.now() - timedelta(days=179)
    advisor.save()
    before = Before(advisor)

    with time_machine.travel(timezone.now() + timedelta(days=2)):
        before.assert_ended()
        # The login page tells why and points to the reset.
        page = Client().post("/accounts/login/", {"username": advisor.email, "password": PASSWORD})
        assert "Your password has expired" in page.content.decode()


@pytest.mark.django_db
def test_deactivating_the_user_ends_tokens_and_sessions_for_good(advisor):
    before = Before(advisor)

    advisor.is_active = False
    advisor.save()
    before.assert_ended()

    advisor.is_active = True
    advisor.save()
    before.assert_ended()  # reactivating does not bring back what was ended


@pytest.mark.django_db
def test_the_admin_deactivating_a_user_ends_their_tokens(advisor):
    before = Before(advisor)
    admin = UserFactory(is_staff=True, is_superuser=True)
    client = Client()
    client.force_login(admin)
    form = client.get(f"/admin/core/user/{advisor.pk}/change/").context["adminform"].form
    data = {k: v for k, v in form.initial.items() if v is not None and k != "password"}
    data.update(
        {
            "is_active": "",
            "groups": [],
            "user_permissions": [],
            "last_login_0": "",
            "last_login_1": "",
            "memberships-TOTAL_FORMS": "1",
            "memberships-INITIAL_FORMS": "1",
            "memberships-0-id": str(advisor.memberships.get().pk),
            "memberships-0-user": str(advisor.pk),
            "memberships-0-workshop": str(advisor.memberships.get().workshop_id),
            "memberships-0-role": "advisor",
            "memberships-0-skills": "[]",
            "network_memberships-TOTAL_FORMS": "0",
            "network_memberships-INITIAL_FORMS": "0",
        }
    )
    data["date_joined_0"], data["date_joined_1"] = "2026-01-01", "08:00:00"

    response = client.post(f"/admin/core/user/{advisor.pk}/change/", data)

    assert response.status_code == 302, response.context["adminform"].form.errors
    before.assert_ended()


# --- users list and revoke their own tokens ---------------------------------------------


def bearer_of(raw: str) -> Client:
    return Client(headers={"Authorization": f"Bearer {raw}"})


@pytest.mark.django_db
def test_a_named_token_is_created_listed_and_revoked_through_the_api(api, advisor):
    created = api.post(
        "/api/v1/auth/tokens",
        {"name": "Dealer system", "scope": "read_only", "expires_in_days": 7},
        content_type="application/json",
    )

    assert created.status_code == 201
    body = created.json()
    assert body["token"].startswith("sl_")
    assert body["name"] == "Dealer system"
    assert body["scope"] == "read_only"
    expires = timezone.datetime.fromisoformat(body["expires_at"])
    assert timedelta(days=6, hours=23) < expires - timezone.now() <= timedelta(days=7)
    assert bearer_of(body["token"]).get("/api/v1/me").status_code == 200

    listed = api.get("/api/v1/auth/tokens").json()
    assert {t["name"] for t in listed} == {"", "Dealer system"}
    dealer = next(t for t in listed if t["name"] == "Dealer system")
    assert dealer["last_used_at"] is not None
    assert "token" not in dealer  # the value is shown once, at creation

    revoked = api.delete(f"/api/v1/auth/tokens/{body['id']}")

    assert revoked.status_code == 204
    assert bearer_of(body["token"]).get("/api/v1/me").status_code == 401
    assert [t["name"] for t in api.get("/api/v1/auth/tokens").json()] == [""]
    entry = AuditEntry.objects.get(action="api_token_revoked")
    assert entry.actor == advisor
    assert entry.changes["name"] == "Dealer system"


@pytest.mark.django_db
def test_a_token_cannot_be_asked_to_live_longer_than_the_ttl(api, settings):
    settings.API_TOKEN_TTL_DAYS = 30

    response = api.post(
        "/api/v1/auth/tokens",
        {"name": "Forever", "expires_in_days": 31},
        content_type="application/json",
    )

    assert response.status_code == 400
    assert "expires_in_days" in response.json()["errors"]
    assert not ApiToken.objects.filter(name="Forever").exists()


@pytest.mark.django_db
def test_tokens_of_others_are_neither_listed_nor_revoked(api, advisor, freiburg, advisor_bj):
    colleague = member(freiburg, WorkshopRole.ADVISOR)
    theirs, raw = api_token_issue(user=colleague, name="colleague's")

    assert "colleague's" not in api.get("/api/v1/auth/tokens").content.decode()
    assert api.delete(f"/api/v1/auth/tokens/{theirs.pk}").status_code == 404
    assert bearer_of(raw).get("/api/v1/me").status_code == 200


@pytest.mark.django_db
def test_tokens_ended_by_a_new_password_are_no_longer_listed(api, advisor):
    advisor.set_password(NEW_PASSWORD)
    advisor.save()
    client = Client()
    client.force_login(advisor)

    assert client.get("/api/v1/auth/tokens").json() == []


@pytest.mark.django_db
def test_the_tokens_page_creates_a_token_showing_its_value_once_and_revokes_it(
    advisor_client, advisor
):
    page = advisor_client.get("/accounts/tokens/")
    assert page.status_code == 200
    assert "You have no token" in page.content.decode()

    created = advisor_client.post(
        "/accounts/tokens/", {"name": "Workshop tablet", "scope": "read_only"}
    )

    assert created.status_code == 200
    raw = re.search(r"<code>(sl_[^<]+)</code>", created.content.decode()).group(1)
    assert "no-store" in created["Cache-Control"]
    assert bearer_of(raw).get("/api/v1/customers").status_code == 200
    listing = advisor_client.get("/accounts/tokens/").content.decode()
    assert "Workshop tablet" in listing
    assert "Read only" in listing
    assert raw not in listing

    token = ApiToken.objects.get(name="Workshop tablet")
    revoked = advisor_client.post(f"/accounts/tokens/{token.pk}/revoke/", follow=True)

    assert "is revoked" in revoked.content.decode()
    assert "Workshop tablet" not in revoked.content.decode().split("is revoked")[1]
    assert bearer_of(raw).get("/api/v1/customers").status_code == 401


@pytest.mark.django_db
def test_the_tokens_page_shows_field_errors_inline(advisor_client, settings):
    settings.API_TOKEN_TTL_DAYS = 30

    page = advisor_client.post(
        "/accounts/tokens/", {"name": "", "scope": "read_write", "expires_in_days": "400"}
    )

    assert page.status_code == 200
    assert page.context["form"].errors.keys() == {"name", "expires_in_days"}
    assert not ApiToken.objects.exists()


@pytest.mark.django_db
def test_the_tokens_page_does_not_revoke_someone_elses_token(advisor_client, advisor_bj):
    theirs, raw = api_token_issue(user=advisor_bj)

    assert advisor_client.post(f"/accounts/tokens/{theirs.pk}/revoke/").status_code == 404
    assert bearer_of(raw).get("/api/v1/me").status_code == 200


@pytest.mark.django_db
def test_the_menu_leads_to_the_tokens_page(advisor_client):
    assert 'href="/accounts/tokens/"' in advisor_client.get("/").content.decode()


# --- managers revoke their workshop's tokens ---------------------------------------------


@pytest.fixture
def manager(freiburg):
    return member(freiburg, WorkshopRole.MANAGER, email="manager@freiburg.test")


@pytest.mark.django_db
def test_a_manager_lists_and_revokes_tokens_of_their_workshops_people(
    manager, advisor, freiburg, advisor_bj, network
):
    mine, mine_raw = api_token_issue(user=advisor, name="advisor's laptop")
    beijing, beijing_raw = api_token_issue(user=advisor_bj, name="beijing's")
    # Network staff who also work in the workshop stay the network's to manage.
    staff = network_staff(network, NetworkRole.NETWORK_ADMIN)
    Membership.objects.create(user=staff, workshop=freiburg, role=WorkshopRole.ADVISOR)
    staffs, staff_raw = api_token_issue(user=staff, name="staff's")
    client = bearer_client(manager)

    listed = client.get("/api/v1/auth/workshop-tokens").json()

    names = {(t["user_email"], t["name"]) for t in listed["items"]}
    assert ("advisor@freiburg.test", "advisor's laptop") in names
    assert not any(n in {"beijing's", "staff's"} for _, n in names)

    assert client.delete(f"/api/v1/auth/workshop-tokens/{beijing.pk}").status_code == 404
    assert client.delete(f"/api/v1/auth/workshop-tokens/{staffs.pk}").status_code == 404
    assert client.delete(f"/api/v1/auth/workshop-tokens/{mine.pk}").status_code == 204
    assert bearer_of(mine_raw).get("/api/v1/me").status_code == 401
    assert bearer_of(beijing_raw).get("/api/v1/me").status_code == 200
    assert bearer_of(staff_raw).get("/api/v1/me").status_code == 200
    entry = AuditEntry.objects.get(action="api_token_revoked")
    assert (entry.actor, entry.workshop_id) == (manager, freiburg.pk)
    assert entry.changes["user"] == advisor.email


@pytest.mark.django_db
def test_a_manager_revokes_on_the_workshop_tokens_page_and_only_there(manager, advisor, advisor_bj):
    mine, mine_raw = api_token_issue(user=advisor, name="advisor's laptop")
    beijing, beijing_raw = api_token_issue(user=advisor_bj, name="beijing's")
    client = Client()
    client.force_login(manager)

    page = client.get("/accounts/workshop-tokens/").content.decode()
    assert "advisor's laptop" in page.replace("&#x27;", "'")
    assert "beijing" not in page
    assert client.post(f"/accounts/workshop-tokens/{beijing.pk}/revoke/").status_code == 404
    response = client.post(f"/accounts/workshop-tokens/{mine.pk}/revoke/")

    assert response.status_code == 302
    assert bearer_of(mine_raw).get("/api/v1/me").status_code == 401
    assert bearer_of(beijing_raw).get("/api/v1/me").status_code == 200


@pytest.mark.django_db
def test_only_managers_see_the_workshops_tokens(advisor_client, api, advisor):
    assert api.get("/api/v1/auth/workshop-tokens").status_code == 403
    assert advisor_client.get("/accounts/workshop-tokens/").status_code == 403
    token = ApiToken.objects.get(user=advisor)
    assert api.delete(f"/api/v1/auth/workshop-tokens/{token.pk}").status_code == 403


# --- read-only tokens ----------------------------------------------------------------------


@pytest.mark.django_db
def test_a_read_only_token_reads_but_every_write_is_refused(advisor):
    _, raw = api_token_issue(user=advisor, scope=TokenScope.READ_ONLY)
    client = bearer_of(raw)
    token = ApiToken.objects.get(user=advisor)

    assert client.get("/api/v1/customers").status_code == 200
    assert client.get("/api/v1/auth/tokens").status_code == 200
    for method, path in [
        ("POST", "/api/v1/customers"),
        ("PATCH", "/api/v1/customers/1"),
        ("PUT", "/api/v1/control/roster/shifts"),
        ("DELETE", f"/api/v1/auth/tokens/{token.pk}"),
        ("POST", "/api/v1/auth/tokens"),
    ]:
        response = client.generic(
            method, path, '{"last_name": "Neu", "name": "x"}', content_type="application/json"
        )
        assert response.status_code == 403, (method, path)
        assert response.json()["detail"] == (
            "This token is read-only: it may read but not change anything."
        )
    assert ApiToken.objects.filter(user=advisor).count() == 1
    assert not Customer.objects.filter(last_name="Neu").exists()


@pytest.mark.django_db
def test_the_token_endpoint_issues_a_read_only_token_when_asked(advisor):
    response = Client().post(
        "/api/v1/auth/token",
        {"email": advisor.email, "password": PASSWORD, "scope": "read_only"},
        content_type="application/json",
    )

    assert response.status_code == 200
    assert response.json()["scope"] == "read_only"
    client = bearer_of(response.json()["token"])
    assert client.get("/api/v1/me").status_code == 200
    assert client.post("/api/v1/customers", {}, content_type="application/json").status_code == 403
