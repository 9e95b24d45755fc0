"""Input at the edges of its type is refused like any other wrong input — a 400 with the
field (a 404 for a path that cannot name a record) — never a server error, and nothing
is written.

The API is not listed by hand: every operation of the OpenAPI document is sent, per
class of input, an integer beyond 64 bits in each integer parameter and body field,
``page`` far out and negative, text with NUL and a lone surrogate, bodies of the wrong
JSON type, dates at year 1 and 9999 and times with an offset, and text longer than any
field takes. The web pages are walked the same way: every route, posted a NUL in each
field of the forms it shows, and a multipart body without a boundary.
"""

import copy
import datetime as dt
import importlib
import json
import os
import pkgutil
from collections.abc import Iterator
from typing import Any
from zoneinfo import ZoneInfo

import django_filters
import pytest
from django import forms
from django.apps import apps
from django.db import connection
from django.forms import BaseForm
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pydantic import TypeAdapter
from pydantic import ValidationError as PydanticValidationError

import servicelane
from servicelane.api import api
from servicelane.core.choices import NetworkRole, WorkshopRole
from servicelane.core.dates import validate_sane_date
from servicelane.core.middleware import can_name_a_record
from servicelane.core.schema_types import LONG_TEXT, MAX_DB_ID, MAX_PAGE, SaneDateTime, text_problem
from servicelane.testing.clients import bearer_client
from servicelane.testing.personas import member, network_staff
from servicelane.testing.world import route_values, ui_routes

HUGE = 99999999999999999999999
NUL = "a\x00b"
SURROGATE = "a\ud800b"
TOO_LONG = "x" * (LONG_TEXT * 2 + 1)
FAR_DATES = ["0001-01-01", "9999-12-31"]
FAR_DATETIMES = [
    "0001-01-01T00:00:00",
    "9999-12-31T23:59:59",
    "9999-12-31T23:59:59-12:00",
    "0001-01-01T00:00:00+14:00",
]
WRONG_BODIES = ["[]", '"text"', "42", "null", "{", '[{"a": 1}]']
# Tables that change with any request (sessions, login records) or are not data.
IGNORED_TABLES = ("django_session", "axes_", "django_migrations", "django_content_type")


# ------------------------------------------------------------------------- helpers


def row_counts() -> tuple[int, ...]:
    """The number of rows of every data table, in one query."""
    tables = [
        model._meta.db_table
        for model in apps.get_models(include_auto_created=True)
        if model._meta.managed and not model._meta.db_table.startswith(IGNORED_TABLES)
    ]
    quote = connection.ops.quote_name
    sql = "SELECT " + ", ".join(f"(SELECT COUNT(*) FROM {quote(t)})" for t in tables)
    with connection.cursor() as cursor:
        cursor.execute(sql)
        return tuple(cursor.fetchone())


