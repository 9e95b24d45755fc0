"""The published OpenAPI document describes what the API really takes and sends.

ninja names a schema component after its Python class and, when two classes share a
name, silently keeps whichever it met last: the document then describes the wrong
fields for one of them. These tests walk the routers' operations for the classes they
use and compare them with the document."""

import enum
import typing
from collections import defaultdict
from collections.abc import Iterator
from typing import Any

import pytest
from pydantic import BaseModel

from servicelane.api import api

REF = "#/components/schemas/"
VALIDATION, SERIALIZATION = "validation", "serialization"


def operations() -> Iterator[Any]:
    for router in api._get_bound_routers():
        for path_view in router.path_operations.values():
            for operation in path_view.operations:
                if operation.include_in_schema:
                    yield operation


def _walk(annotation: Any, mode: str, found: dict[type, set[str]]) -> None:
    if typing.get_origin(annotation) is not None:
        for argument in typing.get_args(annotation):
            _walk(argument, mode, found)
        return
    if not isinstance(annotation, type):
        return
    if issubclass(annotation, enum.Enum):
        found[annotation].add(mode)
    elif issubclass(annotation, BaseModel):
        if mode in found[annotation]:
            return
        found[annotation].add(mode)
        for field in annotation.model_fields.values():
            _walk(field.annotation, mode, found)
        if mode == SERIALIZATION:
            for computed in annotation.model_computed_fields.values():
                _walk(computed.return_type, mode, found)


def component_classes() -> dict[type, set[str]]:
    """Every class that becomes a component, with the modes (request, response) it is
    used in. Operations wrap their parameters and responses in generated models
    (PathParams, BodyParams, NinjaResponseSchema) that are inlined, not components:
    their fields are where the components start."""
    found: dict[type, set[str]] = defaultdict(set)
    for operation in operations():
        for params in operation.models:
            for field in params.model_fields.values():
                _walk(field.annotation, VALIDATION, found)
        for response in operation.response_models.values():
            if isinstance(response, type) and issubclass(response, BaseModel):
                for field in response.model_fields.values():
                    _walk(field.annotation, SERIALIZATION, found)
    return found


@pytest.fixture(scope="module")
def document() -> dict[str, Any]:
    return api.get_openapi_schema()


def test_no_two_classes_share_a_component_name(document):
    by_name: dict[str, list[str]] = defaultdict(list)
    for cls in component_classes():
        by_name[cls.__name__].append(f"{cls.__module__}.{cls.__qualname__}")
    shared = {name: sorted(where) for name, where in by_name.items() if len(where) > 1}
    assert shared == {}, "rename one of the classes: the document shows only one of them"


def test_every_component_comes_from_a_class_the_operations_use(document):
    names = {cls.__name__ for cls in component_classes()}
    assert set(document["components"]["schemas"]) == names


def _expected_properties(cls: type[BaseModel], mode: str) -> set[str]:
    names = set()
    for name, field in cls.model_fields.items():
        if mode == VALIDATION:
            alias = field.validation_alias if isinstance(field.validation_alias, str) else None
            names.add(alias or field.alias or name)
        else:
            # Responses are written with the field names (ninja's by_alias is off).
            names.add(name)
    if mode == SERIALIZATION:
        names |= set(cls.model_computed_fields)
    return names


def test_each_component_has_the_fields_of_its_class(document):
    schemas = document["components"]["schemas"]
    wrong = {}
    for cls, modes in component_classes().items():
        component = schemas[cls.__name__]
        for mode in modes:
            if issubclass(cls, enum.Enum):
                expected: Any = sorted(str(member.value) for member in cls)
                actual: Any = sorted(str(value) for value in component.get("enum", []))
            else:
                expected = sorted(_expected_properties(cls, mode))
                actual = sorted(component.get("properties", {}))
            if expected != actual:
                wrong[f"{cls.__module__}.{cls.__qualname__} ({mode})"] = (expected, actual)
    assert wrong == {}


