"""The API's field errors in the reader's language.

Pydantic words its errors in English; the API answers people in theirs. Each error
type Pydantic reports for the schemas we write gets a sentence of our own, filled
from the error's context (the limit, the choices). Errors our own validators raise
are already translated and pass through; a type not listed keeps Pydantic's words.
"""

from collections.abc import Callable
from typing import Any

from django.utils.translation import gettext as _


def _limit(key: str) -> Callable[[dict[str, Any]], dict[str, Any]]:
    return lambda ctx: {"limit": ctx.get(key, "")}


# error type → (message, how its placeholders are filled from the error's context)
_MESSAGES: dict[str, tuple[Callable[[], str], Callable[[dict[str, Any]], dict[str, Any]]]] = {}


def _register(types: tuple[str, ...], message: Callable[[], str], fill=lambda ctx: {}) -> None:
    for kind in types:
        _MESSAGES[kind] = (message, fill)


_register(("missing",), lambda: _("This field is required."))
_register(
    ("int_parsing", "int_type", "int_from_float", "int_parsing_size"),
    lambda: _("Enter a whole number."),
)
_register(
    ("float_parsing", "float_type", "decimal_parsing", "decimal_type", "finite_number"),
    lambda: _("Enter a number."),
)
_register(("bool_parsing", "bool_type"), lambda: _("Enter true or false."))
_register(("string_type", "string_unicode"), lambda: _("Enter a text."))
_register(
    ("string_too_long",),
    lambda: _("Enter at most %(limit)s characters."),
    _limit("max_length"),
)
_register(
    ("string_too_short",),
    lambda: _("Enter at least %(limit)s characters."),
    _limit("min_length"),
)
_register(("too_long",), lambda: _("Send at most %(limit)s items."), _limit("max_length"))
_register(("too_short",), lambda: _("Send at least %(limit)s items."), _limit("min_length"))
_register(("greater_than_equal",), lambda: _("Enter at least %(limit)s."), _limit("ge"))
_register(("greater_than",), lambda: _("Enter more than %(limit)s."), _limit("gt"))
_register(("less_than_equal",), lambda: _("Enter at most %(limit)s."), _limit("le"))
_register(("less_than",), lambda: _("Enter less than %(limit)s."), _limit("lt"))
_register(
    ("date_parsing", "date_type", "date_from_datetime_parsing", "date_from_datetime_inexact"),
    lambda: _("Enter a date as YYYY-MM-DD."),
)
_register(
    ("datetime_parsing", "datetime_type", "datetime_from_date_parsing", "datetime_object_invalid"),
    lambda: _("Enter a date and time as YYYY-MM-DDTHH:MM with its offset, e.g. +01:00."),
)
_register(("time_parsing", "time_type"), lambda: _("Enter a time of day as HH:MM."))
_register(
    ("enum", "literal_error"),
    lambda: _("Choose one of: %(choices)s."),
    lambda ctx: {"choices": ctx.get("expected", "")},
)
_register(("list_type", "tuple_type", "set_type"), lambda: _("Send a list."))
_register(("dict_type", "model_type", "model_attributes_type"), lambda: _("Send a JSON object."))
_register(("json_invalid", "json_type"), lambda: _("Send valid JSON."))
_register(("string_pattern_mismatch",), lambda: _("This value does not have the expected form."))
_register(("uuid_parsing", "uuid_type"), lambda: _("Enter a valid identifier."))


def schema_error_message(error: dict[str, Any]) -> str:
    """One Pydantic error as a sentence in the active language."""
    kind = error.get("type", "")
    if kind in _MESSAGES:
        message, fill = _MESSAGES[kind]
        return message() % fill(error.get("ctx") or {})
    text = str(error.get("msg", "")) or _("Invalid value.")
    # Our own validators raise ValueError with a translated sentence.
    return text.removeprefix("Value error, ").removeprefix("Assertion failed, ")
