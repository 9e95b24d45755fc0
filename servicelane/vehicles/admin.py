from django.contrib import admin

from servicelane.vehicles.models import MileageReading, Ownership, Vehicle, VehicleType


@admin.register(VehicleType)
class VehicleTypeAdmin(admin.ModelAdmin):
    list_display = ["model_name", "model_code", "series", "engine", "fuel_type", "drive", "network"]
    list_filter = ["network", "series", "fuel_type", "drive"]
    search_fields = ["model_name", "model_code", "series"]


class OwnershipInline(admin.TabularInline):
    model = Ownership
    extra = 0
    readonly_fields = ["workshop", "customer", "started_on", "ended_on"]
    can_delete = False


class MileageInline(admin.TabularInline):
    model = MileageReading
    extra = 0
    readonly_fields = ["read_on", "km", "source", "flagged", "workshop", "recorded_by"]
    can_delete = False


@admin.register(Vehicle)
class VehicleAdmin(admin.ModelAdmin):
    list_display = ["vin", "plate", "vehicle_type", "manufacturer", "first_registration"]
    list_filter = ["network", "teleservice", "vehicle_type__series"]
    search_fields = ["vin", "plate"]
    readonly_fields = ["vin", "manufacturer", "vin_check_digit_ok"]
    inlines = [OwnershipInline, MileageInline]

    def has_add_permission(self, request: object) -> bool:
        return False
