from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ServicebookConfig(AppConfig):
    name = "servicelane.servicebook"
    label = "servicebook"
    verbose_name = _("Service book")
