"""The special-tool register in the configuration area. Tools are registered in the
tools room, where the workshop is known and the rules are checked: here a tool's name
or place may be corrected; where it is and its state move only through check-out,
return and the tools room's state changes, and the movements are records to look at."""

from django.contrib import admin
from django.http import HttpRequest

from servicelane.tools.models import SpecialTool, ToolMovement

# A movement is a record to look at: every field shown, none changed.
MOVEMENT_FIELDS = ("at", "kind", "state", "technician", "job_id", "actor")


class ToolMovementInline(admin.TabularInline):
    model = ToolMovement
    extra = 0
    can_delete = False
    fields = MOVEMENT_FIELDS
    readonly_fields = MOVEMENT_FIELDS
    ordering = ["-at", "-id"]

    def has_add_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False


@admin.register(SpecialTool)
class SpecialToolAdmin(admin.ModelAdmin):
    """The register's master data (name, place) may be corrected; where a tool is and
    its state move only through check-out, return and the tools room's state changes,
    which keep the log."""

    list_display = [
        "number",
        "copy",
        "name",
        "workshop",
        "storage_place",
        "state",
        "holder",
        "due_back_at",
        "calibration_due",
    ]
    list_filter = ["workshop", "state"]
    search_fields = ["number", "name", "storage_place"]
    list_select_related = ["workshop", "holder"]
    readonly_fields = [
        "workshop",
        "number",
        "copy",
        "state",
        "holder",
        "job_id",
        "due_back_at",
        "calibration_due",
    ]
    inlines = [ToolMovementInline]

    def has_add_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False
