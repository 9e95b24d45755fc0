"""Money: Decimal amounts in the workshop's currency, rounded in one place."""

from decimal import ROUND_HALF_UP, Decimal

CENT = Decimal("0.01")
ZERO = Decimal("0.00")


def round_money(amount: Decimal | int) -> Decimal:
    """Commercial rounding to the cent (half away from zero), as invoices print it."""
    return Decimal(amount).quantize(CENT, rounding=ROUND_HALF_UP)


def percent_of(amount: Decimal, percent: Decimal) -> Decimal:
    return round_money(Decimal(amount) * Decimal(percent) / Decimal(100))
