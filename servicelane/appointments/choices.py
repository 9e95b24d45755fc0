from django.db import models
from django.utils.translation import gettext_lazy as _


class LaneKind(models.TextChoices):
    GENERAL = "general", _("General service")
    EXPRESS = "express", _("Express service")
    BODY_PAINT = "body_paint", _("Body & paint")


class Weekday(models.IntegerChoices):
    MONDAY = 0, _("Monday")
    TUESDAY = 1, _("Tuesday")
    WEDNESDAY = 2, _("Wednesday")
    THURSDAY = 3, _("Thursday")
    FRIDAY = 4, _("Friday")
    SATURDAY = 5, _("Saturday")
    SUNDAY = 6, _("Sunday")


class AppointmentStatus(models.TextChoices):
    BOOKED = "booked", _("Booked")
    ARRIVED = "arrived", _("Arrived")
    NO_SHOW = "no_show", _("No-show")
    CANCELLED = "cancelled", _("Cancelled")


# Which status may follow which; anything else is refused with the reason.
TRANSITIONS: dict[str, set[str]] = {
    AppointmentStatus.BOOKED: {
        AppointmentStatus.ARRIVED,
        AppointmentStatus.NO_SHOW,
        AppointmentStatus.CANCELLED,
    },
    # A customer marked as no-show may still turn up late.
    AppointmentStatus.NO_SHOW: {AppointmentStatus.ARRIVED},
    AppointmentStatus.ARRIVED: set(),
    AppointmentStatus.CANCELLED: set(),
}


# Appointments in these states hold their capacity.
HOLDING_STATUSES = (AppointmentStatus.BOOKED, AppointmentStatus.ARRIVED)


class Channel(models.TextChoices):
    PHONE = "phone", _("Phone (advisor)")
    WEB = "web", _("Public booking page")
    API = "api", _("API")


class EventKind(models.TextChoices):
    BOOKED = "booked", _("Booked")
    RESCHEDULED = "rescheduled", _("Rescheduled")
    CANCELLED = "cancelled", _("Cancelled")
    ARRIVED = "arrived", _("Arrived")
    NO_SHOW = "no_show", _("No-show")
    REMINDER_SENT = "reminder_sent", _("Reminder sent")
    VEHICLE_CONFIRMED = "car_confirmed", _("Car confirmed")