class Schema:
    """The OpenAPI document with its references resolved."""

    def __init__(self) -> None:
        self.doc = api.get_openapi_schema()
        self.components = self.doc["components"]["schemas"]

    def resolve(self, schema: dict[str, Any]) -> dict[str, Any]:
        while "$ref" in schema:
            schema = self.components[schema["$ref"].rsplit("/", 1)[-1]]
        return schema

    def operations(self) -> list[tuple[str, str, dict[str, Any]]]:
        return [
            (method.upper(), path, operation)
            for path, operations in self.doc["paths"].items()
            for method, operation in operations.items()
        ]

    def kind(self, schema: dict[str, Any]) -> tuple[str | None, str | None]:
        """(type, format) of a schema, the first non-null branch of a union."""
        schema = self.resolve(schema)
        for branch in schema.get("anyOf", []) + schema.get("allOf", []):
            found = self.kind(branch)
            if found[0] not in (None, "null"):
                return found
        if "enum" in schema:
            return "enum", None
        return schema.get("type"), schema.get("format")

    def example(self, schema: dict[str, Any]) -> Any:
        """A plausible value: what a well-behaved client would send."""
        schema = self.resolve(schema)
        if "default" in schema and schema["default"] is not None:
            return schema["default"]
        if "enum" in schema:
            return schema["enum"][0]
        for branch in schema.get("anyOf", []) + schema.get("allOf", []):
            if self.resolve(branch).get("type") != "null":
                return self.example(branch)
        kind = schema.get("type")
        if kind == "object":
            return {name: self.example(prop) for name, prop in schema.get("properties", {}).items()}
        if kind == "array":
            return [self.example(schema.get("items", {}))]
        if kind in ("integer", "number", "boolean"):
            return example_number_or_boolean(kind, schema)
        return example_text(schema.get("format"))

    def leaves(self, schema: dict[str, Any], value: Any, path: tuple = ()) -> list[Any]:
        """(path into the body, type, format) of every scalar field of an example body."""
        schema = self.resolve(schema)
        found: list[Any] = []
        if isinstance(value, dict):
            props = self._properties(schema)
            for name, item in value.items():
                found += self.leaves(props.get(name, {}), item, (*path, name))
        elif isinstance(value, list):
            items = self._items(schema)
            for i, item in enumerate(value):
                found += self.leaves(items, item, (*path, i))
        else:
            found.append((path, *self.kind(schema)))
        return found

    def _properties(self, schema: dict[str, Any]) -> dict[str, Any]:
        schema = self.resolve(schema)
        props = dict(schema.get("properties", {}))
        for branch in schema.get("anyOf", []) + schema.get("allOf", []):
            props.update(self._properties(branch))
        return props

    def _items(self, schema: dict[str, Any]) -> dict[str, Any]:
        schema = self.resolve(schema)
        if "items" in schema:
            return schema["items"]
        for branch in schema.get("anyOf", []):
            if "items" in self.resolve(branch):
                return self.resolve(branch)["items"]
        return {}


def example_number_or_boolean(kind: str, schema: dict[str, Any]) -> Any:
    if kind == "integer":
        return max(1, schema.get("minimum", 1))
    if kind == "number":
        return 1
    return True


def example_text(fmt: str | None) -> str:
    """A string in the format asked for: dates in the future, where bookings go."""
    if fmt == "date":
        return (dt.date.today() + dt.timedelta(days=1)).isoformat()
    if fmt == "date-time":
        return (timezone.now() + dt.timedelta(days=1)).replace(microsecond=0).isoformat()
    if fmt in ("time", "partial-time"):
        return "10:00"
    if fmt == "email":
        return "someone@example.org"
    return "x"


def replaced(body: Any, path: tuple, value: Any) -> Any:
    body = copy.deepcopy(body)
    target = body
    for step in path[:-1]:
        target = target[step]
    target[path[-1]] = value
    return body


def every_text(body: Any, leaves: list[Any], value: str) -> Any:
    for path, kind, fmt in leaves:
        if kind == "string" and fmt not in ("binary",) and path:
            body = replaced(body, path, value)
    return body


# (label, url parameters, query, body) of one request.
Variant = tuple[str, dict[str, Any], dict[str, Any], Any]


def variants(
    schema: Schema, operation: dict[str, Any], values: dict[str, Any]
) -> Iterator[Variant]:
    """(label, url parameters, query, body) of each request sent to one operation."""
    params = operation.get("parameters", [])
    # Well-formed values for the path: each variant spoils one thing only.
    path_values = {
        p["name"]: values.get(p["name"], 1 if schema.kind(p["schema"])[0] == "integer" else "x")
        for p in params
        if p["in"] == "path"
    }
    query = [p for p in params if p["in"] == "query"]

    for p in params:
        yield from parameter_variants(schema, p, path_values)
    texts = [p["name"] for p in query if schema.kind(p["schema"]) == ("string", None)]
    if texts:
        yield "query oversize text", path_values, dict.fromkeys(texts, TOO_LONG), None

    content = operation.get("requestBody", {}).get("content", {})
    if "application/json" in content:
        yield from json_body_variants(schema, content["application/json"]["schema"], path_values)
    if "multipart/form-data" in content:
        yield "multipart without boundary", path_values, {}, ("multipart", b"--x\r\n")
        yield "multipart cut short", path_values, {}, ("cut", b"--B\r\nContent-Disposition")


