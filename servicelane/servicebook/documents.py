"""The service book as people read it: the rows of the screens and the PDF.

Names of maintenance items, labels and the due-date basis are rendered in the
language active while the context is built, so the PDF and the owner's page speak
the reader's language whatever the server's.
"""

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.utils import timezone, translation

from servicelane.core.pdf import render_pdf
from servicelane.servicebook.choices import DueBasis, DueStatus
from servicelane.servicebook.models import EntryReview, MaintenanceItem, ServiceEntry
from servicelane.servicebook.selectors import Book, service_book
from servicelane.vehicles.models import Vehicle


@dataclass(frozen=True)
class EntryRow:
    """An entry as a page shows it: the names of its items in the reader's language, the
    number of its repair order when the reader may open it, who wrote it when the reader
    may know."""

    entry: ServiceEntry
    item_labels: list[str]
    ro_number: str = ""
    author_name: str = ""


def entry_rows(
    entries: Iterable[ServiceEntry],
    items: dict[str, MaintenanceItem],
    ro_numbers: dict[int, str] | None = None,
) -> list[EntryRow]:
    numbers = ro_numbers or {}
    return [
        EntryRow(
            entry=entry,
            item_labels=entry.item_names(items),
            ro_number=numbers.get(entry.repair_order_ref or 0, ""),
        )
        for entry in entries
    ]


@dataclass(frozen=True)
class ReviewRow:
    """What a review asks, in numbers: the entry's (or the proposed) date and mileage
    next to the highest mileage the history showed."""

    review: EntryReview
    shown_date: dt.date
    shown_km: int

    @property
    def below_history(self) -> bool:
        return self.review.history_km is not None and self.shown_km < self.review.history_km


def review_row(review: EntryReview) -> ReviewRow:
    entry = review.entry
    proposed = review.proposed or {}
    return ReviewRow(
        review=review,
        shown_date=(
            dt.date.fromisoformat(proposed["performed_on"])
            if proposed.get("performed_on")
            else entry.performed_on
        ),
        shown_km=int(proposed.get("mileage", entry.mileage)),
    )


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
        "service_entries": entry_rows(book.service, book.items, numbers),
        "repair_entries": entry_rows(book.repair, book.items, numbers),
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
