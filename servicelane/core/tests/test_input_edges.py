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
import json
import os
from typing import Any

import pytest
from django.apps import apps
from django.db import connection
from django.test import Client
from django.utils import timezone

from conftest import bearer_client
from servicelane.api import api
from servicelane.core.choices import NetworkRole, WorkshopRole
from servicelane.core.schema_types import LONG_TEXT
from servicelane.core.tests.factories import member, network_staff
from tests.test_tenant_isolation import (  # noqa: F401 - fixtures
    beijing_repair_orders,
    other_world,
    route_values,
    ui_routes,
)

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
        fmt = schema.get("format")
        if kind == "object":
            return {name: self.example(prop) for name, prop in schema.get("properties", {}).items()}
        if kind == "array":
            return [self.example(schema.get("items", {}))]
        if kind == "integer":
            return max(1, schema.get("minimum", 1))
        if kind == "number":
            return 1
        if kind == "boolean":
            return True
        if fmt == "date":
            return (dt.date.today() + dt.timedelta(days=1)).isoformat()
        if fmt == "date-time":
            return (timezone.now() + dt.timedelta(days=1)).replace(microsecond=0).isoformat()
        if fmt == "time":
            return "10:00"
        if fmt == "email":
            return "someone@example.org"
        return "x"

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


def variants(schema: Schema, operation: dict[str, Any], values: dict[str, Any]):
    """(label, url parameters, query, body) of each request sent to one operation."""
    params = operation.get("parameters", [])
    path_values = {
        p["name"]: values.get(p["name"], 1 if schema.kind(p["schema"])[0] == "integer" else "x")
        for p in params
        if p["in"] == "path"
    }
    query = [p for p in params if p["in"] == "query"]

    for p in params:
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
    texts = [p["name"] for p in query if schema.kind(p["schema"]) == ("string", None)]
    if texts:
        yield "query oversize text", path_values, dict.fromkeys(texts, TOO_LONG), None

    content = operation.get("requestBody", {}).get("content", {})
    if "application/json" in content:
        body_schema = content["application/json"]["schema"]
        body = schema.example(body_schema)
        leaves = schema.leaves(body_schema, body)
        for wrong in WRONG_BODIES:
            yield f"body {wrong}", path_values, {}, ("raw", wrong)
        yield "body NUL", path_values, {}, every_text(body, leaves, NUL)
        yield "body surrogate", path_values, {}, every_text(body, leaves, SURROGATE)
        yield "body oversize text", path_values, {}, every_text(body, leaves, TOO_LONG)
        yield "body NaN", path_values, {}, ("raw", json.dumps(body)[:-1] + ', "x": NaN}')
        for path, kind, fmt in leaves:
            name = ".".join(map(str, path)) or "body"
            if not path:
                continue
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
            if fmt == "time":
                yield f"body {name}=offset", path_values, {}, replaced(body, path, "10:00+02:00")
    if "multipart/form-data" in content:
        yield "multipart without boundary", path_values, {}, ("multipart", b"--x\r\n")
        yield "multipart cut short", path_values, {}, ("cut", b"--B\r\nContent-Disposition")


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
            or node.get("format") in ("date", "date-time", "time", "binary")
        ):
            unlimited.append(where)

    for method, path, operation in schema.operations():
        for p in operation.get("parameters", []):
            if p["in"] == "query":
                check(f"{method} {path} ?{p['name']}", p["schema"])
        for content in operation.get("requestBody", {}).get("content", {}).values():
            check(f"{method} {path} body", content["schema"])

    assert not unlimited, "text without maxLength:\n" + "\n".join(sorted(set(unlimited)))
