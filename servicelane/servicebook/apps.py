from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from servicelane.vehicles.registry import vehicle_banners


class ServicebookConfig(AppConfig):
    name = "servicelane.servicebook"
    label = "servicebook"
    verbose_name = _("Service book")

    def ready(self) -> None:
        from servicelane.servicebook.panels import rollback_banner

        vehicle_banners.register("rollback", rollback_banner)
