from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DemoConfig(AppConfig):
    """The demo network: built through every app's services, for `make run`, the browser
    tests and the benchmarks. No models of its own."""

    name = "servicelane.demo"
    label = "demo"
    verbose_name = _("Demo")