def parameter_variants(
    schema: Schema, p: dict[str, Any], path_values: dict[str, Any]
) -> Iterator[Variant]:
    """One path or query parameter at the edges of its type."""
    kind, fmt = schema.kind(p["schema"])
    where = p["in"]
    name = p["name"]
    if where == "path":
        bad = [HUGE, -HUGE] if kind == "integer" else ["%00", "a%00b"]
        for value in bad:
            yield f"path {name}={value}", {**path_values, name: value}, {}, None
    elif kind == "integer":
        for value in [HUGE, -1, 0] if name == "page" else [HUGE, -HUGE]:
            yield f"query {name}={value}", path_values, {name: value}, None
    elif fmt == "date":
        for value in FAR_DATES:
            yield f"query {name}={value}", path_values, {name: value}, None
    elif fmt == "date-time":
        for value in FAR_DATETIMES:
            yield f"query {name}={value}", path_values, {name: value}, None
    elif kind in ("string", "enum", None):
        yield f"query {name}=NUL", path_values, {name: NUL}, None


def json_body_variants(
    schema: Schema, body_schema: dict[str, Any], path_values: dict[str, Any]
) -> Iterator[Variant]:
    """Bodies of the wrong JSON type, bad text in every text field, then each field of
    a well-formed body spoilt on its own."""
    body = schema.example(body_schema)
    leaves = schema.leaves(body_schema, body)
    for wrong in WRONG_BODIES:
        yield f"body {wrong}", path_values, {}, ("raw", wrong)
    yield "body NUL", path_values, {}, every_text(body, leaves, NUL)
    yield "body surrogate", path_values, {}, every_text(body, leaves, SURROGATE)
    yield "body oversize text", path_values, {}, every_text(body, leaves, TOO_LONG)
    yield "body NaN", path_values, {}, ("raw", json.dumps(body)[:-1] + ', "x": NaN}')
    for path, kind, fmt in leaves:
        if path:  # the body itself is a scalar: the wrong bodies above cover it
            yield from field_variants(body, path, kind, fmt, path_values)


def field_variants(
    body: Any, path: tuple, kind: str | None, fmt: str | None, path_values: dict[str, Any]
) -> Iterator[Variant]:
    """One field of the body at the edges of its type."""
    name = ".".join(map(str, path)) or "body"
    if kind in ("integer", "number"):
        for value in (HUGE, -HUGE):
            yield f"body {name}={value}", path_values, {}, replaced(body, path, value)
    if kind == "number":
        yield f"body {name}=9…9", path_values, {}, replaced(body, path, "9" * 10_001)
        yield f"body {name}=1e400", path_values, {}, ("raw", _raw_1e400(body, path))
    if fmt == "date":
        for value in FAR_DATES:
            yield f"body {name}={value}", path_values, {}, replaced(body, path, value)
    if fmt == "date-time":
        for value in FAR_DATETIMES:
            yield f"body {name}={value}", path_values, {}, replaced(body, path, value)
    if fmt in ("time", "partial-time"):
        yield f"body {name}=offset", path_values, {}, replaced(body, path, "10:00+02:00")


def _raw_1e400(body: Any, path: tuple) -> str:
    marker = "__NUMBER__"
    return json.dumps(replaced(body, path, marker)).replace(f'"{marker}"', "1e400")


def send(client: Client, method: str, url: str, query: dict[str, Any], body: Any) -> Any:
    if query:
        from urllib.parse import quote

        url += "?" + "&".join(f"{k}={quote(str(v), safe='-:+')}" for k, v in query.items())
    if body is None:
        return client.generic(method, url)
    if isinstance(body, tuple) and body[0] == "raw":
        return client.generic(method, url, body[1], content_type="application/json")
    if isinstance(body, tuple) and body[0] == "multipart":
        return client.generic(method, url, body[1], content_type="multipart/form-data")
    if isinstance(body, tuple) and body[0] == "cut":
        return client.generic(method, url, body[1], content_type="multipart/form-data; boundary=B")
    data = json.dumps(body)  # surrogates are written as \ud800 escapes
    return client.generic(method, url, data, content_type="application/json")


