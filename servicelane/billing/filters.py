"""One filter set for the invoice list, shared by the cashier's screen and the API."""

import django_filters
from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _

from servicelane.billing.choices import InvoiceKind, PaymentState
from servicelane.billing.models import Invoice, PaidInvoice
from servicelane.core.dates import validate_sane_date


class InvoiceFilter(django_filters.FilterSet):
    """Expects the queryset of ``selectors.invoice_list_for_user`` (annotated with
    ``payment_state``)."""

    q = django_filters.CharFilter(method="search", label=_("Search"))
    kind = django_filters.ChoiceFilter(choices=InvoiceKind.choices, label=_("Kind"))
    state = django_filters.ChoiceFilter(
        choices=PaymentState.choices, method="in_state", label=_("Payment")
    )
    date_from = django_filters.DateFilter(
        field_name="issued_at",
        lookup_expr="date__gte",
        label=_("Issued from"),
        validators=[validate_sane_date],
    )
    date_to = django_filters.DateFilter(
        field_name="issued_at",
        lookup_expr="date__lte",
        label=_("Issued until"),
        validators=[validate_sane_date],
    )
    repair_order = django_filters.NumberFilter(
        field_name="repair_order_id", label=_("Repair order")
    )
    workshop = django_filters.CharFilter(
        field_name="workshop__code", lookup_expr="iexact", label=_("Workshop")
    )

    class Meta:
        model = Invoice
        fields = ["q", "kind", "state", "date_from", "date_to", "repair_order", "workshop"]

    def search(
        self, queryset: QuerySet[PaidInvoice], name: str, value: str
    ) -> QuerySet[PaidInvoice]:
        """Invoice number (or its end), the customer's name, plate or VIN as printed."""
        text = value.strip()
        if not text:
            return queryset
        condition = Q(number__icontains=text) | Q(repair_order__number__icontains=text)
        buyer = Q()
        for word in text.split():
            buyer &= Q(buyer_name__icontains=word)
        condition |= buyer
        compact = text.replace(" ", "").replace("-", "")
        if len(compact) >= 3:
            condition |= Q(vehicle_plate__icontains=text) | Q(vehicle_vin__endswith=compact.upper())
        return queryset.filter(condition)

    def in_state(
        self, queryset: QuerySet[PaidInvoice], name: str, value: str
    ) -> QuerySet[PaidInvoice]:
        """Payment states are about invoices; credit notes only ever show as credited."""
        if not value:
            return queryset
        return queryset.filter(kind=InvoiceKind.INVOICE, payment_state=value)
