"""Reads of invoices, already narrowed to the workshops the user may see."""

from decimal import Decimal
from typing import Any, TypedDict, TypeVar

from django.core.exceptions import ValidationError
from django.db.models import (
    Case,
    CharField,
    DecimalField,
    Exists,
    F,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
    When,
)
from django.db.models.functions import Coalesce

from servicelane.billing.choices import InvoiceKind, PaymentState
from servicelane.billing.filters import InvoiceFilter
from servicelane.billing.models import Invoice, Payment
from servicelane.core.errors import filter_errors
from servicelane.core.models import User
from servicelane.core.money import ZERO, round_money
from servicelane.core.permissions import Perm
from servicelane.core.tenancy import access_for, get_for_user
from servicelane.workorders.models import RepairOrder

_MONEY = DecimalField(max_digits=12, decimal_places=2)

Invoices = TypeVar("Invoices", bound=QuerySet[Invoice])


class Balance(TypedDict):
    """What was paid on an invoice, what is still owed, and its payment state."""

    paid: Decimal
    outstanding: Decimal
    state: PaymentState


def with_payment_state(queryset: Invoices) -> Invoices:
    """Annotate ``paid_amount``, ``is_credited`` and ``payment_state`` in the one query."""
    paid = (
        Payment.objects.filter(invoice=OuterRef("pk"))
        .order_by()
        .values("invoice")
        .annotate(total=Sum("amount"))
        .values("total")
    )
    return queryset.annotate(
        paid_amount=Coalesce(Subquery(paid, output_field=_MONEY), Value(ZERO), output_field=_MONEY),
        is_credited=Exists(Invoice.objects.filter(credited_invoice=OuterRef("pk"))),
    ).annotate(
        payment_state=Case(
            When(
                Q(kind=InvoiceKind.CREDIT_NOTE) | Q(is_credited=True),
                then=Value(PaymentState.CREDITED.value),
            ),
            When(paid_amount__gte=F("gross_total"), then=Value(PaymentState.PAID.value)),
            When(paid_amount__gt=0, then=Value(PaymentState.PARTLY_PAID.value)),
            default=Value(PaymentState.OPEN.value),
            output_field=CharField(),
        )
    )


def invoice_list_for_user(user: User, filters: dict[str, Any] | None = None) -> QuerySet[Invoice]:
    """Invoices and credit notes the user may see (``Perm.INVOICE_VIEW``), newest first,
    filtered by number/customer (``q``), ``kind``, payment ``state`` and issue dates."""
    queryset = with_payment_state(
        Invoice.objects.visible_to(user, Perm.INVOICE_VIEW)
        .select_related("workshop", "repair_order", "credited_invoice")
        .order_by("-issued_at", "-id")
    )
    filterset = InvoiceFilter(filters or {}, queryset=queryset)
    if not filterset.is_valid():
        raise ValidationError(filter_errors(filterset))
    invoices: QuerySet[Invoice] = filterset.qs  # the filter set is not typed
    return invoices


def invoice_get_for_user(user: User, pk: int) -> Invoice:
    """One invoice with its lines and payments; another workshop's is not found (404)."""
    queryset = with_payment_state(
        Invoice.objects.select_related(
            "workshop", "repair_order", "credited_invoice", "issued_by"
        ).prefetch_related("lines", "payments__received_by")
    )
    return get_for_user(queryset, user, Perm.INVOICE_VIEW, pk=pk)


def invoices_of_repair_order(user: User, repair_order: RepairOrder) -> QuerySet[Invoice]:
    """The invoices and credit notes of one order (for its detail page and API)."""
    return invoice_list_for_user(user).filter(repair_order_id=repair_order.pk)


def credit_note_of(invoice: Invoice) -> Invoice | None:
    """The credit note correcting ``invoice``, if there is one."""
    return Invoice.objects.filter(credited_invoice_id=invoice.pk).first()


def invoice_balance(invoice: Invoice) -> Balance:
    """What was paid, what is still owed and the payment state, from the payments made.

    A credited invoice and a credit note owe nothing: the credit note settles the invoice.
    """
    paid = getattr(invoice, "paid_amount", None)
    if paid is None:
        paid = invoice.payments.aggregate(total=Sum("amount"))["total"] or ZERO
    paid = round_money(Decimal(paid))
    credited = getattr(invoice, "is_credited", None)
    if credited is None:
        credited = Invoice.objects.filter(credited_invoice_id=invoice.pk).exists()
    if invoice.kind == InvoiceKind.CREDIT_NOTE or credited:
        return {"paid": paid, "outstanding": ZERO, "state": PaymentState.CREDITED}
    outstanding = max(invoice.gross_total - paid, ZERO)
    if paid >= invoice.gross_total:
        state = PaymentState.PAID
    elif paid > 0:
        state = PaymentState.PARTLY_PAID
    else:
        state = PaymentState.OPEN
    return {"paid": paid, "outstanding": outstanding, "state": state}


def invoice_actions(user: User, invoice: Invoice) -> dict[str, bool]:
    """Which buttons to offer on an invoice; the services check the same rules again."""
    access = access_for(user)
    balance = invoice_balance(invoice)
    is_invoice = invoice.kind == InvoiceKind.INVOICE
    open_invoice = is_invoice and balance["state"] != PaymentState.CREDITED
    return {
        "can_pay": open_invoice
        and balance["outstanding"] > 0
        and access.can(Perm.PAYMENT_RECORD, invoice.workshop_id),
        "can_credit": open_invoice and access.can(Perm.INVOICE_ISSUE, invoice.workshop_id),
    }