def url_of(path: str, values: dict[str, Any]) -> str:
    for name, value in values.items():
        path = path.replace("{" + name + "}", str(value))
    return path


# --------------------------------------------------------------------------- tests


@pytest.fixture
def edge_clients(beijing, network, other_world):
    everyone = member(beijing, *WorkshopRole.values, email="all-roles@beijing.test")
    admin = network_staff(network, NetworkRole.NETWORK_ADMIN, email="admin@network.test")
    clients = bearer_client(everyone), bearer_client(admin)
    for client in clients:
        client.raise_request_exception = False  # a failure is a 500 to count, not the end
    return clients


@pytest.mark.django_db
def test_no_api_operation_fails_on_input_at_the_edges_of_its_type(other_world, edge_clients):
    schema = Schema()
    values = route_values(other_world)
    workshop_client, network_client = edge_clients
    failures: list[str] = []
    sent = 0
    for method, path, operation in schema.operations():
        client = network_client if path.startswith("/api/v1/centres") else workshop_client
        for label, path_values, query, body in variants(schema, operation, values):
            before = row_counts() if method != "GET" else None
            response = send(client, method, url_of(path, path_values), query, body)
            sent += 1
            if os.environ.get("EDGE_STATS"):
                print("STAT", method, path, label, response.status_code, response.content[:300])
            where = f"{method} {path} [{label}]"
            if response.status_code >= 500:
                failures.append(f"{where}: {response.status_code}")
            elif response.status_code < 400:
                failures.append(f"{where}: accepted ({response.status_code})")
            elif before is not None and row_counts() != before:
                failures.append(f"{where}: rows changed")
    assert sent > 1000
    assert not failures, "\n".join(failures)


@pytest.mark.django_db
def test_a_field_error_names_the_field(api):
    body = {"last_name": "Lin", "notes": NUL, "city": SURROGATE}

    response = api.post("/api/v1/customers", json.dumps(body), content_type="application/json")

    assert response.status_code == 400
    assert set(response.json()["errors"]) == {"notes", "city"}


def test_every_text_an_api_operation_takes_has_a_length_limit():
    schema = Schema()
    unlimited = []

    def check(where: str, node: dict[str, Any]) -> None:
        node = schema.resolve(node)
        branches = [schema.resolve(b) for b in node.get("anyOf", []) + node.get("allOf", [])]
        decimal = any(b.get("type") == "number" for b in branches)
        for branch in branches:
            if decimal and branch == {"type": "string"}:
                continue  # a decimal number as text, read by the number's rules
            check(where, branch)
        if node.get("type") == "object":
            for name, prop in node.get("properties", {}).items():
                check(f"{where}.{name}", prop)
        if node.get("type") == "array":
            check(f"{where}[]", node.get("items", {}))
        if node.get("type") == "string" and not (
            "maxLength" in node
            or "enum" in node
            or "pattern" in node  # a shape such as HH:MM, checked before any length matters
            or node.get("format") in ("date", "date-time", "time", "partial-time", "binary")
        ):
            unlimited.append(where)

    for method, path, operation in schema.operations():
        for p in operation.get("parameters", []):
            if p["in"] == "query":
                check(f"{method} {path} ?{p['name']}", p["schema"])
        for content in operation.get("requestBody", {}).get("content", {}).values():
            check(f"{method} {path} body", content["schema"])

    assert not unlimited, "text without maxLength:\n" + "\n".join(sorted(set(unlimited)))


# ------------------------------------------------------------------------ web pages


def forms_on(response: Any) -> list[Any]:
    """The forms a page shows (from its template context), each once."""
    if response.context is None:
        return []
    found: dict[int, Any] = {}
    for layer in response.context:
        for value in layer.flatten().values() if hasattr(layer, "flatten") else []:
            if isinstance(value, django_filters.FilterSet):
                value = value.form  # a list's filters
            if isinstance(value, BaseForm):
                found[id(value)] = value
    return list(found.values())


def text_fields(form: BaseForm) -> list[str]:
    return [
        form.add_prefix(name)
        for name, field in form.fields.items()
        if isinstance(field, forms.CharField)
    ]


