"""The service book as people read it: the rows of the screens and the PDF.

Names of maintenance items, labels and the due-date basis are rendered in the
language active while the context is built, so the PDF and the owner's page speak
the reader's language whatever the server's.
"""

import datetime as dt
from typing import Any

from django.utils import timezone, translation

from servicelane.core.pdf import render_pdf
from servicelane.servicebook.choices import DueBasis, DueStatus
from servicelane.servicebook.models import ServiceEntry
from servicelane.servicebook.selectors import Book, service_book
from servicelane.vehicles.models import Vehicle


def _entries(entries: list[ServiceEntry], book: Book, ro_numbers: dict[int, str]) -> list:
    for entry in entries:
        entry.item_labels = entry.item_names(book.items)
        entry.ro_number = ro_numbers.get(entry.repair_order_ref or 0, "")
    return entries


def due_rows(book: Book) -> list[dict[str, Any]]:
    rows = []
    for due in book.due:
        item = book.items.get(due.code)
        rows.append(
            {
                "code": due.code,
                "name": str(item.name) if item else due.code,
                "due_date": due.due_date,
                "due_km": due.due_km,
                "expected_on": due.expected_on,
                "basis": due.basis,
                "basis_label": str(DueBasis(due.basis).label),
                "status": due.status,
                "status_label": str(DueStatus(due.status).label),
                "last_service": due.last_service,
            }
        )
    return rows


def book_context(book: Book, *, ro_numbers: dict[int, str] | None = None) -> dict[str, Any]:
    """What every view of the book shows; ``ro_numbers`` are the orders the reader may open."""
    numbers = ro_numbers or {}
    return {
        "vehicle": book.vehicle,
        "service_entries": _entries(book.service, book, numbers),
        "repair_entries": _entries(book.repair, book, numbers),
        "due_rows": due_rows(book),
        "rollback": book.rollback,
    }


def service_book_pdf(
    vehicle: Vehicle, *, language: str, time_zone: Any, today: dt.date | None = None
) -> bytes:
    """The car's service book as a PDF in ``language``: no owner, no plate, no order numbers,
    so it can be handed to anyone the owner chooses."""
    with translation.override(language), timezone.override(time_zone):
        today = today or timezone.localdate()
        context = {**book_context(service_book(vehicle, today=today)), "today": today}
    return render_pdf("servicebook/pdf/book.html", context, language=language, time_zone=time_zone)
