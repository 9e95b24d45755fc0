"""Part numbers in templates."""

from django import template

from servicelane.parts import numbers

register = template.Library()


@register.filter
def part_number(number: str, network_format: str | None) -> str:
    """A stored (normalised) number in the network's groups: ``11427953129`` with the
    format ``2 2 1 3 3`` reads ``11 42 7 953 129``."""
    return numbers.display(number or "", network_format)
