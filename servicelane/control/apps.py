from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ControlConfig(AppConfig):
    name = "servicelane.control"
    label = "control"
    verbose_name = _("Workshop control centre")
