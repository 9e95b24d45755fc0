"""Signed, expiring links that let a customer manage a booking without an account."""

import datetime as dt

from django.conf import settings
from django.core import signing
from django.urls import reverse

from servicelane.appointments.models import Appointment

SALT = "servicelane.appointments.manage"


def manage_token(appointment: Appointment) -> str:
    """A token naming the booking and when it stops working (days after the visit)."""
    expires = appointment.ends_at + dt.timedelta(days=settings.APPOINTMENT_LINK_DAYS_AFTER)
    payload = {"a": appointment.pk, "w": appointment.workshop_id, "e": int(expires.timestamp())}
    return signing.dumps(payload, salt=SALT, compress=True)


def appointment_from_token(token: str) -> Appointment | None:
    """The booking of a valid, unexpired token; None for anything else."""
    try:
        payload = signing.loads(token, salt=SALT)
    except signing.BadSignature:
        return None
    try:
        appointment_id, workshop_id, expires = int(payload["a"]), int(payload["w"]), payload["e"]
    except (KeyError, TypeError, ValueError):
        return None
    if dt.datetime.now(dt.UTC).timestamp() > float(expires):
        return None
    return (
        Appointment.objects.select_related("workshop", "customer", "vehicle", "lane")
        .filter(pk=appointment_id, workshop_id=workshop_id)
        .first()
    )


def manage_url(appointment: Appointment) -> str:
    path = reverse("booking:manage", kwargs={"token": manage_token(appointment)})
    return f"{settings.SITE_URL}{path}"
