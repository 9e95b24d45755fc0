from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class PartsConfig(AppConfig):
    name = "servicelane.parts"
    label = "parts"
    verbose_name = _("Parts")

    def ready(self) -> None:
        from servicelane.parts.fts import ensure_sqlite_index

        post_migrate.connect(ensure_sqlite_index, sender=self)
