"""Vehicle identification numbers (ISO 3779), decoded with ``vininfo``."""

from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from vininfo import Vin
from vininfo.exceptions import ValidationError as VinInfoError

VIN_ALPHABET = set("ABCDEFGHJKLMNPRSTUVWXYZ0123456789")

# Regions whose law makes position 9 a real check digit. Elsewhere (notably in
# Europe) many valid VINs carry a filler there, so a mismatch is only a warning.
CHECK_DIGIT_REGIONS = {"North America"}
CHECK_DIGIT_COUNTRIES = {"China"}
# vininfo names regions in English; these are the ones our messages mention.
REGION_NAMES = {"North America": gettext_lazy("North America"), "China": gettext_lazy("China")}


@dataclass(frozen=True)
class DecodedVin:
    vin: str
    manufacturer: str
    country: str
    check_digit_ok: bool
    check_digit_required: bool

    @property
    def warning(self) -> str:
        if self.check_digit_ok:
            return ""
        return _("The check digit (position 9) does not match; please compare with the car.")


def normalise_vin(raw: str) -> str:
    return "".join(ch for ch in (raw or "").upper() if not ch.isspace() and ch not in "-.")


def decode_vin(raw: str) -> DecodedVin:
    """Normalise and validate a VIN; raise ValidationError with the reason if invalid."""
    vin = normalise_vin(raw)
    if len(vin) != 17:
        raise ValidationError(
            _("A VIN has 17 characters; this one has %(count)d."),
            code="vin_length",
            params={"count": len(vin)},
        )
    bad = sorted({ch for ch in vin if ch not in VIN_ALPHABET})
    if bad:
        raise ValidationError(
            _("A VIN may not contain %(chars)s (the letters I, O and Q are never used)."),
            code="vin_characters",
            params={"chars": ", ".join(bad)},
        )
    try:
        info = Vin(vin)
        manufacturer = str(info.manufacturer or "")
        country = str(info.country or "")
        region = str(info.region or "")
        check_ok = bool(info.verify_checksum())
    except VinInfoError as exc:  # pragma: no cover - alphabet and length checked above
        raise ValidationError(_("This is not a valid VIN."), code="vin_invalid") from exc
    required = region in CHECK_DIGIT_REGIONS or country in CHECK_DIGIT_COUNTRIES
    if required and not check_ok:
        raise ValidationError(
            _(
                "The check digit (position 9) is wrong. VINs from %(region)s must carry a "
                "valid check digit; please check the VIN for a typing error."
            ),
            code="vin_check_digit",
            params={
                "region": REGION_NAMES[country if country in CHECK_DIGIT_COUNTRIES else region]
            },
        )
    return DecodedVin(
        vin=vin,
        manufacturer=manufacturer if manufacturer.lower() != "unsupported" else "",
        country=country,
        check_digit_ok=check_ok,
        check_digit_required=required,
    )


def vin_check_digit(vin17: str) -> str:
    """The check digit position 9 should hold (used to make demo VINs)."""
    values = {
        **{str(d): d for d in range(10)},
        **dict(zip("ABCDEFGH", range(1, 9), strict=True)),
        **dict(zip("JKLMN", range(1, 6), strict=True)),
        "P": 7,
        "R": 9,
        **dict(zip("STUVWXYZ", range(2, 10), strict=True)),
    }
    weights = [8, 7, 6, 5, 4, 3, 2, 10, 0, 9, 8, 7, 6, 5, 4, 3, 2]
    total = sum(values[ch] * w for ch, w in zip(vin17, weights, strict=True))
    remainder = total % 11
    return "X" if remainder == 10 else str(remainder)
