"""After the visit: service reminders and satisfaction surveys."""

import datetime as dt
from typing import TYPE_CHECKING, TypeAlias, TypedDict

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from servicelane.core.choices import Language
from servicelane.core.tenancy import WorkshopOwned
from servicelane.followup.choices import ReminderKind, ReminderStatus
from servicelane.vehicles.models import Vehicle

if TYPE_CHECKING:  # the type checker's helper, not installed with the product
    from django_stubs_ext import WithAnnotations

PROMOTER_MIN = 9
DETRACTOR_MAX = 6


class Reminder(WorkshopOwned):
    """One due item (or the warranty end) an owner was reminded of.

    ``cycle`` names the occurrence: the date of the item's last service (or of
    first registration), or the warranty's end. The unique constraint makes "once
    per due item" hold even when two batches run at once; a new service starts a
    new cycle, so the next due date is reminded again.
    """

    vehicle = models.ForeignKey(
        Vehicle, on_delete=models.CASCADE, related_name="reminders", verbose_name=_("vehicle")
    )
    customer = models.ForeignKey(
        "customers.Customer",
        on_delete=models.CASCADE,
        related_name="service_reminders",
        verbose_name=_("owner"),
    )
    kind = models.CharField(_("kind"), max_length=10, choices=ReminderKind.choices)
    item_code = models.CharField(_("maintenance item"), max_length=30, blank=True)
    cycle = models.DateField(_("cycle"))
    due_date = models.DateField(_("due on"), null=True, blank=True)
    due_km = models.PositiveIntegerField(_("due at km"), null=True, blank=True)
    email = models.EmailField(_("e-mail"))
    language = models.CharField(_("language"), max_length=10, choices=Language.choices)
    status = models.CharField(
        _("status"), max_length=10, choices=ReminderStatus.choices, default=ReminderStatus.QUEUED
    )
    run = models.CharField(max_length=32, editable=False, db_index=True)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)

    class Meta:
        verbose_name = _("service reminder")
        verbose_name_plural = _("service reminders")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["vehicle", "kind", "item_code", "cycle"], name="reminder_once_per_cycle"
            ),
        ]
        indexes = [models.Index(fields=["workshop", "created_at"], name="reminder_ws_created_idx")]

    def __str__(self) -> str:
        return f"{self.vehicle.vin} {self.kind} {self.item_code} {self.cycle}"


class Survey(WorkshopOwned):
    """The satisfaction survey of one delivered repair order.

    The address is the one frozen at handover, so nobody can redirect it; the
    answer is stored once.
    """

    # The delivered repair order asked about, by value: its number as the customer read
    # it, and its id, a reference to the repair orders' record (not a relation: follow-up
    # sits below them), unique: one survey per order. Its car and customer as delivered.
    repair_order_ref = models.PositiveBigIntegerField(unique=True)
    repair_order_number = models.CharField(_("repair order"), max_length=24)
    vehicle = models.ForeignKey(
        "vehicles.Vehicle",
        on_delete=models.PROTECT,
        null=True,
        related_name="+",
        verbose_name=_("vehicle"),
    )
    customer = models.ForeignKey(
        "customers.Customer",
        on_delete=models.PROTECT,
        null=True,
        related_name="+",
        verbose_name=_("customer"),
    )
    advisor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("service advisor"),
    )
    email = models.EmailField(_("sent to"), blank=True)
    language = models.CharField(_("language"), max_length=10, choices=Language.choices)
    delivered_at = models.DateTimeField(_("delivered at"))
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)
    answered_at = models.DateTimeField(_("answered at"), null=True, blank=True)
    satisfaction = models.PositiveSmallIntegerField(
        _("overall satisfaction"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(5)],
    )
    recommend = models.PositiveSmallIntegerField(
        _("likelihood to recommend"),
        null=True,
        blank=True,
        validators=[MinValueValidator(0), MaxValueValidator(10)],
    )
    comment = models.TextField(_("comment"), blank=True)
    answer_ip = models.GenericIPAddressField(_("answered from"), null=True, blank=True)
    manager_alerted_at = models.DateTimeField(_("manager alerted at"), null=True, blank=True)

    class Meta:
        verbose_name = _("satisfaction survey")
        verbose_name_plural = _("satisfaction surveys")
        ordering = ["-delivered_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(satisfaction__isnull=True)
                | models.Q(satisfaction__gte=1, satisfaction__lte=5),
                name="survey_satisfaction_1_5",
            ),
            models.CheckConstraint(
                condition=models.Q(recommend__isnull=True)
                | models.Q(recommend__gte=0, recommend__lte=10),
                name="survey_recommend_0_10",
            ),
            models.CheckConstraint(
                condition=models.Q(answered_at__isnull=True)
                | models.Q(satisfaction__isnull=False, recommend__isnull=False),
                name="survey_answer_complete",
            ),
        ]
        indexes = [models.Index(fields=["workshop", "answered_at"], name="survey_ws_answered_idx")]

    def __str__(self) -> str:
        return f"{self.repair_order_number} survey"

    @property
    def is_detractor(self) -> bool:
        return self.recommend is not None and self.recommend <= DETRACTOR_MAX

    @property
    def is_promoter(self) -> bool:
        return self.recommend is not None and self.recommend >= PROMOTER_MIN


class DeliveryDay(TypedDict):
    """What ``followup.selectors`` annotates on a survey: the day of the delivery in its
    workshop's time zone."""

    local_date: dt.date


#: A survey read with its delivery day (the results and the list's day filter).
DatedSurvey: TypeAlias = "WithAnnotations[Survey, DeliveryDay]"
