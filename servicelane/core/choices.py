from django.db import models
from django.utils.translation import gettext_lazy as _


class WorkshopRole(models.TextChoices):
    ADVISOR = "advisor", _("Service advisor")
    TECHNICIAN = "technician", _("Technician")
    FOREMAN = "foreman", _("Foreman")
    PARTS_CLERK = "parts_clerk", _("Parts clerk")
    CASHIER = "cashier", _("Cashier")
    MANAGER = "manager", _("Workshop manager")


class NetworkRole(models.TextChoices):
    NETWORK_ADMIN = "network_admin", _("Network administrator")
    NETWORK_SUPPORT = "network_support", _("Network support")


class TokenScope(models.TextChoices):
    READ_WRITE = "read_write", _("Read and write")
    READ_ONLY = "read_only", _("Read only")


class Language(models.TextChoices):
    ENGLISH = "en", _("English")
    GERMAN = "de", _("German")
    CHINESE = "zh-hans", _("Simplified Chinese")


class QualificationLevel(models.IntegerChoices):
    """Technician training levels; some work needs at least a given level."""

    INDUCTION = 1, _("Induction")
    MECHATRONIC = 2, _("Mechatronic")
    TECHNICIAN = 3, _("Technician")
    SENIOR = 4, _("Senior technician")
