"""The workshop's parts store: what is on the shelves, where, and who it is kept for.

Stock is a ledger. Every change of a part's quantity is a ``StockMovement`` row
written by ``store.services`` in the same transaction that moves
``StockItem.on_hand``, which is only the ledger's running balance kept for fast
reads (the services lock the item row, so balance and ledger never disagree).
"""

from decimal import Decimal
from typing import TYPE_CHECKING, TypeAlias, TypedDict

from django.conf import settings
from django.db import models
from django.db.models.expressions import Combinable
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from servicelane.core.tenancy import WorkshopOwned
from servicelane.store.choices import OPEN_RESERVATION, MovementKind, ReservationStatus

if TYPE_CHECKING:  # the type checker's helper, not installed with the product
    from django_stubs_ext import StrOrPromise, WithAnnotations

# A quantity of goods: up to 99,999,999.99 of a unit.
QUANTITY_DIGITS = 10
QUANTITY_PLACES = 2


#: The column of a quantity, as the type checker sees it (what it takes, what it gives).
QuantityField: TypeAlias = "models.DecimalField[Decimal | int | str | float | Combinable, Decimal]"


def quantity_field(
    verbose_name: "StrOrPromise",
    *,
    default: Decimal | int | type[models.NOT_PROVIDED] = models.NOT_PROVIDED,
    editable: bool = True,
) -> QuantityField:
    """A quantity of goods (the store's and the part orders' columns)."""
    return models.DecimalField(
        verbose_name,
        max_digits=QUANTITY_DIGITS,
        decimal_places=QUANTITY_PLACES,
        default=default,
        editable=editable,
    )


