from typing import Any

from servicelane.core.models import Workshop


def dashboard_figures(*, user: Any, workshop: Workshop | None) -> dict[str, Any]:
    """Counts for the overview page, limited to what the user may see."""
    from servicelane.customers.selectors import customer_count_for_user
    from servicelane.vehicles.selectors import vehicle_count_for_user

    return {
        "customers": customer_count_for_user(user=user),
        "vehicles": vehicle_count_for_user(user=user),
    }
