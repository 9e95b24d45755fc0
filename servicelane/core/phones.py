"""Phone numbers: parsed with ``phonenumbers`` and stored in E.164."""

import phonenumbers
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _


def phone_to_e164(raw: str, default_region: str) -> str:
    """``+4976112345`` for ``0761 12345`` in DE; raises ValidationError if invalid."""
    raw = (raw or "").strip()
    if not raw:
        return ""
    try:
        number = phonenumbers.parse(raw, default_region.upper() or None)
    except phonenumbers.NumberParseException as exc:
        raise ValidationError(_("This is not a phone number."), code="invalid_phone") from exc
    if not phonenumbers.is_valid_number(number):
        raise ValidationError(
            _("This phone number is not valid for its country."), code="invalid_phone"
        )
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def phone_display(e164: str) -> str:
    """The international format people read, ``+49 761 12345``."""
    if not e164:
        return ""
    try:
        number = phonenumbers.parse(e164, None)
    except phonenumbers.NumberParseException:
        return e164
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.INTERNATIONAL)


def phone_search_digits(query: str) -> str:
    """Digits to look for in stored numbers: ``0761 123`` → ``761123``."""
    digits = "".join(ch for ch in query if ch.isdigit())
    return digits.lstrip("0")
