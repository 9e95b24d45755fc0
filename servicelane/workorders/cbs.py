"""Condition Based Service data as a key reader or the car delivers it (docs/cbs.md).

    {"vin": "WBA...", "read_at": "2026-11-23T08:10:00Z", "mileage": 48210,
     "items": [{"code": "engine_oil", "description": "Engine oil",
                "due_date": "2027-03-01", "due_km": 55000, "status": "ok"}]}

``vin``, ``read_at`` and ``mileage`` are optional; every item needs a code, a
description and at least one of ``due_date`` / ``due_km``. ``status`` is one of
ok, due_soon, overdue; when missing it is derived from the due date and km.
"""

import datetime as dt
import json
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from servicelane.workorders.choices import CbsStatus
from servicelane.workorders.models import CbsItem, RepairOrder

MAX_ITEMS = 50
# Items due within this many days or km count as due soon.
SOON_DAYS = 30
SOON_KM = 2000
MAX_KM = 2_000_000


@dataclass(frozen=True)
class ParsedItem:
    code: str
    description: str
    due_date: dt.date | None
    due_km: int | None
    status: str

    def save_for(self, repair_order: RepairOrder) -> CbsItem:
        return CbsItem.objects.create(
            repair_order=repair_order,
            code=self.code,
            description=self.description,
            due_date=self.due_date,
            due_km=self.due_km,
            status=self.status,
        )


def _status(due_date: dt.date | None, due_km: int | None, today: dt.date, mileage: int) -> str:
    if (due_date and due_date < today) or (due_km is not None and due_km < mileage):
        return CbsStatus.OVERDUE
    if (due_date and (due_date - today).days <= SOON_DAYS) or (
        due_km is not None and due_km - mileage <= SOON_KM
    ):
        return CbsStatus.DUE_SOON
    return CbsStatus.OK


def _item(raw: Any, n: int, today: dt.date, mileage: int) -> ParsedItem:
    where = _("Item %(n)s") % {"n": n}
    if not isinstance(raw, dict):
        raise ValidationError({"items": [_("%(where)s is not an object.") % {"where": where}]})
    code = str(raw.get("code") or "").strip().lower()
    description = str(raw.get("description") or "").strip()
    if not code or not description:
        raise ValidationError(
            {"items": [_("%(where)s needs a code and a description.") % {"where": where}]}
        )
    due_date = None
    if raw.get("due_date") not in (None, ""):
        try:
            due_date = dt.date.fromisoformat(str(raw["due_date"]))
        except ValueError:
            raise ValidationError(
                {
                    "items": [
                        _("%(where)s: due_date must be a date like 2027-03-01.") % {"where": where}
                    ]
                }
            ) from None
    due_km = None
    if raw.get("due_km") not in (None, ""):
        value = raw["due_km"]
        if not isinstance(value, int) or isinstance(value, bool) or not 0 <= value <= MAX_KM:
            raise ValidationError(
                {"items": [_("%(where)s: due_km must be a whole number of km.") % {"where": where}]}
            )
        due_km = value
    if due_date is None and due_km is None:
        raise ValidationError(
            {"items": [_("%(where)s needs a due date or a due mileage.") % {"where": where}]}
        )
    status = str(raw.get("status") or "").strip().lower()
    if status and status not in CbsStatus.values:
        raise ValidationError(
            {
                "items": [
                    _("%(where)s: unknown status “%(status)s”.")
                    % {"where": where, "status": status}
                ]
            }
        )
    return ParsedItem(
        code=code[:30],
        description=description[:200],
        due_date=due_date,
        due_km=due_km,
        status=status or _status(due_date, due_km, today, mileage),
    )


def parse(data: Any, *, today: dt.date, mileage: int) -> list[ParsedItem]:
    """The items of a CBS document (JSON text, bytes or already decoded); refuses the whole
    document when anything in it is malformed."""
    if isinstance(data, bytes):
        data = data.decode("utf-8", errors="replace")
    if isinstance(data, str):
        try:
            data = json.loads(data)
        except ValueError:
            raise ValidationError({"data": [_("This is not valid JSON.")]}) from None
    if not isinstance(data, dict) or not isinstance(data.get("items"), list):
        raise ValidationError({"data": [_("Expected an object with a list of items.")]})
    items = data["items"]
    if not items:
        raise ValidationError({"items": [_("The document lists no items.")]})
    if len(items) > MAX_ITEMS:
        raise ValidationError({"items": [_("At most %(n)s items.") % {"n": MAX_ITEMS}]})
    return [_item(raw, n, today, mileage) for n, raw in enumerate(items, start=1)]
