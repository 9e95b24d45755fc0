"""Surveys and reminders in the configuration area: to look at only. Surveys are answered
through the owner's link and reminders written by the daily batch, never by hand."""

from django.contrib import admin

from servicelane.followup.models import Reminder, Survey


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


@admin.register(Survey)
class SurveyAdmin(ReadOnlyAdmin):
    list_display = [
        "repair_order_number",
        "workshop",
        "advisor",
        "delivered_at",
        "sent_at",
        "answered_at",
        "satisfaction",
        "recommend",
        "manager_alerted_at",
    ]
    list_filter = ["workshop", "language"]
    search_fields = ["repair_order_number", "email"]
    list_select_related = ["workshop", "advisor"]
    date_hierarchy = "delivered_at"


@admin.register(Reminder)
class ReminderAdmin(ReadOnlyAdmin):
    list_display = [
        "vehicle",
        "workshop",
        "customer",
        "kind",
        "item_code",
        "due_date",
        "due_km",
        "status",
        "created_at",
        "sent_at",
    ]
    list_filter = ["status", "kind", "workshop"]
    search_fields = ["vehicle__vin", "email", "customer__last_name"]
    list_select_related = ["workshop", "vehicle", "customer"]
    date_hierarchy = "created_at"