def date_fields(form: BaseForm) -> list[str]:
    return [
        form.add_prefix(name)
        for name, field in form.fields.items()
        if isinstance(field, (forms.DateField, forms.DateTimeField))
    ]


# Pages showing a form that posts to another route (walked there): a POST here with that
# form's fields is this page's own action, which may well change rows.
FORMS_POSTED_ELSEWHERE = {
    "appointments:capacity": "the closure form posts to appointments:closure_new",
}


@pytest.fixture
def web_client(beijing, other_world):
    everyone = member(beijing, *WorkshopRole.values, email="all-roles@beijing.test")
    client = Client(raise_request_exception=False)
    client.force_login(everyone)
    return client


@pytest.mark.django_db
def test_no_web_page_fails_on_input_at_the_edges_of_its_type(other_world, web_client):
    values = route_values(other_world)
    failures: list[str] = []
    forms_seen = 0
    for name, params in ui_routes():
        if name.startswith("admin:") or "logout" in name or "password" in name:
            continue
        url = reverse(name, kwargs={p: values.get(p, 1) for p in params})
        page = web_client.get(url)
        if page.status_code >= 500:
            failures.append(f"GET {url}: {page.status_code}")
            continue
        shown = forms_on(page)
        texts = sorted({f for form in shown for f in text_fields(form)})
        dates = sorted({f for form in shown for f in date_fields(form)})
        forms_seen += len(shown)
        requests: list[tuple[str, str, Any, bool]] = [
            ("multipart without boundary", "post", b"--x\r\n", False),
        ]
        if texts:
            requests += [
                ("NUL in every text", "post", dict.fromkeys(texts, NUL), True),
                ("oversize text", "post", dict.fromkeys(texts, TOO_LONG), True),
                ("NUL in the query", "get", dict.fromkeys(texts, NUL), False),
            ]
        for far in FAR_DATES if dates else []:
            requests += [
                (f"dates {far}", "post", dict.fromkeys(dates, far), True),
                (f"dates {far} in the query", "get", dict.fromkeys(dates, far), False),
            ]
        for label, method, data, unchanged in requests:
            before = row_counts()
            if isinstance(data, bytes):
                response = web_client.post(url, data, content_type="multipart/form-data")
            else:
                response = getattr(web_client, method)(url, data)
            where = f"{method.upper()} {url} [{label}]"
            if response.status_code >= 500:
                failures.append(f"{where}: {response.status_code}")
            elif isinstance(data, bytes) and response.status_code != 400:
                failures.append(f"{where}: {response.status_code}, not 400")
            elif unchanged and name not in FORMS_POSTED_ELSEWHERE and row_counts() != before:
                failures.append(f"{where}: rows changed")
    assert forms_seen > 30
    assert not failures, "\n".join(failures)


MAIN_FORMS = [
    ("customers:create", {}, lambda w: {"kind": "person", "last_name": "Lin"}, "notes"),
    ("vehicles:create", {}, lambda w: {"vin": "WBA11AA010K000004"}, "plate"),
    (
        "workorders:new",
        {},
        lambda w: {"customer": w["customer"].pk, "vehicle": w["vehicle"].pk, "mileage": 13200},
        "concerns",
    ),
    ("servicebook:new_service", {"vin": "vin"}, lambda w: {"mileage": 20000}, "description"),
    ("appointments:new", {}, lambda w: {"customer": w["customer"].pk}, "notes"),
]


@pytest.mark.django_db
@pytest.mark.parametrize("route,kwargs,data,field", MAIN_FORMS)
@pytest.mark.parametrize("text", [NUL, TOO_LONG], ids=["NUL", "oversize"])
def test_the_main_forms_show_edge_text_at_its_field(
    other_world, web_client, route, kwargs, data, field, text
):
    values = route_values(other_world)
    url = reverse(route, kwargs={k: values[v] for k, v in kwargs.items()})
    before = row_counts()

    response = web_client.post(url, {**data(other_world), field: text})

    assert response.status_code in (200, 400)
    [form] = [f for f in forms_on(response) if field in f.fields]
    assert form.errors[field]
    assert row_counts() == before


