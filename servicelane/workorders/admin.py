"""Configuration of the network's labour operations, menu prices and checklists."""

from django.contrib import admin

from servicelane.workorders.models import (
    ChecklistPoint,
    ChecklistTemplate,
    LabourOperation,
    MenuPrice,
)


class MenuPriceInline(admin.TabularInline):
    model = MenuPrice
    extra = 0


@admin.register(LabourOperation)
class LabourOperationAdmin(admin.ModelAdmin):
    list_display = ["code", "name_en", "time_units", "level", "cbs_code", "active", "network"]
    list_filter = ["network", "level", "active"]
    search_fields = ["code", "name_en", "name_de", "name_zh_hans"]
    inlines = [MenuPriceInline]


class ChecklistPointInline(admin.TabularInline):
    model = ChecklistPoint
    extra = 0


@admin.register(ChecklistTemplate)
class ChecklistTemplateAdmin(admin.ModelAdmin):
    list_display = ["name_en", "kind", "service_type_code", "active", "network"]
    list_filter = ["network", "kind", "active"]
    inlines = [ChecklistPointInline]
