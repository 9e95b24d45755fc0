"""The service book: the network-wide service and repair history of every car (by VIN).

Every workshop of the network reads every entry; an entry belongs to the
workshop that wrote it, and only that workshop corrects it. A correction is a new
entry that replaces the old one, which stays (``replaced_by``) for the audit.
"""

from typing import Any

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from servicelane.core.models import Network, Workshop
from servicelane.servicebook.choices import (
    EntryKind,
    EntryReviewState,
    EntrySource,
    ReviewKind,
    ReviewStatus,
    TransferStatus,
)
from servicelane.vehicles.models import MAX_KM, Vehicle, VehicleType


class MaintenanceItem(models.Model):
    """One item of the network's Condition Based Service list (engine oil, brake fluid...).

    The interval is time, distance or both, whichever comes first; a vehicle type
    may have its own interval or not need the item at all (``MaintenanceInterval``).
    """

    network = models.ForeignKey(Network, on_delete=models.CASCADE, related_name="maintenance_items")
    code = models.SlugField(_("code"), max_length=30)
    name_en = models.CharField(_("name (English)"), max_length=100)
    name_de = models.CharField(_("name (German)"), max_length=100, blank=True)
    name_zh_hans = models.CharField(_("name (Chinese)"), max_length=100, blank=True)
    interval_months = models.PositiveSmallIntegerField(
        _("interval (months)"), null=True, blank=True
    )
    interval_km = models.PositiveIntegerField(_("interval (km)"), null=True, blank=True)
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("maintenance item")
        verbose_name_plural = _("maintenance items")
        ordering = ["position", "code"]
        constraints = [
            models.UniqueConstraint(fields=["network", "code"], name="maintenance_item_unique"),
            models.CheckConstraint(
                condition=models.Q(interval_months__isnull=False)
                | models.Q(interval_km__isnull=False),
                name="maintenance_item_has_interval",
                violation_error_message=_("Give an interval in months, in km or both."),
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def name(self) -> str:
        """The name in the active language, English when that one is missing."""
        language = (get_language() or "en").replace("-", "_").lower()
        localised = {"de": self.name_de, "zh_hans": self.name_zh_hans}.get(language)
        return localised or self.name_en


class MaintenanceInterval(models.Model):
    """A vehicle type's own interval for an item, or the item not applying to it at all
    (no engine oil in an electric car)."""

    item = models.ForeignKey(MaintenanceItem, on_delete=models.CASCADE, related_name="intervals")
    vehicle_type = models.ForeignKey(
        VehicleType,
        on_delete=models.CASCADE,
        related_name="maintenance_intervals",
        verbose_name=_("vehicle type"),
    )
    applies = models.BooleanField(_("applies to this type"), default=True)
    interval_months = models.PositiveSmallIntegerField(
        _("interval (months)"), null=True, blank=True
    )
    interval_km = models.PositiveIntegerField(_("interval (km)"), null=True, blank=True)

    class Meta:
        verbose_name = _("interval per vehicle type")
        verbose_name_plural = _("intervals per vehicle type")
        constraints = [
            models.UniqueConstraint(
                fields=["item", "vehicle_type"], name="maintenance_interval_unique"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.item.code} · {self.vehicle_type}"


class ServiceEntryQuerySet(models.QuerySet["ServiceEntry"]):
    def current(self) -> "ServiceEntryQuerySet":
        """Entries as they stand now: corrected originals are left out."""
        return self.filter(replaced_by__isnull=True)

    def counting(self) -> "ServiceEntryQuerySet":
        """Current entries that count: in the history, the prediction, the car's mileage
        and its roll-back suspicion. One awaiting the network's review or rejected by it
        does not."""
        return self.current().exclude(
            review_state__in=[EntryReviewState.PENDING, EntryReviewState.REJECTED]
        )


class ServiceEntry(models.Model):
    """One line of a car's service history or repair history."""

    vehicle = models.ForeignKey(
        Vehicle, on_delete=models.CASCADE, related_name="service_entries", verbose_name=_("vehicle")
    )
    kind = models.CharField(_("history"), max_length=10, choices=EntryKind.choices)
    workshop = models.ForeignKey(
        Workshop, on_delete=models.PROTECT, related_name="+", verbose_name=_("workshop")
    )
    performed_on = models.DateField(_("date"))
    mileage = models.PositiveIntegerField(
        _("mileage (km)"), validators=[MinValueValidator(0), MaxValueValidator(MAX_KM)]
    )
    # Codes of the network's maintenance items: the service book's own vocabulary.
    items = models.JSONField(_("maintenance items performed"), default=list, blank=True)
    description = models.TextField(_("work done"), blank=True)
    source = models.CharField(
        _("source"), max_length=12, choices=EntrySource.choices, default=EntrySource.MANUAL
    )
    # The workshop's document the entry was written from (a delivered repair order): its
    # number as printed, and its id, a reference to the repair orders' record (not a
    # relation: the service book sits below them) for the workshop's link to it and for
    # writing an order's entries once.
    document_number = models.CharField(_("repair order"), max_length=24, blank=True)
    repair_order_ref = models.PositiveBigIntegerField(null=True, blank=True)
    flagged = models.BooleanField(
        _("mileage lower than an earlier entry"),
        default=False,
        help_text=_("Kept after confirmation; the odometer may have been turned back."),
    )
    review_state = models.CharField(
        _("review"),
        max_length=10,
        choices=EntryReviewState.choices,
        default=EntryReviewState.NONE,
        blank=True,
    )
    transfer_requested = models.BooleanField(_("transfer to the car"), default=False)
    transfer_status = models.CharField(
        _("transfer"),
        max_length=12,
        choices=TransferStatus.choices,
        default=TransferStatus.NOT_REQUESTED,
        blank=True,
    )
    transfer_note = models.CharField(_("transfer note"), max_length=300, blank=True)
    transferred_at = models.DateTimeField(_("transferred at"), null=True, blank=True)
    replaces = models.OneToOneField(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="replaced_by",
        verbose_name=_("corrects"),
    )
    correction_reason = models.CharField(_("reason for the correction"), max_length=300, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("entered by"),
    )
    created_at = models.DateTimeField(_("entered at"), default=timezone.now)

    objects = ServiceEntryQuerySet.as_manager()

    class Meta:
        verbose_name = _("service book entry")
        verbose_name_plural = _("service book entries")
        ordering = ["-performed_on", "-id"]
        indexes = [
            models.Index(fields=["vehicle", "performed_on"], name="entry_vehicle_date_idx"),
            models.Index(fields=["workshop", "created_at"], name="entry_workshop_created_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(kind=EntryKind.REPAIR, transfer_requested=True),
                name="entry_repair_never_transferred",
                violation_error_message=_("Only service entries are transferred to the car."),
            ),
            # A delivered repair order writes its entries once, whatever retries.
            models.UniqueConstraint(
                fields=["repair_order_ref", "kind"],
                condition=models.Q(repair_order_ref__isnull=False, replaces__isnull=True),
                name="entry_once_per_repair_order",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.vehicle.vin} {self.performed_on} {self.get_kind_display()}"

    @property
    def counts(self) -> bool:
        return self.review_state not in (EntryReviewState.PENDING, EntryReviewState.REJECTED)

    @property
    def is_current(self) -> bool:
        try:
            self.replaced_by  # noqa: B018 - the reverse one-to-one raises when absent
        except ServiceEntry.DoesNotExist:
            return True
        return False

    def item_names(self, items: dict[str, Any]) -> list[str]:
        """Names of the performed items from a ``{code: MaintenanceItem}`` map."""
        return [str(items[c].name) if c in items else c for c in self.items]


class EntryReview(models.Model):
    """One item of the network staff's review queue for the service book.

    - *lower mileage*: an entry below the car's history, written by a workshop that
      never registered the car; it counts only once accepted;
    - *correction*: the author's change of an entry's date or mileage (``proposed``);
      the correction is written only once accepted;
    - *dispute*: another workshop contests an entry (``reason``); upheld, the entry is
      rejected, dismissed, it stays.
    """

    network = models.ForeignKey(Network, on_delete=models.CASCADE, related_name="+")
    entry = models.ForeignKey(
        ServiceEntry, on_delete=models.CASCADE, related_name="reviews", verbose_name=_("entry")
    )
    kind = models.CharField(_("kind"), max_length=15, choices=ReviewKind.choices)
    status = models.CharField(
        _("status"), max_length=10, choices=ReviewStatus.choices, default=ReviewStatus.PENDING
    )
    workshop = models.ForeignKey(
        Workshop, on_delete=models.PROTECT, related_name="+", verbose_name=_("raised by")
    )
    raised_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    raised_at = models.DateTimeField(_("raised at"), default=timezone.now)
    reason = models.CharField(_("reason"), max_length=300, blank=True)
    # A correction's new values, as the author entered them.
    proposed = models.JSONField(_("proposed values"), default=dict, blank=True)
    # The highest mileage the history showed on the entry's date when the review was raised.
    history_km = models.PositiveIntegerField(_("history (km)"), null=True, blank=True)
    correction = models.OneToOneField(
        ServiceEntry,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("correction written"),
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    decision_reason = models.CharField(_("reason for the decision"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("service book review")
        verbose_name_plural = _("service book reviews")
        ordering = ["raised_at", "id"]
        indexes = [
            models.Index(fields=["network", "status", "raised_at"], name="review_queue_idx"),
        ]
        constraints = [
            # One open review of the entry's own values at a time; one open dispute per
            # disputing workshop.
            models.UniqueConstraint(
                fields=["entry"],
                condition=models.Q(status="pending", kind__in=["lower_mileage", "correction"]),
                name="review_one_pending_of_entry",
            ),
            models.UniqueConstraint(
                fields=["entry", "workshop"],
                condition=models.Q(status="pending", kind="dispute"),
                name="review_one_pending_dispute_per_workshop",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} · {self.entry_id} · {self.get_status_display()}"

    @property
    def is_pending(self) -> bool:
        return self.status == ReviewStatus.PENDING

    @property
    def outcome(self) -> str:
        """The decision in the words of its kind: a dispute is upheld or dismissed."""
        if self.kind == ReviewKind.DISPUTE and self.status == ReviewStatus.ACCEPTED:
            return str(_("Dispute upheld"))
        if self.kind == ReviewKind.DISPUTE and self.status == ReviewStatus.REJECTED:
            return str(_("Dispute dismissed"))
        return str(self.get_status_display())
