from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from servicelane.core.registry import kpis


class CustomersConfig(AppConfig):
    name = "servicelane.customers"
    label = "customers"
    verbose_name = _("Customers")

    def ready(self) -> None:
        from servicelane.customers.selectors import customer_count_for_user

        kpis.register("customers", customer_count_for_user)
