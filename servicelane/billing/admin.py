"""Invoices in the configuration area: to look at only. They are issued, credited and paid
through the cashier's screens and the API, which keep the numbering and the audit trail."""

from django.contrib import admin

from servicelane.billing.models import Invoice, InvoiceLine, Payment


class ReadOnlyInline(admin.TabularInline):
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False


class InvoiceLineInline(ReadOnlyInline):
    model = InvoiceLine
    fields = [
        "position",
        "job_title",
        "kind",
        "code",
        "description",
        "quantity",
        "unit_price",
        "discount_percent",
        "discount_reason",
        "net_amount",
    ]


class PaymentInline(ReadOnlyInline):
    model = Payment
    fields = ["received_at", "method", "amount", "reference", "received_by"]


@admin.register(Invoice)
class InvoiceAdmin(admin.ModelAdmin):
    list_display = ["number", "kind", "workshop", "issued_at", "buyer_name", "gross_total"]
    list_filter = ["kind", "workshop", "year"]
    search_fields = ["number", "buyer_name", "vehicle_vin", "vehicle_plate"]
    list_select_related = ["workshop"]
    inlines = [InvoiceLineInline, PaymentInline]

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False
