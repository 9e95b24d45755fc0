"""The published OpenAPI document: what ninja generates, with the time zone of every
date and time said where the field is described."""

from typing import Any

from ninja import NinjaAPI
from ninja.openapi.schema import OpenAPISchema

# JSON Schema's "time" is RFC 3339's full-time, which carries an offset; a workshop's
# time of day has none. Such a field is documented as RFC 3339's partial-time, with
# the pattern a validator can check.
PARTIAL_TIME = "partial-time"
PARTIAL_TIME_PATTERN = r"^([01][0-9]|2[0-3]):[0-5][0-9](:[0-5][0-9](\.[0-9]{1,6})?)?$"


# What a value of each format carries. Instants are stored in UTC and sent as ISO 8601
# with their offset; calendar days and times of day are the workshop's own (its time zone).
ZONE_NOTES = {
    "date-time": (
        "An instant: ISO 8601 date and time with its offset from UTC (stored in UTC and "
        "mostly sent as Z; read the offset rather than assume it)."
    ),
    "date": "A calendar date (YYYY-MM-DD), local to the workshop.",
    "time": "A time of day (HH:MM[:SS]) without offset, local to the workshop.",
    PARTIAL_TIME: "A time of day (HH:MM[:SS]) without offset, local to the workshop.",
}
# A description that already names the zone is left as it is.
ZONE_WORDS = ("utc", "local", "zone", "offset")


def _time_format(node: dict[str, Any]) -> str | None:
    # A field such as ``date | None`` is an anyOf of the format and null.
    formats = {node.get("format")} | {
        member.get("format")
        for key in ("anyOf", "oneOf")
        for member in node.get(key, [])
        if isinstance(member, dict)
    }
    found = [f for f in formats if isinstance(f, str) and f in ZONE_NOTES]
    return found[0] if len(found) == 1 else None


def _as_partial_time(node: dict[str, Any]) -> None:
    for schema in [node, *node.get("anyOf", []), *node.get("oneOf", [])]:
        if isinstance(schema, dict) and schema.get("format") == "time":
            schema["format"] = PARTIAL_TIME
            schema["pattern"] = PARTIAL_TIME_PATTERN


def describe_zone(node: Any) -> None:
    """Add the zone note to every schema (property, parameter, item) of a time format."""
    if isinstance(node, dict):
        _as_partial_time(node)
        time_format = _time_format(node)
        if time_format:
            note = ZONE_NOTES[time_format]
            description = str(node.get("description", "")).strip()
            if not description:
                node["description"] = note
            elif not any(word in description.lower() for word in ZONE_WORDS):
                node["description"] = f"{description.rstrip('.')}. {note}"
            return
        for value in node.values():
            describe_zone(value)
    elif isinstance(node, list):
        for value in node:
            describe_zone(value)


def _copy_description_to_parameters(schema: dict[str, Any]) -> None:
    # A parameter shows its own description, not its schema's: keep them the same.
    for operations in schema.get("paths", {}).values():
        for operation in operations.values():
            for parameter in operation.get("parameters", []):
                inner = parameter.get("schema", {})
                if "description" in inner:
                    parameter["description"] = inner["description"]


class DocumentedAPI(NinjaAPI):
    """A NinjaAPI whose document says the zone of every date and time."""

    def get_openapi_schema(
        self, *, path_prefix: str | None = None, path_params: dict[str, Any] | None = None
    ) -> OpenAPISchema:
        schema = super().get_openapi_schema(path_prefix=path_prefix, path_params=path_params)
        describe_zone(schema.get("paths", {}))
        describe_zone(schema.get("components", {}).get("schemas", {}))
        _copy_description_to_parameters(schema)
        return schema
