from django.db import models
from django.db.models import QuerySet

from servicelane.core.models import AuditEntry


def audit_trail_for(target: models.Model) -> QuerySet[AuditEntry]:
    """The change history of one record, newest first (the caller has checked access)."""
    return AuditEntry.objects.filter(
        target_type=target._meta.label_lower, target_id=str(target.pk)
    ).select_related("actor")
