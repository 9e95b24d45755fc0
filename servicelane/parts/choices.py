from django.db import models
from django.utils.translation import gettext_lazy as _


class Unit(models.TextChoices):
    PIECE = "piece", _("piece")
    SET = "set", _("set")
    LITRE = "litre", _("litre")
    METRE = "metre", _("metre")
    KILOGRAM = "kg", _("kilogram")
