"""What reception reads: the declined work a car may take up again, and the number an
order is checked in under."""

from servicelane.core.models import Workshop
from servicelane.vehicles.models import Vehicle
from servicelane.workorders.choices import (
    JobStatus,
)
from servicelane.workorders.models import (
    Job,
)


def deferred_jobs_of(vehicle: Vehicle, workshop: Workshop) -> list[Job]:
    """Work a customer declined at earlier visits to this workshop and not done since."""
    return list(
        Job.objects.filter(
            repair_order__vehicle=vehicle,
            repair_order__workshop=workshop,
            status=JobStatus.DECLINED,
            taken_up_by__isnull=True,
        )
        .select_related("repair_order")
        .prefetch_related("lines")
        .order_by("-repair_order__checked_in_at", "position")
    )


def repair_order_number(workshop_code: str, year: int, sequence: int) -> str:
    """An order's number: the workshop's code, R and the two digits of the (local) year of
    check-in, the year's counter in five digits (``FR01-R26-00042``)."""
    return f"{workshop_code}-R{year % 100:02d}-{sequence:05d}"