class StockItem(WorkshopOwned):
    """One catalogue part kept in one workshop's store."""

    part = models.ForeignKey(
        "parts.Part", on_delete=models.PROTECT, related_name="stock_items", verbose_name=_("part")
    )
    bin_location = models.CharField(_("bin location"), max_length=20, blank=True)
    minimum = quantity_field(_("minimum stock"), default=Decimal(0))
    maximum = quantity_field(_("maximum stock"), default=Decimal(0))
    on_hand = quantity_field(_("on hand"), default=Decimal(0), editable=False)

    class Meta:
        verbose_name = _("stock item")
        verbose_name_plural = _("stock items")
        ordering = ["bin_location", "part__number"]
        constraints = [
            models.UniqueConstraint(fields=["workshop", "part"], name="stock_item_unique_part"),
            models.CheckConstraint(
                condition=models.Q(minimum__gte=0) & models.Q(maximum__gte=models.F("minimum")),
                name="stock_item_min_max",
            ),
            models.CheckConstraint(
                condition=models.Q(on_hand__gte=0), name="stock_item_on_hand_not_negative"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.part.number} @ {self.bin_location or '-'}"


class ReservedAnnotations(TypedDict):
    """What ``store.selectors.store_items`` annotates on each item: the quantities its
    reservations hold and wait for (0 without any)."""

    held: Decimal
    waiting: Decimal


#: An item read with what its reservations hold and wait for (``store_items``).
ReservedItem: TypeAlias = "WithAnnotations[StockItem, ReservedAnnotations]"


class StockMovement(WorkshopOwned):
    """One line of the stock ledger: a signed quantity and the balance after it."""

    item = models.ForeignKey(StockItem, on_delete=models.PROTECT, related_name="movements")
    kind = models.CharField(_("movement"), max_length=10, choices=MovementKind.choices)
    quantity = quantity_field(_("quantity"))
    balance_after = quantity_field(_("balance"))
    at = models.DateTimeField(_("time"), default=timezone.now)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("by"),
    )
    # The document that moved the goods, cited by value (the store sits below both): a
    # repair order (issue, return) by its number, and by its id and its part line's id,
    # references to the repair orders' records (not relations) by which the store finds
    # what was issued to a line or an order; or the part order the goods came with.
    repair_order_number = models.CharField(_("repair order"), max_length=24, blank=True)
    repair_order_ref = models.PositiveBigIntegerField(null=True, blank=True, db_index=True)
    job_line_ref = models.PositiveBigIntegerField(null=True, blank=True, db_index=True)
    part_order_number = models.CharField(_("part order"), max_length=24, blank=True)
    count = models.ForeignKey(
        "StockCount",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="movements",
        verbose_name=_("stock count"),
    )
    note = models.CharField(_("note"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("stock movement")
        verbose_name_plural = _("stock movements")
        ordering = ["-at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(quantity=0) | models.Q(kind=MovementKind.COUNT),
                name="stock_movement_moves_something",
            ),
        ]
        indexes = [models.Index(fields=["item", "-at"], name="stock_move_item_at_idx")]

    def __str__(self) -> str:
        return f"{self.kind} {self.quantity} → {self.balance_after}"


class Reservation(WorkshopOwned):
    """Stock kept for a repair order's part line, or awaited for it."""

    item = models.ForeignKey(StockItem, on_delete=models.PROTECT, related_name="reservations")
    # The repair order's part line the stock is kept for, cited by value (the store sits
    # below the repair orders): the order's number, and the order's and the line's ids,
    # references to the repair orders' records (not relations) by which the store finds a
    # line's or an order's reservations.
    repair_order_number = models.CharField(_("repair order"), max_length=24)
    repair_order_ref = models.PositiveBigIntegerField(db_index=True)
    job_line_ref = models.PositiveBigIntegerField(db_index=True)
    quantity = quantity_field(_("quantity"))
    status = models.CharField(_("status"), max_length=10, choices=ReservationStatus.choices)
    # The part order line that will bring the goods a waiting reservation lacks: a
    # reference to the part orders' record (not a relation: supply sits above the store),
    # read through the ``incoming`` registry.
    order_line_ref = models.PositiveBigIntegerField(null=True, blank=True, db_index=True)
    created_at = models.DateTimeField(_("reserved at"), default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("reserved by"),
    )
    held_at = models.DateTimeField(_("held since"), null=True, blank=True)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)

    class Meta:
        verbose_name = _("reservation")
        verbose_name_plural = _("reservations")
        ordering = ["created_at", "id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(quantity__gt=0), name="reservation_quantity_positive"
            ),
            # One open reservation per part line: reserving again changes it.
            models.UniqueConstraint(
                fields=["job_line_ref"],
                condition=models.Q(status__in=OPEN_RESERVATION),
                name="reservation_one_open_per_line",
            ),
        ]
        indexes = [models.Index(fields=["item", "status"], name="reservation_item_status_idx")]

    def __str__(self) -> str:
        return f"{self.item_id} x {self.quantity} ({self.status})"

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_RESERVATION


class StockCount(WorkshopOwned):
    """A count of some shelves: what the ledger expected, what was found."""

    counted_at = models.DateTimeField(_("counted at"), default=timezone.now)
    counted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("counted by"),
    )
    note = models.CharField(_("note"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("stock count")
        verbose_name_plural = _("stock counts")
        ordering = ["-counted_at", "-id"]

    def __str__(self) -> str:
        return f"{self.counted_at:%Y-%m-%d}"


class StockCountLine(models.Model):
    count = models.ForeignKey(StockCount, on_delete=models.CASCADE, related_name="lines")
    item = models.ForeignKey(StockItem, on_delete=models.PROTECT, related_name="count_lines")
    expected = quantity_field(_("expected"))
    counted = quantity_field(_("counted"))

    class Meta:
        verbose_name = _("counted part")
        verbose_name_plural = _("counted parts")
        ordering = ["count", "id"]
        constraints = [
            models.UniqueConstraint(fields=["count", "item"], name="stock_count_line_unique"),
            models.CheckConstraint(
                condition=models.Q(counted__gte=0), name="stock_count_not_negative"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.item_id}: {self.expected} → {self.counted}"

    @property
    def difference(self) -> Decimal:
        return self.counted - self.expected
