"""Prices and sums: a labour line's price, and the net, VAT and gross of a list of jobs."""

from collections.abc import Iterable
from decimal import Decimal

from servicelane.core.models import Workshop
from servicelane.core.money import ZERO, percent_of
from servicelane.workorders.models import (
    TIME_UNITS_PER_HOUR,
    Job,
    LabourOperation,
)


def labour_price(operation: LabourOperation, workshop: Workshop) -> tuple[Decimal, Decimal, bool]:
    """(quantity, unit price, menu?) of a labour line: the network's menu price where one
    exists in the workshop's currency, else flat-rate units at the workshop's rate."""
    # Read through .all() so a list of operations priced at once can prefetch the menu
    # prices (one per currency) instead of one query per operation.
    menu = next((m for m in operation.menu_prices.all() if m.currency == workshop.currency), None)
    if menu is not None:
        return Decimal("1"), menu.price, True
    unit_price = (workshop.labour_rate / TIME_UNITS_PER_HOUR).quantize(Decimal("0.0001"))
    return Decimal(operation.time_units), unit_price, False


def totals(jobs: Iterable[Job], workshop: Workshop) -> dict[str, Decimal]:
    net = sum((job.net_total() for job in jobs), ZERO)
    vat = percent_of(net, workshop.vat_rate)
    return {"net": net, "vat": vat, "gross": net + vat}
