"""The demo network's parts catalogue, loaded from ``data/parts.csv`` by the network's own
catalogue import (the code behind ``manage.py import_parts``, columns in docs/parts.md).

Main groups and subgroups as in a maker's catalogue, about 300 parts named in English,
German and Chinese, list prices for Germany (EUR) and China (CNY), fitment to the demo
vehicle types and a few supersessions: the oil filter of the 3 Series has been replaced
three times: 11 42 7 566 327 → 11 42 7 635 557 → 11 42 8 575 211 → 11 42 7 953 129.
"""

from pathlib import Path

from servicelane.core.models import Network
from servicelane.parts.models import Part
from servicelane.parts.services import part_catalogue_import

CATALOGUE_FILE = Path(__file__).resolve().parent / "data" / "parts.csv"


def build_catalogue(network: Network, source: Path = CATALOGUE_FILE) -> list[Part]:
    """Import the demo catalogue into ``network`` (its vehicle types must exist, the file
    names them); every row must be accepted. Returns the current parts."""
    result = part_catalogue_import(network=network, source=source)
    if result.errors:
        raise ValueError("; ".join(str(error) for error in result.errors[:10]))
    return list(
        Part.objects.filter(network=network, superseded_by__isnull=True)
        .select_related("group")
        .order_by("pk")
    )
