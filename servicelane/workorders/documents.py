"""The estimate as a PDF, in the customer's language."""

from servicelane.core.pdf import render_pdf
from servicelane.workorders.models import Estimate
from servicelane.workorders.services import totals


def estimate_context(estimate: Estimate) -> dict:
    repair_order = estimate.repair_order
    jobs = list(estimate.jobs.prefetch_related("lines").order_by("position"))
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
