from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class MovementKind(models.TextChoices):
    OPENING = "opening", _("Opening balance")
    RECEIPT = "receipt", _("Goods receipt")
    ISSUE = "issue", _("Issued to repair order")
    RETURN = "return", _("Returned from repair order")
    COUNT = "count", _("Stock count difference")


class ReservationStatus(models.TextChoices):
    WAITING = "waiting", _("Waiting for goods")
    HELD = "held", _("Held in store")
    ISSUED = "issued", pgettext_lazy("parts", "Issued")
    CANCELLED = "cancelled", _("Cancelled")


# Reservations that still claim stock or wait for it.
OPEN_RESERVATION = (ReservationStatus.WAITING, ReservationStatus.HELD)
