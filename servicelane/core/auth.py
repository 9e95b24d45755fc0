"""Login rules shared by the login page and the token endpoint."""

import json
import secrets
from datetime import timedelta
from typing import Any

from django import forms
from django.conf import settings
from django.contrib.auth.forms import AuthenticationForm
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from servicelane.core.audit import audit_record
from servicelane.core.choices import TokenScope
from servicelane.core.models import TOKEN_HASH_SALT, ApiToken, User, hash_token
from servicelane.core.permissions import Perm
from servicelane.core.tenancy import access_for

TOKEN_PREFIX = "sl_"


def password_expired_message() -> str:
    return _("Your password has expired. Please set a new one.")


def locked_out_message() -> str:
    minutes = int(settings.AXES_COOLOFF_TIME.total_seconds() // 60)
    return _(
        "Too many failed login attempts. Please try again in %(minutes)d minutes "
        "or reset your password."
    ) % {"minutes": minutes}


class EmailAuthenticationForm(AuthenticationForm):
    """Login by e-mail; an expired password is refused with a reset link."""

    username = forms.EmailField(
        label=gettext_lazy("E-mail address"),
        widget=forms.EmailInput(attrs={"autofocus": True, "autocomplete": "email"}),
    )

    def confirm_login_allowed(self, user: Any) -> None:
        super().confirm_login_allowed(user)
        if user.password_expired:
            raise forms.ValidationError(
                format_html(
                    '{} <a href="{}">{}</a>',
                    password_expired_message(),
                    reverse("password_reset"),
                    _("Reset your password"),
                ),
                code="password_expired",
            )


def login_username(request: HttpRequest, credentials: dict[str, Any] | None = None) -> str | None:
    """The e-mail a login attempt was made for, from the form or the token request.

    django-axes counts failures per (user name, client address); the token
    endpoint takes JSON, so the name is read from the body when not given.
    """
    name = (credentials or {}).get("username") or request.POST.get("username")
    if not name and request.content_type == "application/json":
        try:
            body = json.loads(request.body or b"{}")
        except ValueError:
            body = {}
        name = body.get("email") if isinstance(body, dict) else None
    return str(name).strip().lower() if name else None


def lockout_response(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
    """django-axes calls this when a client is locked out."""
    if request.path.startswith("/api/"):
        return JsonResponse({"detail": locked_out_message(), "errors": {}}, status=429)
    return render(
        request, "registration/locked_out.html", {"message": locked_out_message()}, status=429
    )


# A token may be asked to live shorter than API_TOKEN_TTL_DAYS; with no TTL, at most this.
MAX_TOKEN_DAYS = 3650


def token_max_days() -> int:
    return settings.API_TOKEN_TTL_DAYS or MAX_TOKEN_DAYS


def read_only_token_message() -> str:
    return _("This token is read-only: it may read but not change anything.")


@transaction.atomic
def api_token_issue(
    *,
    user: User,
    name: str = "",
    scope: str = TokenScope.READ_WRITE,
    expires_in_days: int | None = None,
) -> tuple[ApiToken, str]:
    """Create a personal token; the raw value is returned once and never stored.

    It lives API_TOKEN_TTL_DAYS, or fewer days when asked, and carries the fingerprint
    of the user's credentials: a new password or a deactivation ends it.
    """
    name = name.strip()
    errors: dict[str, list[str]] = {}
    if len(name) > 100:
        errors["name"] = [_("At most 100 characters.")]
    if scope not in TokenScope.values:
        errors["scope"] = [_("Choose read-only or read and write.")]
    max_days = token_max_days()
    if expires_in_days is not None and not 1 <= expires_in_days <= max_days:
        errors["expires_in_days"] = [
            _("A token lives between 1 and %(days)d days.") % {"days": max_days}
        ]
    if errors:
        raise ValidationError(errors)
    raw = TOKEN_PREFIX + secrets.token_urlsafe(32)
    days = expires_in_days or settings.API_TOKEN_TTL_DAYS
    token = ApiToken.objects.create(
        user=user,
        name=name,
        scope=scope,
        prefix=raw[len(TOKEN_PREFIX) : len(TOKEN_PREFIX) + 8],
        key_hash=hash_token(raw),
        credentials=user.credentials_hash(TOKEN_HASH_SALT),
        expires_at=timezone.now() + timedelta(days=days) if days else None,
    )
    return token, raw


def api_token_lookup(raw: str) -> ApiToken | None:
    """The token, if it still opens the API: known, not expired, its user active with an
    unexpired password and the credentials it was issued under."""
    if not raw.startswith(TOKEN_PREFIX):
        return None
    token = ApiToken.objects.select_related("user").filter(key_hash=hash_token(raw)).first()
    if token is None or not token.opens_for(token.user):
        return None
    now = timezone.now()
    # Writing on every request would be noise; a minute's precision is enough.
    if token.last_used_at is None or now - token.last_used_at > timedelta(minutes=1):
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
        token.last_used_at = now
    return token


def api_token_user(raw: str) -> User | None:
    """The active user a token belongs to, or None if it does not open the API."""
    token = api_token_lookup(raw)
    return token.user if token else None


def api_token_managing_workshop(*, actor: User, owner: User) -> int | None:
    """The workshop in which ``actor`` may revoke ``owner``'s tokens: one where the actor
    manages tokens and the owner works. Network staff's tokens are the network's."""
    workshops = access_for(actor).workshops_with(Perm.API_TOKENS_MANAGE)
    if not workshops or owner.is_superuser or owner.network_memberships.exists():
        return None
    return (
        owner.memberships.filter(workshop_id__in=workshops)
        .order_by("workshop_id")
        .values_list("workshop_id", flat=True)
        .first()
    )


@transaction.atomic
def api_token_revoke(*, actor: User, token: ApiToken) -> None:
    """Revoke a token: its owner may, and a manager of a workshop the owner works in
    (never for network staff). The audit trail keeps whose it was and who ended it."""
    workshop_id = None
    if token.user_id != actor.pk:
        workshop_id = api_token_managing_workshop(actor=actor, owner=token.user)
        if workshop_id is None:
            raise PermissionDenied(_("Your role does not allow this."))
    audit_record(
        actor=actor,
        action="api_token_revoked",
        target=token,
        workshop_id=workshop_id,
        changes={
            "user": token.user.email,
            "name": token.name,
            "prefix": token.prefix,
            "scope": token.scope,
        },
    )
    token.delete()
