"""Per-request context: the current workshop, its time zone, the user's language."""

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse
from django.utils import timezone, translation
from django.utils.functional import SimpleLazyObject

from servicelane.core.models import Workshop
from servicelane.core.tenancy import access_for

SESSION_WORKSHOP_KEY = "servicelane_workshop_id"


def current_workshop(request: HttpRequest) -> Workshop | None:
    """The workshop the user works in now: chosen in the session, else their first."""
    access = access_for(request.user)
    own = sorted(access.workshop_roles)
    chosen = request.session.get(SESSION_WORKSHOP_KEY) if hasattr(request, "session") else None
    workshop_id = chosen if chosen in access.visible_workshop_ids() else None
    if workshop_id is None and own:
        workshop_id = own[0]
    if workshop_id is None:
        return None
    return Workshop.objects.select_related("network").filter(pk=workshop_id).first()


class WorkshopContextMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = request.user
        if user.is_authenticated:
            request.workshop = current_workshop(request)
            # A signed-in person reads the product in the language of their profile;
            # the switcher changes the profile.
            translation.activate(user.language)
            request.LANGUAGE_CODE = translation.get_language()
            zone = request.workshop.time_zone if request.workshop else "UTC"
            timezone.activate(zone)
        else:
            request.workshop = None
            timezone.deactivate()
        request.access = SimpleLazyObject(lambda: access_for(request.user))
        try:
            return self.get_response(request)
        finally:
            timezone.deactivate()
