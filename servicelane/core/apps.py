from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "servicelane.core"
    label = "core"
    verbose_name = _("Network and workshops")

    def ready(self) -> None:
        from django.contrib.auth.signals import user_login_failed

        from servicelane.core.throttles import count_failed_login

        user_login_failed.connect(count_failed_login, dispatch_uid="core.login_address_failures")
