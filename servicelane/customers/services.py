"""Every write to customers goes through these functions."""

from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from servicelane.core.audit import audit_record, diff, snapshot
from servicelane.core.models import User, Workshop
from servicelane.core.permissions import Perm
from servicelane.core.phones import phone_to_e164
from servicelane.core.tenancy import access_for
from servicelane.customers.models import Customer

EDITABLE_FIELDS = [
    "kind",
    "first_name",
    "last_name",
    "company_name",
    "email",
    "phone",
    "street",
    "postal_code",
    "city",
    "country",
    "language",
    "consent_reminders",
    "consent_marketing",
    "notes",
]
AUDITED_FIELDS = [*EDITABLE_FIELDS, "consent_reminders_at", "consent_marketing_at"]


def _apply(customer: Customer, data: dict[str, Any], workshop: Workshop) -> None:
    unknown = set(data) - set(EDITABLE_FIELDS)
    if unknown:
        raise ValueError(f"not editable: {sorted(unknown)}")
    now = timezone.now()
    for consent in ("consent_reminders", "consent_marketing"):
        if consent in data and bool(data[consent]) != getattr(customer, consent):
            # The time of the latest change is what proves consent (or withdrawal).
            setattr(customer, f"{consent}_at", now)
    for name, value in data.items():
        if isinstance(value, str):
            value = value.strip()
        setattr(customer, name, value)
    customer.email = customer.email.lower()
    customer.country = (customer.country or "").upper()
    region = customer.country or workshop.country
    errors: dict[str, list[str]] = {}
    try:
        customer.phone = phone_to_e164(customer.phone, region)
    except ValidationError as exc:
        errors["phone"] = exc.messages
    try:
        customer.full_clean(exclude=["workshop", *errors])
    except ValidationError as exc:
        errors.update(exc.message_dict)
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def customer_create(*, actor: User, workshop: Workshop, **data: Any) -> Customer:
    """Create a customer of ``workshop``; the actor needs the right to change customers there.

    Phone numbers are normalised to E.164 (the customer's country, else the
    workshop's, decides how a local number is read); consent times are stamped.
    """
    access_for(actor).require(Perm.CUSTOMER_CHANGE, workshop.pk)
    return _create(workshop=workshop, data=data, actor=actor)


def _create(*, workshop: Workshop, data: dict[str, Any], actor: User | None) -> Customer:
    customer = Customer(workshop=workshop)
    data.setdefault("language", workshop.default_language)
    _apply(customer, data, workshop)
    customer.save()
    audit_record(
        actor=actor,
        action="created",
        target=customer,
        workshop_id=workshop.pk,
        changes=diff({}, snapshot(customer, AUDITED_FIELDS)),
    )
    return customer


@transaction.atomic
def customer_update(*, actor: User, customer: Customer, **data: Any) -> Customer:
    """Change a customer; only fields given change; the change is audited."""
    access_for(actor).require(Perm.CUSTOMER_CHANGE, customer.workshop_id)
    customer = Customer.objects.select_for_update().select_related("workshop").get(pk=customer.pk)
    before = snapshot(customer, AUDITED_FIELDS)
    _apply(customer, data, customer.workshop)
    changes = diff(before, snapshot(customer, AUDITED_FIELDS))
    if changes:
        customer.save()
        audit_record(
            actor=actor,
            action="updated",
            target=customer,
            workshop_id=customer.workshop_id,
            changes=changes,
        )
    return customer


@transaction.atomic
def customer_match_or_create(
    *,
    workshop: Workshop,
    last_name: str,
    first_name: str = "",
    email: str = "",
    phone: str = "",
    language: str = "",
    consent_reminders: bool = False,
    actor: User | None = None,
) -> Customer:
    """The workshop's customer with this e-mail or phone, else a new one.

    Used by bookings, where the caller may be the customer on the public page
    (``actor`` None): an existing record is never overwritten from outside,
    except that a given consent to reminders is recorded. Staff callers need
    the right to change customers.
    """
    if actor is not None:
        access_for(actor).require(Perm.CUSTOMER_CHANGE, workshop.pk)
    email = (email or "").strip().lower()
    try:
        phone = phone_to_e164(phone, workshop.country)
    except ValidationError as exc:
        raise ValidationError({"phone": exc.messages}) from exc
    if not email and not phone:
        raise ValidationError({"email": [_("Give an e-mail address or a phone number.")]})
    candidates = Customer.objects.filter(workshop=workshop)
    match = None
    if email and phone:
        match = candidates.filter(email=email, phone=phone).first()
    if match is None and email:
        match = candidates.filter(email=email).order_by("id").first()
    if match is None and phone:
        match = candidates.filter(phone=phone).order_by("id").first()
    if match is not None:
        if consent_reminders and not match.consent_reminders:
            match.consent_reminders = True
            match.consent_reminders_at = timezone.now()
            match.save(update_fields=["consent_reminders", "consent_reminders_at", "updated_at"])
        return match
    return _create(
        workshop=workshop,
        data={
            "last_name": last_name,
            "first_name": first_name,
            "email": email,
            "phone": phone,
            "language": language or workshop.default_language,
            "consent_reminders": consent_reminders,
        },
        actor=actor,
    )
