"""Small helpers the web views share."""

import contextlib
from collections.abc import Callable, Iterator
from functools import wraps
from typing import Any

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Page, Paginator
from django.http import HttpRequest, HttpResponse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from servicelane.core.models import Workshop
from servicelane.core.permissions import Perm
from servicelane.core.tenancy import access_for


def require_perm(
    perm: Perm,
) -> Callable[[Callable[..., HttpResponse]], Callable[..., HttpResponse]]:
    """Login required, and a role that grants ``perm`` somewhere (else 403)."""

    def decorator(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
        @login_required
        @wraps(view)
        def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            access_for(request.user).require(perm)
            return view(request, *args, **kwargs)

        return wrapped

    return decorator


def workshop_with(request: HttpRequest, *perms: Perm) -> Workshop:
    """The workshop chosen in the top bar, where the user's role grants one of ``perms``
    (else 403: the page names what to do)."""
    workshop = getattr(request, "workshop", None)
    access = access_for(request.user)
    if workshop is None or not any(access.can(perm, workshop.pk) for perm in perms):
        raise PermissionDenied(_("Choose a workshop where your role allows this."))
    return workshop


def paginate(request: HttpRequest, queryset: Any) -> Page:
    return Paginator(queryset, settings.PAGE_SIZE).get_page(request.GET.get("page"))


def query_without_page(request: HttpRequest) -> str:
    params = request.GET.copy()
    params.pop("page", None)
    return params.urlencode()


@contextlib.contextmanager
def customer_locale(language: str, zone: object) -> Iterator[None]:
    """A car owner's language and their workshop's clock, for a page reached by a link
    (no login to take them from): pages, errors and messages alike."""
    with translation.override(language), timezone.override(zone):
        yield
