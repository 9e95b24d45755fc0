from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from servicelane.servicebook.registry import car_readings
from servicelane.supply.registry import OrderTarget, order_targets


class WorkordersConfig(AppConfig):
    name = "servicelane.workorders"
    label = "workorders"
    verbose_name = _("Repair orders")

    def ready(self) -> None:
        from servicelane.workorders.selectors import (
            cbs_readings,
            open_repair_orders,
            repair_order_by_number,
        )

        car_readings.register("cbs", cbs_readings)
        order_targets.register(
            "repair_orders", OrderTarget(open_for=open_repair_orders, find=repair_order_by_number)
        )
