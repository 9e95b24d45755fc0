from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from servicelane.core.registry import kpis
from servicelane.customers.registry import customer_panels


class VehiclesConfig(AppConfig):
    name = "servicelane.vehicles"
    label = "vehicles"
    verbose_name = _("Vehicles")

    def ready(self) -> None:
        from servicelane.vehicles.panels import customer_vehicles
        from servicelane.vehicles.selectors import vehicle_count_for_user

        kpis.register("vehicles", vehicle_count_for_user)
        customer_panels.register("vehicles", customer_vehicles)
