from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from servicelane.store.registry import Incoming, incoming


class SupplyConfig(AppConfig):
    name = "servicelane.supply"
    label = "supply"
    verbose_name = _("Distribution centres and part orders")

    def ready(self) -> None:
        from servicelane.supply.selectors import next_arrivals, on_order

        incoming.register("part_orders", Incoming(on_order=on_order, next_arrivals=next_arrivals))
