"""The distribution centres in the configuration: their calendars, cut-offs and the
routes to the workshops. Stock moves through goods in on the centre's page and
orders through the workshops' screens, so both are shown here read-only."""

from typing import Any

from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from servicelane.supply.models import (
    CentreClosedDay,
    CentreStock,
    DeliveryRoute,
    DistributionCentre,
    PartOrder,
    PartOrderEvent,
    PartOrderLine,
)
from servicelane.supply.services import home_centres_assign


class CentreClosedDayInline(admin.TabularInline):
    model = CentreClosedDay
    extra = 0


class DeliveryRouteInline(admin.TabularInline):
    model = DeliveryRoute
    extra = 0
    fields = ["workshop", "transport_hours", "express_hours", "home"]
    autocomplete_fields = ["workshop"]


@admin.register(DistributionCentre)
class DistributionCentreAdmin(admin.ModelAdmin):
    list_display = ["code", "name_en", "country", "time_zone", "opens_at", "closes_at", "network"]
    list_filter = ["network", "country"]
    search_fields = ["code", "name_en", "name_de", "name_zh_hans"]
    fieldsets = [
        (None, {"fields": ["network", "code", "name_en", "name_de", "name_zh_hans"]}),
        (
            _("Calendar"),
            {"fields": ["country", "subdivision", "time_zone", "opens_at", "closes_at"]},
        ),
        (
            _("Cut-off times"),
            {"fields": ["cutoff_super_urgent", "cutoff_urgent", "cutoff_stock"]},
        ),
        (_("Home centre"), {"fields": ["home_regions"]}),
    ]
    inlines = [CentreClosedDayInline, DeliveryRouteInline]


@admin.action(description=_("Choose the home centre of these routes' workshops by region"))
def assign_home_centres(modeladmin: Any, request: HttpRequest, queryset: QuerySet) -> None:
    workshops = {route.workshop for route in queryset.select_related("workshop")}
    for workshop in workshops:
        home_centres_assign(workshop=workshop)
    modeladmin.message_user(
        request,
        ngettext(
            "Home centre chosen for %(count)d workshop.",
            "Home centres chosen for %(count)d workshops.",
            len(workshops),
        )
        % {"count": len(workshops)},
        messages.SUCCESS,
    )


@admin.register(DeliveryRoute)
class DeliveryRouteAdmin(admin.ModelAdmin):
    list_display = ["workshop", "centre", "transport_hours", "express_hours", "home"]
    list_filter = ["centre", "home"]
    list_select_related = ["workshop", "centre"]
    search_fields = ["workshop__name", "workshop__code", "centre__code"]
    autocomplete_fields = ["workshop", "centre"]
    actions = [assign_home_centres]


@admin.register(CentreStock)
class CentreStockAdmin(admin.ModelAdmin):
    """Read-only: goods come in on the centre's page, which allocates back-orders."""

    list_display = ["part", "centre", "on_hand", "allocated"]
    list_filter = ["centre"]
    list_select_related = ["part", "centre"]
    search_fields = ["part__number", "part__name_en"]
    readonly_fields = ["centre", "part", "on_hand", "allocated"]
    show_full_result_count = False

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class ReadOnlyInline(admin.TabularInline):
    extra = 0
    can_delete = False

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


# An order's lines and events are records to look at: every field shown, none changed.
LINE_FIELDS = (
    "position",
    "requested_number",
    "part",
    "quantity",
    "centre",
    "status",
    "ready_at",
    "promised_at",
    "quantity_shipped",
    "quantity_received",
)
EVENT_FIELDS = ("at", "kind", "actor", "data")


class PartOrderLineInline(ReadOnlyInline):
    model = PartOrderLine
    fields = LINE_FIELDS
    readonly_fields = LINE_FIELDS


class PartOrderEventInline(ReadOnlyInline):
    model = PartOrderEvent
    fields = EVENT_FIELDS
    readonly_fields = EVENT_FIELDS


@admin.register(PartOrder)
class PartOrderAdmin(admin.ModelAdmin):
    """Read-only: orders are placed, shipped and received through the services."""

    list_display = ["number", "workshop", "kind", "status", "placed_at", "repair_order_number"]
    list_filter = ["status", "kind", "workshop"]
    list_select_related = ["workshop"]
    search_fields = ["number"]
    date_hierarchy = "placed_at"
    inlines = [PartOrderLineInline, PartOrderEventInline]

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> list[str]:
        return [f.name for f in self.model._meta.fields]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
