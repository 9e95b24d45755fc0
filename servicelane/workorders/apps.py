from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from servicelane.servicebook.registry import car_readings


class WorkordersConfig(AppConfig):
    name = "servicelane.workorders"
    label = "workorders"
    verbose_name = _("Repair orders")

    def ready(self) -> None:
        from servicelane.workorders.selectors import cbs_readings

        car_readings.register("cbs", cbs_readings)
