"""The quality check's reads: which permission each level needs, the current round, the
next level, the cars waiting for a check."""

from typing import Any

from django.db.models import Prefetch
from django.http import Http404
from django.utils.translation import gettext as _

from servicelane.core.permissions import Perm
from servicelane.core.tenancy import get_for_user
from servicelane.workorders.choices import (
    QCLevel,
    ROStatus,
)
from servicelane.workorders.models import (
    Job,
    QualityCheck,
    RepairOrder,
)
from servicelane.workorders.selectors import workshops_with

QC_PERMS = {
    QCLevel.TECHNICIAN: Perm.QC_TECHNICIAN,
    QCLevel.FOREMAN: Perm.QC_FOREMAN,
    QCLevel.ADVISOR: Perm.QC_ADVISOR,
}


def qc_round(repair_order: RepairOrder) -> int:
    """The current round of checks: a failure in the last one starts the next."""
    checks = list(repair_order.quality_checks.all())  # the prefetched ones on lists
    if not checks:
        return 1
    last = max(check.round for check in checks)
    failed = any(check.round == last and not check.passed for check in checks)
    return last + 1 if failed else last


def qc_passed_levels(repair_order: RepairOrder) -> set[int]:
    round_ = qc_round(repair_order)
    return {
        check.level
        for check in repair_order.quality_checks.all()
        if check.round == round_ and check.passed
    }


def qc_next_level(repair_order: RepairOrder) -> int | None:
    passed = qc_passed_levels(repair_order)
    return next((level for level in QCLevel.values if level not in passed), None)


def qc_queue_for_user(*, user: Any) -> list[RepairOrder]:
    """Cars waiting for a quality check, each with the level it waits for."""
    orders = list(
        RepairOrder.objects.filter(
            workshop_id__in=set(workshops_with(user, Perm.QC_FOREMAN))
            | set(workshops_with(user, Perm.QC_ADVISOR))
            | set(workshops_with(user, Perm.QC_TECHNICIAN)),
            status=ROStatus.QUALITY_CHECK,
        )
        .select_related("vehicle", "workshop", "advisor")
        .prefetch_related("quality_checks", "jobs__technician")
        .order_by("promised_at", "checked_in_at")
    )
    for order in orders:
        order.next_qc_level = qc_next_level(order)
    return orders


def repair_order_for_qc(*, user: Any, pk: Any, level: Any) -> RepairOrder:
    """An order for the quality check of ``level``, in a workshop where the user may do that
    level; 404 otherwise. The car and its jobs, never the customer."""
    try:
        perm = QC_PERMS[QCLevel(int(level))]
    except (TypeError, ValueError) as exc:
        raise Http404(_("Not found.")) from exc
    return get_for_user(
        RepairOrder.objects.select_related(
            "workshop", "vehicle", "vehicle__vehicle_type"
        ).prefetch_related(
            Prefetch("jobs", queryset=Job.objects.select_related("technician")),
            Prefetch(
                "quality_checks",
                queryset=QualityCheck.objects.select_related("checked_by").prefetch_related(
                    "rework_jobs"
                ),
            ),
        ),
        user,
        perm,
        pk=pk,
    )
