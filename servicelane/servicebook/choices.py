from django.db import models
from django.utils.translation import gettext_lazy as _


class EntryKind(models.TextChoices):
    """The two histories of the service book, kept apart."""

    SERVICE = "service", _("Service")
    REPAIR = "repair", _("Repair")


class EntrySource(models.TextChoices):
    REPAIR_ORDER = "repair_order", _("Repair order")
    MANUAL = "manual", _("Entered by hand")


class TransferStatus(models.TextChoices):
    """Writing a service entry into the car through teleservice."""

    NOT_REQUESTED = "", _("Not requested")
    QUEUED = "queued", _("Queued")
    TRANSFERRED = "transferred", _("Transferred to the car")
    FAILED = "failed", _("Transfer failed")


class DueStatus(models.TextChoices):
    OK = "ok", _("OK")
    DUE_SOON = "due_soon", _("Due soon")
    OVERDUE = "overdue", _("Overdue")


class DueBasis(models.TextChoices):
    """Where a due date comes from, shown next to it so people can trust it."""

    LAST_SERVICE = "last_service", _("Interval since the last service")
    FIRST_REGISTRATION = "first_registration", _("Interval since first registration")
    CAR_DATA = "car_data", _("The car's own Condition Based Service data")


class EntryReviewState(models.TextChoices):
    """Where an entry stands with the network's review; pending and rejected ones do not
    count in the car's history, its prediction or its roll-back suspicion."""

    NONE = "", _("Counts")
    PENDING = "pending", _("Awaiting the network's review")
    ACCEPTED = "accepted", _("Accepted by the network")
    REJECTED = "rejected", _("Rejected by the network")


class ReviewKind(models.TextChoices):
    """What network staff review in the service book."""

    LOWER_MILEAGE = "lower_mileage", _("Mileage below the history, from another workshop")
    CORRECTION = "correction", _("Correction of the date or mileage")
    DISPUTE = "dispute", _("Dispute by another workshop")


class ReviewStatus(models.TextChoices):
    PENDING = "pending", _("Pending")
    ACCEPTED = "accepted", _("Accepted")
    REJECTED = "rejected", _("Rejected")
