"""The workshops' stores in the configuration area: to look at only. Stock moves only
through the ledger (receipts, issues, returns, counts) and bins and limits are set on
the store's screens, which keep the audit trail."""

from django.contrib import admin
from django.http import HttpRequest

from servicelane.store.models import (
    Reservation,
    StockCount,
    StockCountLine,
    StockItem,
    StockMovement,
)


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False


@admin.register(StockItem)
class StockItemAdmin(ReadOnlyAdmin):
    list_display = ["part", "workshop", "bin_location", "on_hand", "minimum", "maximum"]
    list_filter = ["workshop"]
    search_fields = ["part__number", "part__name_en", "bin_location"]
    list_select_related = ["part", "workshop"]


@admin.register(StockMovement)
class StockMovementAdmin(ReadOnlyAdmin):
    list_display = ["at", "workshop", "item", "kind", "quantity", "balance_after", "actor"]
    list_filter = ["workshop", "kind"]
    search_fields = ["item__part__number"]
    list_select_related = ["workshop", "item__part", "actor"]
    date_hierarchy = "at"


@admin.register(Reservation)
class ReservationAdmin(ReadOnlyAdmin):
    list_display = ["item", "workshop", "repair_order_number", "quantity", "status", "created_at"]
    list_filter = ["workshop", "status"]
    search_fields = ["item__part__number"]
    list_select_related = ["workshop", "item__part"]


# A counted part is a record to look at: every field shown, none changed.
COUNT_LINE_FIELDS = ("item", "expected", "counted")


class StockCountLineInline(admin.TabularInline):
    model = StockCountLine
    extra = 0
    can_delete = False
    fields = COUNT_LINE_FIELDS
    readonly_fields = COUNT_LINE_FIELDS

    def has_add_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False


@admin.register(StockCount)
class StockCountAdmin(ReadOnlyAdmin):
    list_display = ["counted_at", "workshop", "counted_by", "note"]
    list_filter = ["workshop"]
    list_select_related = ["workshop", "counted_by"]
    inlines = [StockCountLineInline]
