"""Configuration of the network's maintenance items; the service book itself is read-only
here: entries are written and corrected in the application, where the rules hold."""

from typing import Any

from django.contrib import admin
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from servicelane.servicebook.models import MaintenanceInterval, MaintenanceItem, ServiceEntry


class MaintenanceIntervalInline(admin.TabularInline):
    model = MaintenanceInterval
    extra = 0
    fields = ["vehicle_type", "applies", "interval_months", "interval_km"]


@admin.register(MaintenanceItem)
class MaintenanceItemAdmin(admin.ModelAdmin):
    list_display = [
        "code",
        "name_en",
        "interval_months",
        "interval_km",
        "position",
        "active",
        "network",
    ]
    list_filter = ["network", "active"]
    search_fields = ["code", "name_en", "name_de", "name_zh_hans"]
    ordering = ["network", "position", "code"]
    inlines = [MaintenanceIntervalInline]


@admin.register(ServiceEntry)
class ServiceEntryAdmin(admin.ModelAdmin):
    """Read-only: corrections go through the application, which keeps the original."""

    list_display = [
        "performed_on",
        "vin",
        "kind",
        "mileage",
        "workshop",
        "source",
        "flagged",
        "review_state",
        "transfer_status",
        "is_current",
    ]
    list_filter = ["kind", "source", "flagged", "review_state", "transfer_status", "workshop"]
    search_fields = ["vehicle__vin"]
    date_hierarchy = "performed_on"
    list_select_related = ["vehicle", "workshop", "replaced_by"]

    @admin.display(description=_("VIN"), ordering="vehicle__vin")
    def vin(self, entry: ServiceEntry) -> str:
        return entry.vehicle.vin

    @admin.display(description=_("current"), boolean=True)
    def is_current(self, entry: ServiceEntry) -> bool:
        return entry.is_current

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> list[str]:
        return [f.name for f in self.model._meta.fields]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
