"""Writing a service entry into the car (teleservice).

The car is reached through the maker's teleservice gateway, outside this
application. Like Django's e-mail backends, a backend class is chosen in the
settings (TELESERVICE_BACKEND). The default writes the message into an outbox
directory the gateway collects from (one JSON file per entry, named by VIN); an
installation with an online gateway plugs in its own class with a ``send(entry)``
method returning a reference.
"""

import json
from pathlib import Path
from typing import Any

from django.conf import settings
from django.utils.module_loading import import_string
from django.utils.translation import gettext as _


class TransferError(Exception):
    """The gateway did not take the entry; the message says why."""


class OutboxBackend:
    def __init__(self, directory: str | None = None) -> None:
        self.directory = Path(directory or settings.TELESERVICE_OUTBOX_DIR)

    def send(self, entry: Any) -> str:
        message = {
            "vin": entry.vehicle.vin,
            "entry": entry.pk,
            "date": entry.performed_on.isoformat(),
            "mileage_km": entry.mileage,
            "items": entry.items,
            "workshop": entry.workshop.code,
        }
        path = self.directory / entry.vehicle.vin / f"service-entry-{entry.pk}.json"
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(json.dumps(message, ensure_ascii=False, indent=2), encoding="utf-8")
        except OSError as exc:
            raise TransferError(
                _("The teleservice outbox cannot be written: %(error)s") % {"error": exc.strerror}
            ) from exc
        return str(path.name)


def get_backend() -> Any:
    return import_string(settings.TELESERVICE_BACKEND)()
