"""The checklists an order may be inspected with."""

from servicelane.core.models import Workshop
from servicelane.workorders.choices import (
    INSPECTION_KINDS,
    ChecklistKind,
)
from servicelane.workorders.models import (
    ChecklistTemplate,
    RepairOrder,
)


def inspection_templates(workshop: Workshop, repair_order: RepairOrder | None = None) -> list:
    """Quick and detailed checks, and the service checks of the booked services."""
    templates = ChecklistTemplate.objects.filter(
        network_id=workshop.network_id, kind__in=INSPECTION_KINDS, active=True
    ).order_by("kind", "name_en")
    codes: set[str] = set()
    if repair_order is not None and repair_order.appointment_id:
        codes = set(repair_order.appointment.service_types.values_list("code", flat=True))
    return [t for t in templates if t.kind != ChecklistKind.SERVICE or t.service_type_code in codes]
