"""The invoice or credit note as a PDF, in the invoice's language."""

from itertools import groupby
from typing import Any

from django.template.loader import render_to_string
from django.utils import timezone, translation

from servicelane.billing.models import Invoice
from servicelane.billing.selectors import invoice_balance
from servicelane.core.pdf import render_pdf

TEMPLATE = "billing/pdf/invoice.html"


def job_groups(invoice: Invoice) -> list[dict[str, Any]]:
    """The lines under their job, with each job's net amount."""
    lines = sorted(invoice.lines.all(), key=lambda line: line.position)
    groups = []
    for title, group in groupby(lines, key=lambda line: line.job_title):
        items = list(group)
        groups.append({"title": title, "lines": items, "net": sum(i.net_amount for i in items)})
    return groups


def invoice_context(invoice: Invoice) -> dict[str, Any]:
    return {
        "invoice": invoice,
        "jobs": job_groups(invoice),
        "payments": list(invoice.payments.all()),
        "balance": invoice_balance(invoice),
        "corrected": invoice.credited_invoice,
        "seller_address_lines": invoice.seller_address.splitlines(),
        "buyer_address_lines": invoice.buyer_address.splitlines(),
    }


def invoice_html(invoice: Invoice) -> str:
    """The same HTML the PDF is made from (in the invoice's language and workshop's zone)."""
    with (
        translation.override(invoice.language),
        timezone.override(invoice.workshop.zone),
    ):
        return render_to_string(
            TEMPLATE, {**invoice_context(invoice), "LANGUAGE_CODE": invoice.language}
        )


def invoice_pdf(invoice: Invoice) -> bytes:
    return render_pdf(
        TEMPLATE,
        invoice_context(invoice),
        language=invoice.language,
        time_zone=invoice.workshop.zone,
    )


def invoice_filename(invoice: Invoice) -> str:
    return f"{invoice.number}.pdf"
