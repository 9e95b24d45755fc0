"""The request as the product's middleware hands it to a view, for the type checker.

``WorkshopContextMiddleware`` sets ``workshop`` and ``access`` on every request and
django-htmx's middleware sets ``htmx``; a page behind ``login_required`` or
``require_perm`` and an API operation behind the API's authentication have a signed-in
user. Views annotate their request with the class that says what they rely on.
"""

from django.http import HttpRequest
from django_htmx.middleware import HtmxDetails

from servicelane.core.models import User, Workshop
from servicelane.core.tenancy import Access


class PageRequest(HttpRequest):
    """Any request to a page, signed in or not."""

    workshop: Workshop | None
    access: Access
    htmx: HtmxDetails


class WorkshopRequest(PageRequest):
    """A signed-in person's page: the workshop chosen in the top bar, if any."""

    user: User


class ApiRequest(HttpRequest):
    """An API operation that requires authentication (a token or the session)."""

    user: User


class AxesRequest(HttpRequest):
    """A login attempt as django-axes reads it: ``axes_locked_out`` set, its middleware
    answers with the lockout response."""

    axes_locked_out: bool
