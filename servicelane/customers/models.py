from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from servicelane.core.choices import Language
from servicelane.core.models import country_code_validator
from servicelane.core.phones import phone_display
from servicelane.core.tenancy import WorkshopOwned
from servicelane.customers.choices import CustomerKind


def _is_cjk(text: str) -> bool:
    return bool(text) and all("\u3400" <= ch <= "\u9fff" for ch in text)


class Customer(WorkshopOwned):
    """A car owner or fleet company; the record belongs to one workshop."""

    kind = models.CharField(
        _("kind"), max_length=10, choices=CustomerKind.choices, default=CustomerKind.PERSON
    )
    first_name = models.CharField(_("first name"), max_length=100, blank=True)
    last_name = models.CharField(_("last name"), max_length=100, blank=True)
    company_name = models.CharField(_("company name"), max_length=200, blank=True)
    email = models.EmailField(_("e-mail"), blank=True)
    phone = models.CharField(_("phone"), max_length=20, blank=True, help_text=_("Stored as E.164."))
    street = models.CharField(_("street"), max_length=200, blank=True)
    postal_code = models.CharField(_("postal code"), max_length=20, blank=True)
    city = models.CharField(_("city"), max_length=100, blank=True)
    country = models.CharField(
        _("country"), max_length=2, blank=True, validators=[country_code_validator]
    )
    language = models.CharField(_("preferred language"), max_length=10, choices=Language.choices)
    consent_reminders = models.BooleanField(_("consents to service reminders"), default=False)
    consent_reminders_at = models.DateTimeField(
        _("reminder consent changed at"), null=True, blank=True
    )
    consent_marketing = models.BooleanField(_("consents to marketing"), default=False)
    consent_marketing_at = models.DateTimeField(
        _("marketing consent changed at"), null=True, blank=True
    )
    notes = models.TextField(_("notes"), blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("customer")
        verbose_name_plural = _("customers")
        ordering = ["last_name", "first_name", "company_name", "id"]
        indexes = [
            models.Index(fields=["workshop", "last_name"], name="customer_ws_last_name_idx"),
            models.Index(fields=["workshop", "company_name"], name="customer_ws_company_idx"),
            models.Index(fields=["phone"], name="customer_phone_idx"),
            models.Index(fields=["email"], name="customer_email_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=(
                    models.Q(kind=CustomerKind.PERSON, last_name__gt="")
                    | models.Q(kind=CustomerKind.COMPANY, company_name__gt="")
                ),
                name="customer_has_name",
                violation_error_message=_("A person needs a last name, a company its name."),
            ),
        ]

    def __str__(self) -> str:
        return self.display_name

    def clean(self) -> None:
        if self.kind == CustomerKind.PERSON and not self.last_name:
            raise ValidationError({"last_name": _("A person needs a last name.")})
        if self.kind == CustomerKind.COMPANY and not self.company_name:
            raise ValidationError({"company_name": _("A company needs its name.")})

    @property
    def display_name(self) -> str:
        if self.kind == CustomerKind.COMPANY:
            return self.company_name
        if _is_cjk(self.last_name) and _is_cjk(self.first_name or self.last_name):
            # Chinese names read family name first, without a space: 张伟.
            return f"{self.last_name}{self.first_name}"
        return " ".join(part for part in (self.first_name, self.last_name) if part)

    @property
    def phone_display(self) -> str:
        return phone_display(self.phone)
