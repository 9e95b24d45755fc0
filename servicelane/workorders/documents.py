"""The estimate as a PDF, in the customer's language."""

from django.db.models import Prefetch

from servicelane.core.pdf import render_pdf
from servicelane.workorders.models import Estimate, Job, JobLine
from servicelane.workorders.pricing import totals


def estimate_jobs(estimate: Estimate) -> list[Job]:
    """The estimate's jobs with their lines (and the operations the lines name)."""
    lines = JobLine.objects.select_related("operation").order_by("kind", "id")
    return list(
        estimate.jobs.prefetch_related(Prefetch("lines", queryset=lines)).order_by("position", "id")
    )


def estimate_context(estimate: Estimate) -> dict:
    repair_order = estimate.repair_order
    jobs = estimate_jobs(estimate)
    return {
        "estimate": estimate,
        "repair_order": repair_order,
        "workshop": repair_order.workshop,
        "customer": repair_order.customer,
        "vehicle": repair_order.vehicle,
        "jobs": jobs,
        "totals": totals(jobs, repair_order.workshop),
    }


def estimate_pdf(estimate: Estimate) -> bytes:
    repair_order = estimate.repair_order
    return render_pdf(
        "workorders/pdf/estimate.html",
        estimate_context(estimate),
        language=repair_order.language,
        time_zone=repair_order.workshop.zone,
    )
