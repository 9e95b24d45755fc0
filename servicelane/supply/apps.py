from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from servicelane.parts.registry import part_panels
from servicelane.store.registry import Incoming, incoming


class SupplyConfig(AppConfig):
    name = "servicelane.supply"
    label = "supply"
    verbose_name = _("Distribution centres and part orders")

    def ready(self) -> None:
        from servicelane.supply.panels import part_centres, part_store
        from servicelane.supply.selectors import next_arrivals, on_order, order_lines_by_id

        incoming.register(
            "part_orders",
            Incoming(on_order=on_order, next_arrivals=next_arrivals, lines=order_lines_by_id),
        )
        part_panels.register("store", part_store)
        part_panels.register("centres", part_centres)
