"""The range of dates the app takes from people: days, weeks and times between the years
2000 and 2100. Anything further out is a typing slip (9999-12-31, 0001-01-01), and a day
next to the calendar's ends breaks the arithmetic of local days and time zones.

One rule for every entry point: ``SaneDate``/``SaneDateTime`` in API schemas (a 400 with
the field), ``validate_sane_date`` on form fields (an inline error), ``check_date`` in
services (a ``ValidationError`` by field) and ``is_sane_date`` where a page falls back to
today.
"""

import datetime as dt
from typing import Annotated, Any, overload

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from pydantic import AfterValidator

EARLIEST = dt.date(2000, 1, 1)
LATEST = dt.date(2100, 12, 31)


@overload
def local_if_naive(moment: dt.datetime, zone: dt.tzinfo) -> dt.datetime: ...
@overload
def local_if_naive(moment: dt.datetime | None, zone: dt.tzinfo) -> dt.datetime | None: ...


def local_if_naive(moment: dt.datetime | None, zone: dt.tzinfo) -> dt.datetime | None:
    """A time sent without offset is local time in ``zone`` (the workshop's); none stays
    none."""
    if moment is not None and moment.tzinfo is None:
        return moment.replace(tzinfo=zone)
    return moment


def _as_date(value: dt.date | dt.datetime) -> dt.date:
    return value.date() if isinstance(value, dt.datetime) else value


def is_sane_date(value: dt.date | dt.datetime | None) -> bool:
    """Whether the day (of a time: its own calendar day) lies between 2000 and 2100."""
    return value is None or EARLIEST <= _as_date(value) <= LATEST


def date_range_message() -> str:
    return _("Choose a date between %(earliest)s and %(latest)s.") % {
        "earliest": EARLIEST.isoformat(),
        "latest": LATEST.isoformat(),
    }


def check_date(value: dt.date | dt.datetime | None, field: str = "date") -> None:
    """Refuse a day outside the range as an error of ``field``."""
    if not is_sane_date(value):
        raise ValidationError({field: [date_range_message()]})


def validate_sane_date(value: dt.date | dt.datetime | None) -> None:
    """A form field's validator: ``validators=[validate_sane_date]``."""
    if not is_sane_date(value):
        raise ValidationError(date_range_message(), code="date_range")


def _sane(value: Any) -> Any:
    if not is_sane_date(value):
        raise ValueError(date_range_message())
    return value


SaneDate = Annotated[dt.date, AfterValidator(_sane)]
SaneDateTime = Annotated[dt.datetime, AfterValidator(_sane)]
