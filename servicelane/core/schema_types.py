"""The shapes of what people and programs send, in one place: text with a length limit,
ids a row can have, days and times of the business calendar.

Every input schema of the API uses these types instead of bare ``str``/``int``/``date``
(a field at the edge of its type is then a 400 with the field, never a failure further
down); the web forms use the same limits (``SHORT_TEXT``/``LONG_TEXT``) and validators.

Text that no database column can hold — a NUL character, a lone UTF-16 surrogate — is
refused before any schema sees it (``servicelane.core.middleware.InputEdgeMiddleware``);
``text_problem`` is the rule it applies.
"""

import datetime as dt
from typing import Annotated, Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from pydantic import AfterValidator, Field, StringConstraints

from servicelane.core.dates import SaneDate, SaneDateTime, is_sane_date

# --------------------------------------------------------------------------- text

NAME_TEXT = 200  # a name, a title, a reference, a reason in a line
SHORT_TEXT = 200
LONG_TEXT = 5000  # notes, complaints, descriptions: a page of text
CODE_TEXT = 40  # codes and numbers: workshop codes, part numbers, VINs, plates
URL_TEXT = 2000  # a link back ("next")
DOCUMENT_TEXT = 100_000  # a document pasted whole (a CBS read-out)


# An e-mail address: at most 254 characters (RFC 5321), what the column holds.
EmailText = Annotated[str, StringConstraints(max_length=254)]


ShortText = Annotated[str, StringConstraints(max_length=SHORT_TEXT)]
LongText = Annotated[str, StringConstraints(max_length=LONG_TEXT)]
CodeText = Annotated[str, StringConstraints(max_length=CODE_TEXT)]
Password = Annotated[str, StringConstraints(max_length=4096)]


def text_problem(value: str) -> str | None:
    """Why ``value`` cannot be stored as text (a NUL, a lone surrogate), or None."""
    if "\x00" in value:
        return _("Null characters are not allowed.")
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        return _("This text contains characters that are not allowed.")
    return None


# ---------------------------------------------------------------------------- ids

# No list has this many pages; a page beyond it would overflow the database's offset.
MAX_PAGE = 10**9
# A page of a list: 1 to MAX_PAGE; 0, -1 or 10^23 are a 400 naming ``page``.
PageNumber = Annotated[int, Field(ge=1, le=MAX_PAGE)]

# The largest id a database row can have (a signed 64-bit integer).
MAX_DB_ID = 2**63 - 1
# The largest whole number any field takes: what a 64-bit column holds.
MAX_INT = 2**63 - 1


def _db_id(value: int) -> int:
    if not -MAX_DB_ID <= value <= MAX_DB_ID:
        raise ValueError(_("No record has this id."))
    return value


# An id named in a body or query: a number no row can have is refused as a field error
# (400) before it reaches the database, whose integers it would overflow.
DbId = Annotated[int, AfterValidator(_db_id)]


# -------------------------------------------------------------------------- times


def _local_time(value: dt.time) -> dt.time:
    if value.tzinfo is not None:
        raise ValueError(_("Give the time without an offset: it is the workshop's local time."))
    return value


# A time of day in the workshop's zone ("10:00"); "10:00+02:00" is refused, since a time
# without a day has no offset that could be converted.
LocalTime = Annotated[dt.time, AfterValidator(_local_time)]


def _utc(value: dt.datetime) -> dt.datetime:
    return value.astimezone(dt.UTC) if value.tzinfo is not None else value


# Every time leaves the API in UTC, whatever zone it was handed in.
UtcDateTime = Annotated[dt.datetime, AfterValidator(_utc)]


def validate_text(value: Any) -> None:
    """A form field's validator refusing text no column can hold."""
    if isinstance(value, str):
        problem = text_problem(value)
        if problem:
            raise ValidationError(problem, code="text")


__all__ = [
    "CODE_TEXT",
    "DOCUMENT_TEXT",
    "LONG_TEXT",
    "MAX_DB_ID",
    "MAX_PAGE",
    "NAME_TEXT",
    "SHORT_TEXT",
    "URL_TEXT",
    "CodeText",
    "DbId",
    "EmailText",
    "LocalTime",
    "LongText",
    "PageNumber",
    "Password",
    "SaneDate",
    "SaneDateTime",
    "ShortText",
    "UtcDateTime",
    "is_sane_date",
    "text_problem",
    "validate_text",
]
