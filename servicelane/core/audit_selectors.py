"""Reading the audit trail in words a person understands."""

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.db import models
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from servicelane.core.models import AuditEntry

ACTION_LABELS = {
    "created": gettext_lazy("Created"),
    "updated": gettext_lazy("Changed"),
    "linked": gettext_lazy("Linked to this workshop"),
    "owner_changed": gettext_lazy("Owner changed"),
    "mileage_recorded": gettext_lazy("Mileage recorded"),
}


@dataclass(frozen=True)
class AuditRow:
    at: datetime
    actor: Any
    action: str
    changes: list[tuple[str, str, str]]
    is_creation: bool


def _display(field: models.Field | None, value: Any, names: dict[int, str]) -> str:
    if value in (None, ""):
        return "—"
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    if field is not None and field.choices:
        return str(dict(field.flatchoices).get(value, value))
    if isinstance(value, int) and value in names:
        return names[value]
    return str(value)


def audit_trail_for(
    target: models.Model,
    *,
    workshop_ids: Any = None,
    names: dict[int, str] | None = None,
    limit: int = 20,
) -> list[AuditRow]:
    """The change history of one record, newest first, with labels and readable values.

    ``workshop_ids`` limits it to entries the viewer's workshops made; ``names``
    turns record ids (an owner) into names the viewer may see.
    """
    entries = AuditEntry.objects.filter(
        target_type=target._meta.label_lower, target_id=str(target.pk)
    ).select_related("actor")
    if workshop_ids is not None:
        entries = entries.filter(workshop_id__in=workshop_ids)
    fields = {f.name: f for f in target._meta.get_fields() if isinstance(f, models.Field)}
    rows = []
    for entry in entries[:limit]:
        changes = []
        for name, change in entry.changes.items():
            before, after = change if isinstance(change, list) else (None, change)
            if before in (None, "", False) and after in (None, "", False):
                continue  # an empty field at creation says nothing
            field = fields.get(name)
            label = str(field.verbose_name if field is not None else EXTRA_LABELS.get(name, name))
            changes.append(
                (label, _display(field, before, names or {}), _display(field, after, names or {}))
            )
        rows.append(
            AuditRow(
                at=entry.at,
                actor=entry.actor,
                action=str(ACTION_LABELS.get(entry.action, entry.action)),
                changes=changes,
                is_creation=entry.action == "created",
            )
        )
    return rows


# Entries about a record may name values that are not fields of it.
EXTRA_LABELS = {
    "owner": gettext_lazy("owner"),
    "km": gettext_lazy("mileage (km)"),
    "read_on": gettext_lazy("date"),
    "flagged": gettext_lazy("lower than an earlier reading"),
}
