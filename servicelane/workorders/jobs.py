"""Jobs put on an order by any step (booked services, concerns, inspection findings,
advisor's and found work): created at the next position, with labour lines from the
network's operations."""

from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

from servicelane.core.choices import QualificationLevel
from servicelane.workorders.choices import (
    JobStatus,
    LineKind,
)
from servicelane.workorders.models import (
    Job,
    JobLine,
    LabourOperation,
    RepairOrder,
)
from servicelane.workorders.pricing import labour_price


def operations_by_code(network_id: int, codes: Iterable[str]) -> list[LabourOperation]:
    codes = [c.strip().upper() for c in codes if c and c.strip()]
    found = {
        op.code: op
        for op in LabourOperation.objects.filter(network_id=network_id, code__in=codes, active=True)
    }
    missing = [c for c in codes if c not in found]
    if missing:
        raise ValidationError(
            {
                "operation_code": [
                    _("Unknown labour operation: %(codes)s.") % {"codes": ", ".join(missing)}
                ]
            }
        )
    return [found[c] for c in codes]


def add_labour_line(job: Job, operation: LabourOperation) -> JobLine:
    quantity, unit_price, menu = labour_price(operation, job.repair_order.workshop)
    if operation.level > job.level:
        job.level = operation.level
        job.save(update_fields=["level"])
    return JobLine.objects.create(
        job=job,
        kind=LineKind.LABOUR,
        operation=operation,
        code=operation.code,
        description=operation.name_en,
        quantity=quantity,
        unit_price=unit_price,
        time_units=operation.time_units,
        menu_price=menu,
    )


def _next_position(repair_order: RepairOrder) -> int:
    last = repair_order.jobs.order_by("-position").values_list("position", flat=True).first()
    return (last or 0) + 1


def new_job(
    repair_order: RepairOrder,
    *,
    title: str,
    source: str,
    status: str = JobStatus.DRAFT,
    description: str = "",
    operations: Iterable[LabourOperation] = (),
    promised: bool = False,
    deferred_from: Job | None = None,
) -> Job:
    job = Job.objects.create(
        repair_order=repair_order,
        position=_next_position(repair_order),
        title=title[:200],
        description=description,
        source=source,
        status=status,
        promised=promised,
        deferred_from=deferred_from,
        # The lines' operations raise it to what the work needs.
        level=QualificationLevel.INDUCTION,
        decided_at=timezone.now() if status == JobStatus.APPROVED else None,
    )
    for operation in operations:
        add_labour_line(job, operation)
    return job
