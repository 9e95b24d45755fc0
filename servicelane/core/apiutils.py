"""Shared pieces of the REST API: authentication, errors, pagination."""

from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, SuspiciousOperation, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.http.multipartparser import MultiPartParserError
from django.utils import translation
from django.utils.translation import gettext as _
from ninja import Field, NinjaAPI, Schema
from ninja.errors import AuthenticationError, HttpError
from ninja.errors import ValidationError as NinjaValidationError
from ninja.pagination import PageNumberPagination
from ninja.security import HttpBearer, SessionAuth

from servicelane.core.auth import api_token_lookup, read_only_token_message
from servicelane.core.errors import error_dict, malformed_body_message
from servicelane.core.models import Workshop
from servicelane.core.permissions import Perm
from servicelane.core.schema_errors import schema_error_message
from servicelane.core.schema_types import (  # noqa: F401 - DbId, MAX_DB_ID: shared with the apps
    MAX_DB_ID,
    MAX_PAGE,
    DbId,
    PageNumber,
)
from servicelane.core.tenancy import access_for

# Methods that only read (RFC 9110 "safe"); a read-only token may use nothing else.
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


class TokenAuth(HttpBearer):
    """``Authorization: Bearer <token>`` with a personal token.

    The one place a read-only token is held to reading: any method that changes
    something is refused (403) for every operation of the API.
    """

    def authenticate(self, request: HttpRequest, token: str) -> Any:
        found = api_token_lookup(token)
        if found is None:
            return None
        # A client that names no language (Accept-Language) is answered in the token
        # owner's, as the screens are.
        if not request.headers.get("Accept-Language"):
            translation.activate(found.user.language)
            request.LANGUAGE_CODE = translation.get_language()
        if found.is_read_only and request.method not in SAFE_METHODS:
            raise HttpError(403, read_only_token_message())
        request.user = found.user
        return found.user


class ActiveSessionAuth(SessionAuth):
    """The browser's session; CSRF is checked for writes."""


class ErrorOut(Schema):
    detail: str
    errors: dict[str, list[str]] = {}


ERRORS = {400: ErrorOut, 401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut}


MAX_PAGE_SIZE = 200


class Pagination(PageNumberPagination):
    """Page numbers from 1 to ``MAX_PAGE``; anything else is a 400 naming ``page``."""

    class Input(Schema):
        page: PageNumber = 1
        page_size: int | None = Field(None, ge=1, le=MAX_PAGE)  # more than 200: 200

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(page_size=settings.PAGE_SIZE, max_page_size=MAX_PAGE_SIZE, **kwargs)


def _field_of(loc: list[Any] | tuple[Any, ...]) -> str:
    # Pydantic locations look like ("body", "payload", "email"); the field is last.
    # Multipart fields come as ("form", "caption") and ("file", "image").
    if loc and loc[0] in ("form", "file"):
        loc = loc[1:]
    parts = [str(p) for p in loc if p not in ("body", "payload", "query", "path", "filters")]
    return ".".join(parts) or "__all__"


def install_error_handlers(api: NinjaAPI) -> None:
    """Every error is JSON ``{"detail", "errors"}`` with a 4xx status."""

    def reply(request: HttpRequest, status: int, detail: str, errors: Any = None) -> HttpResponse:
        return api.create_response(
            request, {"detail": detail, "errors": errors or {}}, status=status
        )

    @api.exception_handler(NinjaValidationError)
    def on_schema_error(request: HttpRequest, exc: NinjaValidationError) -> HttpResponse:
        errors: dict[str, list[str]] = {}
        for error in exc.errors:
            message = schema_error_message(error)
            errors.setdefault(_field_of(error.get("loc", ())), []).append(message)
        return reply(request, 400, _("The request is not valid; see the errors by field."), errors)

    @api.exception_handler(ValidationError)
    def on_domain_error(request: HttpRequest, exc: ValidationError) -> HttpResponse:
        errors = error_dict(exc)
        first = next(iter(errors.values()), [_("Invalid input.")])[0]
        return reply(request, 400, first, errors)

    @api.exception_handler(PermissionDenied)
    def on_forbidden(request: HttpRequest, exc: PermissionDenied) -> HttpResponse:
        return reply(request, 403, str(exc) or _("Your role does not allow this."))

    @api.exception_handler(Http404)
    def on_not_found(request: HttpRequest, exc: Http404) -> HttpResponse:
        return reply(request, 404, _("Not found."))

    @api.exception_handler(AuthenticationError)
    def on_unauthenticated(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
        return reply(request, 401, _("Log in or send a valid token: Authorization: Bearer …"))

    @api.exception_handler(MultiPartParserError)
    def on_bad_multipart(request: HttpRequest, exc: MultiPartParserError) -> HttpResponse:
        return reply(request, 400, malformed_body_message())

    @api.exception_handler(SuspiciousOperation)
    def on_suspicious(request: HttpRequest, exc: SuspiciousOperation) -> HttpResponse:
        # A body beyond DATA_UPLOAD_MAX_MEMORY_SIZE, too many fields or files.
        return reply(request, 400, _("The request is too large or malformed."))

    @api.exception_handler(HttpError)
    def on_http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
        return reply(request, exc.status_code, str(exc))


def workshop_in_scope(
    request: HttpRequest, perm: Perm | tuple[Perm, ...], code: str | None
) -> Workshop:
    """The workshop a request acts in: the one named by code, else the user's only one
    where ``perm`` (or one of several) holds."""
    access = access_for(request.user)
    perms = perm if isinstance(perm, tuple) else (perm,)
    allowed = sorted({w for one in perms for w in access.workshops_with(one)})
    workshops = Workshop.objects.filter(id__in=allowed)
    if code:
        workshop = workshops.filter(code=code.upper()).first()
        if workshop is None:
            raise ValidationError({"workshop": [_("Unknown workshop or not allowed for you.")]})
        return workshop
    if not allowed:
        raise PermissionDenied(_("Your role does not allow this."))
    if len(allowed) > 1:
        raise ValidationError({"workshop": [_("You work in several workshops; name one.")]})
    return workshops.get()
