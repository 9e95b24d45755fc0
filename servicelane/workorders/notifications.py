"""Messages to the customer about their repair order, in the order's language and the
workshop's time zone (the customer reads "until Thursday 14:00" as the workshop means it)."""

from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from servicelane.core.pdf import as_attachment
from servicelane.core.tasks import send_email
from servicelane.workorders.documents import estimate_pdf
from servicelane.workorders.links import estimate_url, progress_url
from servicelane.workorders.models import Estimate, RepairOrder


def send_progress_link(repair_order_id: int) -> None:
    """At check-in: where the customer can follow the repair."""
    repair_order = RepairOrder.objects.select_related("workshop", "vehicle").get(pk=repair_order_id)
    if not repair_order.contact_email:
        return
    with (
        translation.override(repair_order.language),
        timezone.override(repair_order.workshop.zone),
    ):
        subject = _("Your car is with us: repair order %(number)s") % {
            "number": repair_order.number
        }
        body = render_to_string(
            "workorders/emails/progress.txt",
            {"repair_order": repair_order, "url": progress_url(repair_order)},
        )
    send_email.enqueue(subject=subject, body=body, to=[repair_order.contact_email])


def send_estimate(estimate_id: int) -> None:
    """The estimate as PDF with the link to approve or decline each job."""
    estimate = Estimate.objects.select_related(
        "repair_order__workshop", "repair_order__vehicle", "repair_order__customer"
    ).get(pk=estimate_id)
    repair_order = estimate.repair_order
    if not repair_order.contact_email:
        return
    with (
        translation.override(repair_order.language),
        timezone.override(repair_order.workshop.zone),
    ):
        if estimate.supplementary:
            subject = _("Additional work found on your car (%(number)s): your approval please") % {
                "number": repair_order.number
            }
        else:
            subject = _("Your estimate for %(number)s: your approval please") % {
                "number": repair_order.number
            }
        body = render_to_string(
            "workorders/emails/estimate.txt",
            {
                "estimate": estimate,
                "repair_order": repair_order,
                "vehicle": repair_order.vehicle,
                "url": estimate_url(estimate),
                "progress_url": progress_url(repair_order),
            },
        )
    pdf = estimate_pdf(estimate)
    send_email.enqueue(
        subject=subject,
        body=body,
        to=[repair_order.contact_email],
        attachments=[as_attachment(f"{repair_order.number}-{estimate.sequence}.pdf", pdf)],
    )
