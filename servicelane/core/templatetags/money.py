"""Money in templates."""

from decimal import Decimal, InvalidOperation

from django import template
from django.template.defaultfilters import floatformat

register = template.Library()


@register.filter
def unit_price(value) -> str:
    """A unit price: two places, or four where the price has them (11.6667 per time unit)."""
    try:
        amount = Decimal(value)
    except (InvalidOperation, TypeError, ValueError):
        return ""
    places = 2 if amount == amount.quantize(Decimal("0.01")) else 4
    return floatformat(amount, f"{places}g")
