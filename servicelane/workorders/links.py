"""Signed, expiring links for the customer: approve an estimate, follow the repair.

The tokens only name the row; whether an estimate may still be answered (expiry,
single use) is decided on the row itself, so a link can never outlive its estimate.
"""

import datetime as dt

from django.conf import settings
from django.core import signing
from django.urls import reverse
from django.utils import timezone

from servicelane.workorders.models import Estimate, RepairOrder

ESTIMATE_SALT = "servicelane.workorders.estimate"
PROGRESS_SALT = "servicelane.workorders.progress"


def _load(token: str, salt: str) -> dict | None:
    try:
        payload = signing.loads(token, salt=salt)
    except signing.BadSignature:
        return None
    return payload if isinstance(payload, dict) else None


def estimate_token(estimate: Estimate) -> str:
    """Names the estimate; its expiry and single use are checked on the row itself."""
    return signing.dumps(
        {"e": estimate.pk, "r": estimate.repair_order_id}, salt=ESTIMATE_SALT, compress=True
    )


def estimate_from_token(token: str) -> Estimate | None:
    payload = _load(token, ESTIMATE_SALT)
    try:
        estimate_id, ro_id = int(payload["e"]), int(payload["r"])
    except (KeyError, TypeError, ValueError):
        return None
    return (
        Estimate.objects.select_related(
            "repair_order__workshop", "repair_order__vehicle", "repair_order__customer"
        )
        .filter(pk=estimate_id, repair_order_id=ro_id)
        .first()
    )


def estimate_path(estimate: Estimate) -> str:
    return reverse("customer:estimate", kwargs={"token": estimate_token(estimate)})


def estimate_url(estimate: Estimate) -> str:
    return f"{settings.SITE_URL}{estimate_path(estimate)}"


def progress_token(repair_order: RepairOrder) -> str:
    return signing.dumps(
        {"r": repair_order.pk, "w": repair_order.workshop_id}, salt=PROGRESS_SALT, compress=True
    )


def repair_order_from_token(token: str) -> RepairOrder | None:
    """The order of a valid progress link; links stop working some days after handover."""
    payload = _load(token, PROGRESS_SALT)
    try:
        ro_id, workshop_id = int(payload["r"]), int(payload["w"])
    except (KeyError, TypeError, ValueError):
        return None
    repair_order = (
        RepairOrder.objects.select_related("workshop", "vehicle")
        .filter(pk=ro_id, workshop_id=workshop_id)
        .first()
    )
    if repair_order is None:
        return None
    days = dt.timedelta(days=settings.PROGRESS_LINK_DAYS_AFTER)
    if repair_order.delivered_at and timezone.now() > repair_order.delivered_at + days:
        return None
    return repair_order


def progress_path(repair_order: RepairOrder) -> str:
    return reverse("customer:progress", kwargs={"token": progress_token(repair_order)})


def progress_url(repair_order: RepairOrder) -> str:
    return f"{settings.SITE_URL}{progress_path(repair_order)}"
