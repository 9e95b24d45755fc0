"""What the handover reads: the work to invoice, why the car cannot go yet, and the
service items and work done it records."""

from collections.abc import Iterable
from typing import Any

from django.utils.translation import gettext as _

from servicelane.workorders.choices import (
    JobStatus,
    QCLevel,
    ROStatus,
)
from servicelane.workorders.models import (
    Job,
    LabourOperation,
    RepairOrder,
)
from servicelane.workorders.quality.selectors import qc_passed_levels


def invoiceable_jobs(repair_order: RepairOrder) -> list[Job]:
    """Approved work that is done: what an invoice may contain."""
    return list(
        repair_order.jobs.filter(status=JobStatus.DONE)
        .prefetch_related("lines")
        .order_by("position")
    )


def handover_blockers(repair_order: RepairOrder) -> list[str]:
    """Why the car cannot be handed over yet, in words; empty when it can."""
    reasons = []
    has_work = repair_order.jobs.filter(status=JobStatus.DONE).exists()
    if repair_order.status not in (ROStatus.READY, ROStatus.INVOICED):
        reasons.append(
            _("The repair order is %(status)s.")
            % {"status": ROStatus(repair_order.status).label.lower()}
        )
    if has_work and len(qc_passed_levels(repair_order)) < len(QCLevel.values):
        reasons.append(_("All three quality checks must pass first."))
    if has_work and repair_order.status != ROStatus.INVOICED:
        reasons.append(_("Issue the invoice first."))
    return reasons


def handover_service_items(operations: Iterable[LabourOperation]) -> list[str]:
    """The maintenance items (CBS codes) the operations performed, as a handover records
    them for the service book: each once, sorted."""
    return sorted({operation.cbs_code for operation in operations if operation.cbs_code})


def handover_work_done(jobs: Iterable[Job]) -> list[dict[str, Any]]:
    """The work done, as a handover records it for the service book and the survey."""
    return [{"job": job.position, "title": job.title, "source": job.source} for job in jobs]
