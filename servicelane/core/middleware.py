"""Per-request context: the current workshop, its time zone, the user's language; and
the door that refuses input no field could hold."""

import json
from collections.abc import Callable
from typing import Any, cast

from django.core.exceptions import SuspiciousOperation
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.http.multipartparser import MultiPartParserError
from django.shortcuts import render
from django.utils import timezone, translation
from django.utils.functional import SimpleLazyObject
from django.utils.translation import gettext as _

from servicelane.core.errors import malformed_body_message
from servicelane.core.models import Workshop
from servicelane.core.schema_types import MAX_DB_ID, MAX_INT, text_problem
from servicelane.core.tenancy import Access, access_for
from servicelane.core.types import PageRequest

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

    def __call__(self, request: PageRequest) -> HttpResponse:
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
        # Computed when first read (a template asks whether the user is network staff).
        request.access = cast(Access, SimpleLazyObject(lambda: access_for(request.user)))
        try:
            return self.get_response(request)
        finally:
            timezone.deactivate()


API_PREFIX = "/api/"


class InputEdgeMiddleware:
    """Input that no field could hold is refused at the door, with the field, before a
    view, a form or the database sees it:

    - text with a NUL character or a lone UTF-16 surrogate (PostgreSQL refuses NUL in
      text, and a surrogate cannot be encoded) in the query, a JSON body or the API's
      form fields: 400 naming the field;
    - a JSON body that is not an object (an array, a bare string, null), an integer no
      column holds (beyond 64 bits) and NaN, which JSON does not know: 400;
    - a multipart body without a boundary or cut short: 400;
    - a path segment that cannot name a record (an id beyond 64 bits, a NUL): 404.

    The web forms' own fields keep their inline errors: Django's text fields refuse NUL
    themselves, and a form-encoded body cannot carry a surrogate.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        is_api = request.path_info.startswith(API_PREFIX)
        try:
            errors = query_problems(request)
            if request.method == "POST" and not errors:
                errors = form_problems(request, is_api)
            if is_api and not errors:
                errors = json_problems(request)
        except MultiPartParserError:
            return refuse(request, is_api, malformed_body_message(), {})
        except SuspiciousOperation:
            if not is_api:
                raise  # Django's own 400 page
            return refuse(request, is_api, _("The request is too large or malformed."), {})
        if errors:
            detail = _("The request is not valid; see the errors by field.")
            return refuse(request, is_api, detail, errors)
        return self.get_response(request)

    def process_view(
        self, request: HttpRequest, view: Any, args: Any, kwargs: dict[str, Any]
    ) -> HttpResponse | None:
        if any(not can_name_a_record(value) for value in kwargs.values()):
            if request.path_info.startswith(API_PREFIX):
                return JsonResponse({"detail": _("Not found."), "errors": {}}, status=404)
            raise Http404
        return None


def can_name_a_record(value: Any) -> bool:
    """Whether a path segment could be the key of a row: an id within 64 bits, text
    without NUL."""
    if isinstance(value, int):
        return -MAX_DB_ID <= value <= MAX_DB_ID
    if isinstance(value, str):
        if text_problem(value):
            return False
        digits = value.lstrip("-")
        return not (digits.isascii() and digits.isdigit() and abs(int(value)) > MAX_DB_ID)
    return True


def _add(errors: dict[str, list[str]], field: str, message: str) -> None:
    if message not in errors.setdefault(field or "__all__", []):
        errors[field or "__all__"].append(message)


def query_problems(request: HttpRequest) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}
    for key, values in request.GET.lists():
        for text in [key, *values]:
            problem = text_problem(text)
            if problem:
                _add(errors, _printable(key), problem)
    return errors


def form_problems(request: HttpRequest, is_api: bool) -> dict[str, list[str]]:
    """Reads a form-encoded or multipart body (a malformed one raises here, as a 400);
    the API's form fields are checked like its JSON."""
    data = request.POST
    errors: dict[str, list[str]] = {}
    if not is_api:
        return errors
    for key, values in data.lists():
        for text in [key, *values]:
            problem = text_problem(text)
            if problem:
                _add(errors, _printable(key), problem)
    return errors


def json_problems(request: HttpRequest) -> dict[str, list[str]]:
    content_type = request.content_type or ""
    if request.method not in ("POST", "PUT", "PATCH", "DELETE") or content_type.startswith(
        ("multipart/", "application/x-www-form-urlencoded")
    ):
        return {}
    body = request.body
    if not body:
        return {}
    try:
        data = json.loads(body, parse_constant=_not_finite)
    except _NotFinite:
        return {"__all__": [_("Numbers must be finite.")]}
    except (ValueError, RecursionError):
        return {}  # not JSON: the API answers 400 where it expects a body
    if not isinstance(data, dict):
        # Every body the API takes is an object of named fields.
        return {"__all__": [_("Send a JSON object with the fields.")]}
    return _json_value_problems(data)


def _json_value_problems(data: dict[str, Any]) -> dict[str, list[str]]:
    """Walks the whole document without recursion (a deep one must not exhaust the stack)."""
    errors: dict[str, list[str]] = {}
    stack: list[tuple[str, Any]] = [("", data)]
    while stack:
        path, value = stack.pop()
        if isinstance(value, dict):
            for key, item in value.items():
                problem = text_problem(key)
                if problem:
                    _add(errors, path, problem)
                else:
                    stack.append((f"{path}.{key}" if path else key, item))
        elif isinstance(value, list):
            stack.extend((f"{path}.{i}" if path else str(i), item) for i, item in enumerate(value))
        else:
            problem = _scalar_problem(path, value)
            if problem:
                _add(errors, path, problem)
    return errors


def _scalar_problem(path: str, value: Any) -> str | None:
    if isinstance(value, str):
        return text_problem(value)
    if isinstance(value, bool) or not isinstance(value, int) or -MAX_INT <= value <= MAX_INT:
        return None
    key = path.rsplit(".", 1)[-1]
    if key == "id" or key.endswith("_id"):
        return _("No record has this id.")
    return _("This number is too large.")


class _NotFinite(ValueError):
    pass


def _not_finite(name: str) -> Any:
    raise _NotFinite(name)


def _printable(key: str) -> str:
    return key.encode("utf-8", "backslashreplace").decode("utf-8").replace("\x00", "\\x00")


def refuse(
    request: HttpRequest, is_api: bool, detail: str, errors: dict[str, list[str]]
) -> HttpResponse:
    errors = {_printable(k): v for k, v in errors.items()}
    if is_api:
        return JsonResponse({"detail": detail, "errors": errors}, status=400)
    return render(request, "400.html", {"detail": detail, "errors": errors}, status=400)
