"""Small helpers the web views share."""

import contextlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import tzinfo
from functools import wraps
from typing import Any, Generic, TypeVar

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Page, Paginator
from django.forms import BaseForm
from django.http import HttpRequest, HttpResponse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from servicelane.core.errors import apply_to_form
from servicelane.core.models import Workshop
from servicelane.core.permissions import Perm
from servicelane.core.tenancy import access_for

T = TypeVar("T")


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


@dataclass(frozen=True)
class Submitted(Generic[T]):
    """What became of a form handed to a service: ``ok`` when the service ran, and then
    ``result`` is what it returned."""

    ok: bool
    result: T


def _failed() -> "Submitted[Any]":
    return Submitted(ok=False, result=None)


def submit(form: BaseForm, service: Callable[[dict[str, Any]], T]) -> Submitted[T]:
    """The form → service step every writing view takes: a valid form's data goes to
    ``service``; the service's ValidationError shows inline on the form, by field, and
    nothing is written (services run in one transaction)."""
    if not form.is_valid():
        return _failed()
    try:
        return Submitted(ok=True, result=service(form.cleaned_data))
    except ValidationError as exc:
        apply_to_form(form, exc)
        return _failed()


def paginate(request: HttpRequest, queryset: Any) -> Page:
    return Paginator(queryset, settings.PAGE_SIZE).get_page(request.GET.get("page"))


def query_without_page(request: HttpRequest) -> str:
    params = request.GET.copy()
    params.pop("page", None)
    return params.urlencode()


@contextlib.contextmanager
def customer_locale(language: str, zone: tzinfo) -> Iterator[None]:
    """A car owner's language and their workshop's clock, for a page reached by a link
    (no login to take them from): pages, errors and messages alike."""
    with translation.override(language), timezone.override(zone):
        yield
