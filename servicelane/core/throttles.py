"""Throttles beside django-axes' lock of one account for one client address.

Password spraying: django-axes locks a (user name, address) pair after
LOGIN_FAILURE_LIMIT failures, so one address trying one password on many accounts
never trips it. Failed logins are therefore also counted per address across
accounts; once LOGIN_ADDRESS_FAILURE_LIMIT of them fall into one cool-off window
(LOGIN_COOLOFF_MINUTES), every login from that address is refused — on the login
page, in the admin and on POST /api/v1/auth/token alike — until the window ends.
Only failures count, never a successful login: the people of a workshop who sign
in from one address are not locked out by signing in, and a sprayer who knows one
good password cannot reset the count with it.

Password-reset requests are counted per address and per typed e-mail address;
the refusal reads the same whether the account exists or not.
"""

import hashlib
from typing import Any

from django.conf import settings
from django.contrib.auth import views as auth_views
from django.contrib.auth.forms import PasswordResetForm
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _

from servicelane.core.forms import LocalizedPasswordResetForm
from servicelane.core.ratelimit import allow, attempts, client_address
from servicelane.core.types import AxesRequest

LOGIN_FAILURES = "login-failures-address"
RESET_BY_ADDRESS = "password-reset-address"
RESET_BY_ACCOUNT = "password-reset-account"
HOUR = 3600

# Set on the request by the backend when the password is about to be checked, so a
# failure is counted once and an attempt refused unchecked (locked) is not counted.
_COUNT_FAILURE = "login_failure_counts_for_address"


def _login_window() -> int:
    return max(1, int(settings.AXES_COOLOFF_TIME.total_seconds()))


def login_address_failures(request: HttpRequest) -> int:
    """Failed logins from the request's address in the current cool-off window."""
    return attempts(
        scope=LOGIN_FAILURES, key=client_address(request), window_seconds=_login_window()
    )


def login_address_locked(request: HttpRequest) -> bool:
    return login_address_failures(request) >= settings.LOGIN_ADDRESS_FAILURE_LIMIT


class AddressFailureBackend:
    """An authentication backend that authenticates nobody: listed after django-axes'
    backend and before the one that checks passwords, it refuses every login from an
    address with too many failed logins across accounts."""

    def authenticate(self, request: AxesRequest | None, **credentials: Any) -> None:
        if request is None:
            return None
        if login_address_locked(request):
            # django-axes' middleware turns this into core.auth.lockout_response (429).
            request.axes_locked_out = True
            raise PermissionDenied
        setattr(request, _COUNT_FAILURE, True)
        return None

    # No get_user(): this backend never logs anybody in, and Django (force_login, session
    # lookups) must not pick it as the backend of a session.


def count_failed_login(
    sender: Any, credentials: dict[str, Any], request: AxesRequest | None = None, **kwargs: Any
) -> None:
    """``user_login_failed`` receiver: one more failure for the client's address."""
    if request is None or not getattr(request, _COUNT_FAILURE, False):
        return
    setattr(request, _COUNT_FAILURE, False)
    allow(
        scope=LOGIN_FAILURES,
        key=client_address(request),
        limit=settings.LOGIN_ADDRESS_FAILURE_LIMIT,
        window_seconds=_login_window(),
    )
    if login_address_locked(request):
        request.axes_locked_out = True  # this attempt already answers "locked", like axes


def password_reset_throttled_message() -> str:
    return _("Too many requests to reset a password. Please wait an hour before you try again.")


def _account_key(email: str) -> str:
    # Hashed: cache keys stay short and free of what people type.
    return hashlib.sha256(email.strip().lower().encode()).hexdigest()[:32]


def password_reset_allowed(request: HttpRequest, email: str) -> bool:
    """Count one reset request for the client's address and the typed e-mail address."""
    if not allow(
        scope=RESET_BY_ADDRESS,
        key=client_address(request),
        limit=settings.PASSWORD_RESET_ADDRESS_RATE_PER_HOUR,
        window_seconds=HOUR,
    ):
        return False
    return allow(
        scope=RESET_BY_ACCOUNT,
        key=_account_key(email),
        limit=settings.PASSWORD_RESET_RATE_PER_HOUR,
        window_seconds=HOUR,
    )


class PasswordResetView(auth_views.PasswordResetView):
    """Django's reset page, with the e-mail in the account's language and a throttle."""

    form_class = LocalizedPasswordResetForm

    def form_valid(self, form: PasswordResetForm) -> HttpResponse:
        if not password_reset_allowed(self.request, form.cleaned_data["email"]):
            form.add_error(None, password_reset_throttled_message())
            return self.render_to_response(self.get_context_data(form=form), status=429)
        return super().form_valid(form)
