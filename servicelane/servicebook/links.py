"""The owner's signed link to their car's service book (no login).

The token names the car, the owner and the workshop that sent it, and carries the
owner's language, since the page has no login to read it from. It expires after
SERVICE_BOOK_LINK_DAYS (``max_age``), and it only works while that customer is still
the car's current owner as that workshop knows them: a sold car's history is not
the previous owner's to follow.
"""

from dataclasses import dataclass

from django.conf import settings
from django.core import signing
from django.urls import reverse

from servicelane.core.models import Workshop
from servicelane.customers.models import Customer
from servicelane.vehicles.models import Vehicle
from servicelane.vehicles.selectors import current_ownership

OWNER_BOOK_SALT = "servicelane.servicebook.owner"


@dataclass(frozen=True)
class OwnerLink:
    vehicle: Vehicle
    customer: Customer
    workshop: Workshop
    language: str


def _language(code: object, fallback: str) -> str:
    known = {c for c, _name in settings.LANGUAGES}
    return code if isinstance(code, str) and code in known else fallback


def owner_token(*, vehicle: Vehicle, customer: Customer, workshop: Workshop) -> str:
    return signing.dumps(
        {"v": vehicle.pk, "c": customer.pk, "w": workshop.pk, "l": customer.language},
        salt=OWNER_BOOK_SALT,
        compress=True,
    )


def owner_link_from_token(token: str) -> OwnerLink | None:
    """What a valid, unexpired link names, or None (tampered, expired, car sold since)."""
    try:
        payload = signing.loads(
            token, salt=OWNER_BOOK_SALT, max_age=settings.SERVICE_BOOK_LINK_DAYS * 86400
        )
        vehicle_id, customer_id, workshop_id = (
            int(payload["v"]),
            int(payload["c"]),
            int(payload["w"]),
        )
    except (signing.BadSignature, KeyError, TypeError, ValueError):
        return None
    ownership = current_ownership(
        vehicle_id=vehicle_id, customer_id=customer_id, workshop_id=workshop_id
    )
    if ownership is None:
        return None
    return OwnerLink(
        vehicle=ownership.vehicle,
        customer=ownership.customer,
        workshop=ownership.workshop,
        language=_language(payload.get("l"), ownership.customer.language),
    )


def owner_book_url(*, vehicle: Vehicle, customer: Customer, workshop: Workshop) -> str:
    token = owner_token(vehicle=vehicle, customer=customer, workshop=workshop)
    return settings.SITE_URL + reverse("owner_book:book", kwargs={"token": token})
