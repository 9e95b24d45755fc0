"""Login rules shared by the login page and the token endpoint."""

import json
import secrets
from datetime import timedelta
from typing import Any

from django import forms
from django.conf import settings
from django.contrib.auth.forms import AuthenticationForm
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from servicelane.core.models import ApiToken, User, hash_token

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


def api_token_issue(*, user: User, name: str = "") -> tuple[ApiToken, str]:
    """Create a personal token; the raw value is returned once and never stored."""
    raw = TOKEN_PREFIX + secrets.token_urlsafe(32)
    ttl = settings.API_TOKEN_TTL_DAYS
    token = ApiToken.objects.create(
        user=user,
        name=name[:100],
        prefix=raw[len(TOKEN_PREFIX) : len(TOKEN_PREFIX) + 8],
        key_hash=hash_token(raw),
        expires_at=timezone.now() + timedelta(days=ttl) if ttl else None,
    )
    return token, raw


def api_token_user(raw: str) -> User | None:
    """The active user a token belongs to, or None if unknown or expired."""
    if not raw.startswith(TOKEN_PREFIX):
        return None
    token = ApiToken.objects.select_related("user").filter(key_hash=hash_token(raw)).first()
    if token is None or token.is_expired or not token.user.is_active:
        return None
    if token.user.password_expired:
        return None
    now = timezone.now()
    # Writing on every request would be noise; a minute's precision is enough.
    if token.last_used_at is None or now - token.last_used_at > timedelta(minutes=1):
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
    return token.user