def _documented(document: dict[str, Any]) -> Iterator[tuple[str, dict[str, Any]]]:
    for path, methods in document["paths"].items():
        for method, operation in methods.items():
            yield f"{method.upper()} {path}", operation


def test_every_authenticated_operation_documents_401(document):
    missing = [
        name
        for name, operation in _documented(document)
        if operation.get("security") and "401" not in map(str, operation["responses"])
    ]
    assert missing == []


def test_every_client_error_is_documented_with_the_error_shape(document):
    schemas = document["components"]["schemas"]
    assert set(schemas["ErrorOut"]["properties"]) == {"detail", "errors"}
    wrong = []
    for name, operation in _documented(document):
        for status, response in operation["responses"].items():
            if not 400 <= int(status) < 500:
                continue
            schema = response.get("content", {}).get("application/json", {}).get("schema", {})
            ref = schema.get("$ref", "")
            shape = schemas.get(ref.removeprefix(REF), {})
            if not {"detail", "errors"} <= set(shape.get("properties", {})):
                wrong.append(f"{name} {status}")
    assert wrong == []


def test_the_token_endpoint_documents_the_lockout(document):
    responses = document["paths"]["/api/v1/auth/token"]["post"]["responses"]
    assert "429" in map(str, responses)


def test_dates_and_times_say_what_they_carry(document):
    """Every date, time and date-time names its zone: instants with their offset from
    UTC, calendar days and times of day the workshop's. A time of day has no offset, so
    it is not JSON Schema's "time" (which needs one) but a partial-time with a pattern."""
    undescribed, full_time = [], []

    def visit(node: Any, where: str) -> None:
        if isinstance(node, dict):
            members = [node, *[m for m in node.get("anyOf", []) if isinstance(m, dict)]]
            formats = {m.get("format") for m in members}
            if "time" in formats:
                full_time.append(where)
            if formats & {"date", "partial-time", "date-time"}:
                text = str(node.get("description", "")).lower()
                if not any(word in text for word in ("utc", "local", "zone", "offset")):
                    undescribed.append(where)
                return
            for key, value in node.items():
                visit(value, f"{where}.{key}")
        elif isinstance(node, list):
            for index, value in enumerate(node):
                visit(value, f"{where}[{index}]")

    visit(document["components"]["schemas"], "components")
    visit(document["paths"], "paths")
    assert (undescribed, full_time) == ([], [])
    presence = document["components"]["schemas"]["PresenceOut"]["properties"]
    assert presence["shift_starts_at"]["anyOf"][0]["format"] == "partial-time"
    assert (
        document["components"]["schemas"]["AttendanceDayOut"]["properties"]["date"]["format"]
        == "date"
    )


def test_a_time_of_day_matches_its_pattern():
    import re

    from servicelane.core.openapi import PARTIAL_TIME_PATTERN

    for sent in ("20:45:00", "09:00", "23:59:59.250000"):
        assert re.match(PARTIAL_TIME_PATTERN, sent), sent
    for wrong in ("24:00:00", "20:45:00+01:00", "20:45Z", "9:00"):
        assert not re.match(PARTIAL_TIME_PATTERN, wrong), wrong


@pytest.mark.django_db
def test_an_api_address_no_operation_answers_is_a_json_404():
    """An id that is not a number (the path converter refuses it) or a path that does
    not exist answers like every other API error, never with an HTML page; a DELETE or
    POST there is not refused for a missing CSRF cookie either."""
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    client.cookies["sessionid"] = "anything"
    for method, path in [
        ("get", "/api/v1/repair-orders/null,null"),
        ("delete", "/api/v1/jobs/abc"),
        ("post", "/api/v1/jobs/1.5/assign"),
        ("get", "/api/v2/customers"),
    ]:
        response = getattr(client, method)(path)
        assert response.status_code == 404, path
        assert response["Content-Type"] == "application/json", path
        assert set(response.json()) == {"detail", "errors"}, path
