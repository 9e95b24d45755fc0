from django.db import models
from django.utils.translation import gettext_lazy as _


class FuelType(models.TextChoices):
    PETROL = "petrol", _("Petrol")
    DIESEL = "diesel", _("Diesel")
    HYBRID = "hybrid", _("Hybrid")
    PLUG_IN_HYBRID = "phev", _("Plug-in hybrid")
    ELECTRIC = "electric", _("Electric")


class Drive(models.TextChoices):
    REAR = "rwd", _("Rear-wheel drive")
    FRONT = "fwd", _("Front-wheel drive")
    ALL = "awd", _("All-wheel drive")


class MileageSource(models.TextChoices):
    RECEPTION = "reception", _("Reception")
    SERVICE = "service", _("Service")
    CUSTOMER = "customer", _("Customer")
    TELEMATICS = "telematics", _("Telematics")
    MANUAL = "manual", _("Manual entry")
