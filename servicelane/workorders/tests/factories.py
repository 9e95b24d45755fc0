"""Repair orders for tests: the booked services' operations and the workshop's local time.
The scenarios several apps share (a walk-in, approve or decline all, ready, handed over)
are in servicelane/testing/scenarios.py."""

import datetime as dt
from zoneinfo import ZoneInfo

from servicelane.workorders.catalogue import SERVICE_OPERATIONS

BERLIN = ZoneInfo("Europe/Berlin")


def with_operations(cap) -> None:
    """Give the test service types the network's operations (see catalogue.py)."""
    for code, service_type in cap.services.items():
        service_type.operation_codes = SERVICE_OPERATIONS.get(code, "")
        service_type.save(update_fields=["operation_codes"])


def local(y: int, m: int, d: int, h: int, mi: int = 0) -> dt.datetime:
    return dt.datetime(y, m, d, h, mi, tzinfo=BERLIN)
