from django.contrib import admin

from servicelane.customers.models import Customer


@admin.register(Customer)
class CustomerAdmin(admin.ModelAdmin):
    list_display = ["__str__", "workshop", "email", "phone", "city", "language"]
    list_filter = ["workshop", "kind", "language"]
    search_fields = ["last_name", "first_name", "company_name", "email", "phone"]
    readonly_fields = ["workshop", "consent_reminders_at", "consent_marketing_at"]

    def has_add_permission(self, request: object) -> bool:
        # Customers are created in the application, where their workshop is known.
        return False
