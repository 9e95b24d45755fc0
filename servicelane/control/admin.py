"""The control centre in the configuration area. Everything is made on the roster
screens, where the workshop is known and the rules are checked: here a bay's name may be
corrected and a shift or an absence deleted; attendance and planning runs are records to
look at only. The special tools are in their own app's admin (servicelane.tools)."""

from django.contrib import admin
from django.http import HttpRequest

from servicelane.control.models import Absence, AttendanceEntry, Bay, PlanningRun, Shift


class NoAddAdmin(admin.ModelAdmin):
    """Made in the application, where the workshop is known: changed here, not added."""

    readonly_fields = ["workshop"]

    def has_add_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False


class DeleteOnlyAdmin(ReadOnlyAdmin):
    """To look at, or to delete one entered by mistake."""

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        # The staff member's own delete permission decides, as for any model.
        return admin.ModelAdmin.has_delete_permission(self, request, obj)


@admin.register(Bay)
class BayAdmin(NoAddAdmin):
    list_display = ["code", "name", "workshop", "equipment", "active"]
    list_filter = ["workshop", "active"]
    search_fields = ["code", "name"]
    list_select_related = ["workshop"]
    readonly_fields = ["workshop", "code", "equipment"]


@admin.register(Shift)
class ShiftAdmin(DeleteOnlyAdmin):
    list_display = [
        "date",
        "technician",
        "workshop",
        "starts_at",
        "ends_at",
        "break_starts_at",
        "break_minutes",
    ]
    list_filter = ["workshop"]
    search_fields = ["technician__full_name", "technician__email"]
    list_select_related = ["workshop", "technician"]
    date_hierarchy = "date"


@admin.register(Absence)
class AbsenceAdmin(DeleteOnlyAdmin):
    list_display = ["technician", "workshop", "starts_at", "ends_at", "reason"]
    list_filter = ["workshop"]
    search_fields = ["technician__full_name", "technician__email", "reason"]
    list_select_related = ["workshop", "technician"]
    date_hierarchy = "starts_at"


@admin.register(AttendanceEntry)
class AttendanceEntryAdmin(ReadOnlyAdmin):
    list_display = ["technician", "workshop", "clock_in", "clock_out"]
    list_filter = ["workshop"]
    search_fields = ["technician__full_name", "technician__email"]
    list_select_related = ["workshop", "technician"]
    date_hierarchy = "clock_in"


@admin.register(PlanningRun)
class PlanningRunAdmin(ReadOnlyAdmin):
    list_display = ["date", "workshop", "status", "requested_by", "created_at", "finished_at"]
    list_filter = ["workshop", "status"]
    list_select_related = ["workshop", "requested_by"]
    date_hierarchy = "created_at"
