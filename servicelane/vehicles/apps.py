from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from servicelane.core.registry import kpis


class VehiclesConfig(AppConfig):
    name = "servicelane.vehicles"
    label = "vehicles"
    verbose_name = _("Vehicles")

    def ready(self) -> None:
        from servicelane.vehicles.selectors import vehicle_count_for_user

        kpis.register("vehicles", vehicle_count_for_user)
