from typing import Any

from django.db.models import QuerySet

from servicelane.core.choices import WorkshopRole
from servicelane.core.models import User, Workshop


def dashboard_figures(*, user: Any, workshop: Workshop | None) -> dict[str, Any]:
    """Counts for the overview page, limited to what the user may see."""
    from servicelane.customers.selectors import customer_count_for_user
    from servicelane.vehicles.selectors import vehicle_count_for_user

    return {
        "customers": customer_count_for_user(user=user),
        "vehicles": vehicle_count_for_user(user=user),
    }


def workshop_advisors(workshop: Workshop) -> QuerySet[User]:
    """The service advisors of a workshop, by name."""
    return User.objects.filter(
        memberships__workshop=workshop, memberships__role=WorkshopRole.ADVISOR
    ).order_by("full_name", "email")
