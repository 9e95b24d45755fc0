"""A browser session lives only as long as the credentials it was opened with.

A new password (whatever sets it) or a deactivation changes the fingerprint Django
keeps in the session (``User._get_session_auth_hash``), which ends the session. An
expired password changes nothing stored, so it is checked here on every request.
"""

from collections.abc import Callable

from django.contrib.auth import logout
from django.http import HttpRequest, HttpResponse


class PasswordExpiryMiddleware:
    """Logs out a session whose password has expired since it was opened: pages then
    ask for a login (which points to the password reset) and the API answers 401."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = request.user
        if user.is_authenticated and user.password_expired:
            logout(request)
        return self.get_response(request)
