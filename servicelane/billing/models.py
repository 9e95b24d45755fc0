"""Invoices, credit notes and payments. An issued invoice is never changed."""

from decimal import Decimal
from typing import TYPE_CHECKING, TypeAlias, TypedDict

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from servicelane.billing.choices import InvoiceKind, PaymentMethod, PaymentState
from servicelane.core.choices import Language
from servicelane.core.tenancy import WorkshopOwned
from servicelane.workorders.choices import LineKind

if TYPE_CHECKING:  # the type checker's helper, not installed with the product
    from django_stubs_ext import WithAnnotations


class IssuedDocumentError(Exception):
    """Raised when code tries to change an issued invoice or credit note."""


class Invoice(WorkshopOwned):
    """An invoice or a credit note, frozen as issued: the seller's, buyer's and car's data
    are copied in so that later changes to master data never alter it."""

    kind = models.CharField(_("kind"), max_length=12, choices=InvoiceKind.choices)
    number = models.CharField(_("number"), max_length=24)
    year = models.PositiveSmallIntegerField(_("year"))
    sequence = models.PositiveIntegerField(_("sequence"))
    repair_order = models.ForeignKey(
        "workorders.RepairOrder",
        on_delete=models.PROTECT,
        related_name="invoices",
        verbose_name=_("repair order"),
    )
    credited_invoice = models.OneToOneField(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="credit_note",
        verbose_name=_("corrects invoice"),
    )
    customer = models.ForeignKey(
        "customers.Customer", on_delete=models.PROTECT, related_name="+", verbose_name=_("customer")
    )
    issued_at = models.DateTimeField(_("issued at"), default=timezone.now)
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    language = models.CharField(_("language"), max_length=10, choices=Language.choices)
    currency = models.CharField(_("currency"), max_length=3)
    vat_rate = models.DecimalField(_("VAT rate (%)"), max_digits=5, decimal_places=2)
    net_total = models.DecimalField(_("net"), max_digits=12, decimal_places=2)
    vat_total = models.DecimalField(_("VAT"), max_digits=12, decimal_places=2)
    gross_total = models.DecimalField(_("total"), max_digits=12, decimal_places=2)
    seller_name = models.CharField(_("seller"), max_length=200)
    seller_address = models.TextField(_("seller's address"))
    seller_vat_id = models.CharField(_("seller's VAT ID"), max_length=40, blank=True)
    buyer_name = models.CharField(_("customer"), max_length=200)
    buyer_address = models.TextField(_("customer's address"), blank=True)
    buyer_vat_id = models.CharField(_("customer's VAT ID"), max_length=40, blank=True)
    vehicle_vin = models.CharField(_("VIN"), max_length=17)
    vehicle_plate = models.CharField(_("plate"), max_length=20, blank=True)
    vehicle_mileage = models.PositiveIntegerField(_("mileage (km)"))
    service_date = models.DateField(_("date of service"))
    notes = models.JSONField(_("notes"), default=list, blank=True)
    reason = models.CharField(_("reason for the correction"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("invoice")
        verbose_name_plural = _("invoices")
        ordering = ["-year", "-sequence"]
        constraints = [
            models.UniqueConstraint(fields=["workshop", "number"], name="invoice_unique_number"),
            models.UniqueConstraint(
                fields=["workshop", "year", "sequence"], name="invoice_unique_sequence"
            ),
        ]

    def __str__(self) -> str:
        return self.number

    def save(self, *args, **kwargs) -> None:
        if self.pk is not None:
            raise IssuedDocumentError("An issued invoice cannot be changed.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise IssuedDocumentError("An issued invoice cannot be deleted.")

    @property
    def is_credit_note(self) -> bool:
        return self.kind == InvoiceKind.CREDIT_NOTE

    @property
    def payment_state_label(self) -> str:
        """The payment state's label, where the list selector annotated ``payment_state``."""
        state = getattr(self, "payment_state", None)
        return str(PaymentState(state).label) if state else ""


class PaymentAnnotations(TypedDict):
    """What ``billing.selectors.with_payment_state`` annotates on each invoice."""

    paid_amount: Decimal
    is_credited: bool
    payment_state: str


#: An invoice read with its payment state (``billing.selectors.with_payment_state``).
PaidInvoice: TypeAlias = "WithAnnotations[Invoice, PaymentAnnotations]"


class InvoiceLine(models.Model):
    """A line as issued: copied from the job line, never recomputed."""

    invoice = models.ForeignKey(Invoice, on_delete=models.PROTECT, related_name="lines")
    position = models.PositiveSmallIntegerField(_("position"))
    job_title = models.CharField(_("job"), max_length=200)
    kind = models.CharField(_("kind"), max_length=8, choices=LineKind.choices)
    code = models.CharField(_("code / part number"), max_length=40, blank=True)
    description = models.CharField(_("description"), max_length=200)
    quantity = models.DecimalField(_("quantity"), max_digits=10, decimal_places=2)
    unit_price = models.DecimalField(_("unit price (net)"), max_digits=14, decimal_places=4)
    discount_percent = models.DecimalField(
        _("discount (%)"), max_digits=5, decimal_places=2, default=Decimal("0")
    )
    discount_reason = models.CharField(_("reason for the discount"), max_length=200, blank=True)
    net_amount = models.DecimalField(_("net amount"), max_digits=12, decimal_places=2)

    class Meta:
        verbose_name = _("invoice line")
        verbose_name_plural = _("invoice lines")
        ordering = ["invoice", "position"]

    def __str__(self) -> str:
        return f"{self.invoice_id}/{self.position} {self.description}"

    def save(self, *args, **kwargs) -> None:
        if self.pk is not None:
            raise IssuedDocumentError("An issued invoice cannot be changed.")
        super().save(*args, **kwargs)


class Payment(models.Model):
    """Money received against an invoice; several partial payments may settle it."""

    invoice = models.ForeignKey(Invoice, on_delete=models.PROTECT, related_name="payments")
    method = models.CharField(_("method"), max_length=10, choices=PaymentMethod.choices)
    amount = models.DecimalField(
        _("amount"),
        max_digits=12,
        decimal_places=2,
        validators=[MinValueValidator(Decimal("0.01"))],
    )
    reference = models.CharField(_("reference"), max_length=100, blank=True)
    received_at = models.DateTimeField(_("received at"), default=timezone.now)
    received_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = _("payment")
        verbose_name_plural = _("payments")
        ordering = ["received_at", "id"]
        constraints = [
            models.CheckConstraint(condition=models.Q(amount__gt=0), name="payment_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.invoice_id} {self.amount} {self.method}"
