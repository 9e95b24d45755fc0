"""The inspection: a checklist run recorded, its amber and red points as recommended jobs."""

from collections.abc import Mapping
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import translation
from django.utils.translation import gettext as _

from servicelane.core.models import User
from servicelane.core.permissions import Perm
from servicelane.workorders.choices import (
    INSPECTION_KINDS,
    EventKind,
    JobSource,
    Rating,
    ROStatus,
)
from servicelane.workorders.jobs import new_job
from servicelane.workorders.models import (
    ChecklistTemplate,
    Inspection,
    InspectionResult,
    LabourOperation,
    RepairOrder,
)
from servicelane.workorders.orders import add_event, locked, move, refuse_if_closed, require


@transaction.atomic
def inspection_record(
    *,
    actor: User,
    repair_order: RepairOrder,
    template: ChecklistTemplate,
    results: Mapping[int, Mapping[str, Any]],
) -> Inspection:
    """Record a checklist run: every point rated green, amber or red (amber and red with a
    note). Amber and red points become recommended jobs, priced from the point's operation."""
    repair_order = locked(repair_order)
    require(actor, Perm.INSPECTION_RECORD, repair_order.workshop_id)
    refuse_if_closed(repair_order)
    if (
        template.network_id != repair_order.workshop.network_id
        or template.kind not in INSPECTION_KINDS
    ):
        raise ValidationError({"template": [_("Unknown checklist.")]})
    points = list(template.points.all())
    errors: dict[str, list[str]] = {}
    photo_ids = {str(p) for p in repair_order.photos.values_list("pk", flat=True)}
    for point in points:
        answer = results.get(point.pk) or results.get(str(point.pk)) or {}
        if not isinstance(answer, Mapping):
            answer = {}  # not the shape we read: the point counts as unrated
        rating = answer.get("rating")
        if rating not in Rating.values:
            errors[f"point_{point.pk}"] = [_("Rate this point.")]
        elif rating != Rating.GREEN and not str(answer.get("note", "")).strip():
            errors[f"point_{point.pk}"] = [_("Say what was found.")]
        photo = answer.get("photo")
        if photo and str(photo) not in photo_ids:
            errors[f"point_{point.pk}"] = [_("Unknown photo.")]
    if errors:
        raise ValidationError(errors)
    if repair_order.status == ROStatus.CHECKED_IN:
        move(repair_order, ROStatus.INSPECTION, actor)
    inspection = Inspection.objects.create(
        repair_order=repair_order, template=template, performed_by=actor
    )
    recommended = 0
    operations = {
        op.code: op
        for op in LabourOperation.objects.filter(
            network_id=repair_order.workshop.network_id,
            code__in=[p.operation_code for p in points if p.operation_code],
        )
    }
    for point in points:
        answer = results.get(point.pk) or results.get(str(point.pk))
        note = str(answer.get("note", "")).strip()[:300]
        InspectionResult.objects.create(
            inspection=inspection,
            point=point,
            rating=answer["rating"],
            note=note,
            photo_id=answer.get("photo") or None,
        )
        if answer["rating"] != Rating.GREEN:
            operation = operations.get(point.operation_code)
            # The job goes on the customer's estimate: the point in the customer's language.
            with translation.override(repair_order.language):
                text = point.text
            new_job(
                repair_order,
                title=text if not note else f"{text}: {note}",
                description=note,
                source=JobSource.INSPECTION,
                operations=[operation] if operation else [],
            )
            recommended += 1
    add_event(
        repair_order,
        EventKind.INSPECTION,
        actor,
        checklist=template.name_en,
        recommended=recommended,
    )
    return inspection