def form_classes() -> list[tuple[str, Any]]:
    """(dotted name, class) of every form and filter set of the project's modules."""
    found = []
    for info in pkgutil.walk_packages(servicelane.__path__, "servicelane."):
        if not info.name.endswith(("forms", "views", "filters")) or ".tests" in info.name:
            continue
        module = importlib.import_module(info.name)
        for name, cls in vars(module).items():
            if (
                isinstance(cls, type)
                and cls.__module__ == module.__name__
                and issubclass(cls, (BaseForm, django_filters.FilterSet))
            ):
                found.append((f"{module.__name__}.{name}", cls))
    return found


def fields_of(cls: Any) -> list[tuple[str, Any]]:
    if issubclass(cls, django_filters.FilterSet):
        return [(name, f.field) for name, f in cls.base_filters.items()]
    return list(cls.base_fields.items())


# The board's hidden day is checked in the form's clean(), shown at the start time.
DATES_CHECKED_ELSEWHERE = {"servicelane.control.board.forms.ReassignForm.date"}


def test_every_date_a_form_takes_lies_in_the_business_range():
    unchecked = [
        f"{name}.{field_name}"
        for name, cls in form_classes()
        for field_name, field in fields_of(cls)
        if isinstance(field, (forms.DateField, forms.DateTimeField))
        and validate_sane_date not in field.validators
        and f"{name}.{field_name}" not in DATES_CHECKED_ELSEWHERE
    ]

    assert not unchecked, "dates without validate_sane_date:\n" + "\n".join(unchecked)


def test_every_text_a_form_takes_has_a_length_limit():
    unlimited = [
        f"{name}.{field_name}"
        for name, cls in form_classes()
        if issubclass(cls, BaseForm)
        for field_name, field in fields_of(cls)
        if isinstance(field, forms.CharField) and field.max_length is None
    ]

    assert not unlimited, "text without max_length:\n" + "\n".join(unlimited)


# ------------------------------------------------------------------ the rules' edges

ZONES = ["Pacific/Kiritimati", "Etc/GMT+12", "Asia/Shanghai", "Europe/Berlin", "UTC"]


@settings(max_examples=300, deadline=None)
@given(
    moment=st.datetimes(min_value=dt.datetime(1, 1, 2), max_value=dt.datetime(9999, 12, 30)),
    offset_minutes=st.integers(min_value=-12 * 60, max_value=14 * 60),
    zone=st.sampled_from(ZONES),
)
def test_a_time_the_api_accepts_can_be_shown_in_any_workshops_zone(moment, offset_minutes, zone):
    offset = dt.timezone(dt.timedelta(minutes=offset_minutes))
    adapter = TypeAdapter(SaneDateTime)
    try:
        accepted = adapter.validate_python(moment.replace(tzinfo=offset).isoformat())
    except PydanticValidationError:
        assert not 2000 <= moment.year <= 2100
        return

    local = accepted.astimezone(ZoneInfo(zone))
    assert 1999 <= local.year <= 2101
    assert local + dt.timedelta(days=366) > local  # a year of arithmetic still fits


@settings(max_examples=200)
@given(st.integers(min_value=-(2**70), max_value=2**70))
def test_an_id_names_a_record_only_within_64_bits(number):
    fits = -MAX_DB_ID <= number <= MAX_DB_ID

    assert can_name_a_record(number) == fits
    assert can_name_a_record(str(number)) == fits


@settings(max_examples=300)
@given(st.text(alphabet=st.characters(codec=None, blacklist_categories=()), max_size=20))
def test_text_is_refused_exactly_when_no_column_could_hold_it(text):
    storable = "\x00" not in text and not any(0xD800 <= ord(c) <= 0xDFFF for c in text)

    assert (text_problem(text) is None) == storable


@pytest.mark.django_db
@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(page=st.one_of(st.integers(min_value=-5, max_value=5), st.integers(), st.just(MAX_PAGE)))
def test_a_page_is_a_list_or_a_400_naming_page(api, page):
    response = api.get("/api/v1/customers", {"page": page})

    if 1 <= page <= MAX_PAGE:
        assert response.status_code == 200
    else:
        assert response.status_code == 400
        assert list(response.json()["errors"]) == ["page"]
