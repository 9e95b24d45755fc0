"""The network's distribution centres and the workshops' orders to them.

A centre has stock per part, a working calendar (its country's public holidays and
its own closed days, opening hours) and a cut-off time per order kind. A workshop
reaches the centres that deliver to it by ``DeliveryRoute``: the transport time of
the daily tour and of the express courier, and which centre is its home centre
(by region). An order's lines are routed at placing: home centre first, another
centre with stock when it lacks the part, otherwise back-order.
"""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from servicelane.core.events import Event
from servicelane.core.models import validate_time_zone
from servicelane.core.tenancy import WorkshopOwned
from servicelane.parts.models import _localised
from servicelane.store.models import quantity_field
from servicelane.supply.choices import LineStatus, OrderEventKind, OrderKind, OrderStatus


class DistributionCentre(models.Model):
    network = models.ForeignKey(
        "core.Network", on_delete=models.CASCADE, related_name="distribution_centres"
    )
    code = models.SlugField(_("code"), max_length=20)
    name_en = models.CharField(_("name (English)"), max_length=100)
    name_de = models.CharField(_("name (German)"), max_length=100, blank=True)
    name_zh_hans = models.CharField(_("name (Chinese)"), max_length=100, blank=True)
    country = models.CharField(_("country"), max_length=2)
    subdivision = models.CharField(
        _("region"),
        max_length=10,
        blank=True,
        help_text=_("For the public holidays of the centre's region."),
    )
    time_zone = models.CharField(_("time zone"), max_length=64, validators=[validate_time_zone])
    opens_at = models.TimeField(_("opens at"))
    closes_at = models.TimeField(_("closes at"))
    cutoff_super_urgent = models.TimeField(_("cut-off for super-urgent orders"))
    cutoff_urgent = models.TimeField(_("cut-off for urgent orders"))
    cutoff_stock = models.TimeField(_("cut-off for stock orders"))
    home_regions = models.JSONField(
        _("home centre for regions"),
        default=list,
        blank=True,
        help_text=_("Region codes (e.g. BJ, SH) of the workshops this is the home centre of."),
    )

    class Meta:
        verbose_name = _("distribution centre")
        verbose_name_plural = _("distribution centres")
        ordering = ["network", "code"]
        constraints = [
            models.UniqueConstraint(fields=["network", "code"], name="centre_unique_code"),
            models.CheckConstraint(
                condition=models.Q(opens_at__lt=models.F("closes_at")),
                name="centre_opens_before_closing",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def name(self) -> str:
        return _localised(self)


class CentreClosedDay(models.Model):
    """A day the centre does not work besides its public holidays (stock-taking, ...)."""

    centre = models.ForeignKey(
        DistributionCentre, on_delete=models.CASCADE, related_name="closed_days"
    )
    date = models.DateField(_("date"))
    reason = models.CharField(_("reason"), max_length=100, blank=True)

    class Meta:
        verbose_name = _("closed day")
        verbose_name_plural = _("closed days")
        ordering = ["date"]
        constraints = [
            models.UniqueConstraint(fields=["centre", "date"], name="centre_closed_day_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.centre_id} {self.date}"


class CentreStock(models.Model):
    """A centre's stock of one part; ``allocated`` is promised to placed order lines."""

    centre = models.ForeignKey(DistributionCentre, on_delete=models.CASCADE, related_name="stock")
    part = models.ForeignKey("parts.Part", on_delete=models.CASCADE, related_name="centre_stock")
    on_hand = quantity_field(_("on hand"))
    allocated = quantity_field(_("allocated"), default=0)

    class Meta:
        verbose_name = _("centre stock")
        verbose_name_plural = _("centre stock")
        ordering = ["centre", "part"]
        constraints = [
            models.UniqueConstraint(fields=["centre", "part"], name="centre_stock_unique"),
            models.CheckConstraint(
                condition=models.Q(allocated__gte=0) & models.Q(on_hand__gte=models.F("allocated")),
                name="centre_stock_allocated_within_on_hand",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.centre_id} {self.part_id} {self.on_hand}"

    @property
    def available(self):
        return self.on_hand - self.allocated


class DeliveryRoute(models.Model):
    """A centre delivers to a workshop: the daily tour's and the courier's hours."""

    centre = models.ForeignKey(DistributionCentre, on_delete=models.CASCADE, related_name="routes")
    workshop = models.ForeignKey(
        "core.Workshop", on_delete=models.CASCADE, related_name="delivery_routes"
    )
    transport_hours = models.DecimalField(
        _("transport by the daily tour (hours)"), max_digits=5, decimal_places=1
    )
    express_hours = models.DecimalField(
        _("transport by courier (hours)"), max_digits=5, decimal_places=1
    )
    home = models.BooleanField(_("home centre"), default=False)

    class Meta:
        verbose_name = _("delivery route")
        verbose_name_plural = _("delivery routes")
        ordering = ["workshop", "-home", "transport_hours"]
        constraints = [
            models.UniqueConstraint(fields=["centre", "workshop"], name="route_unique"),
            models.UniqueConstraint(
                fields=["workshop"], condition=models.Q(home=True), name="route_one_home_centre"
            ),
            models.CheckConstraint(
                condition=models.Q(transport_hours__gt=0) & models.Q(express_hours__gt=0),
                name="route_hours_positive",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.centre_id} → {self.workshop_id}"


class PartOrder(WorkshopOwned):
    number = models.CharField(_("number"), max_length=24)
    kind = models.CharField(_("order type"), max_length=12, choices=OrderKind.choices)
    status = models.CharField(
        _("status"), max_length=16, choices=OrderStatus.choices, default=OrderStatus.PLACED
    )
    # The repair order a vehicle-off-road order is placed for, by value: its number and
    # its id, a reference to the repair orders' record (not a relation: supply sits below
    # them) for the link to it.
    repair_order_number = models.CharField(_("for repair order"), max_length=24, blank=True)
    repair_order_ref = models.PositiveBigIntegerField(null=True, blank=True)
    note = models.CharField(_("note"), max_length=200, blank=True)
    placed_at = models.DateTimeField(_("placed at"), default=timezone.now)
    placed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("placed by"),
    )

    class Meta:
        verbose_name = _("part order")
        verbose_name_plural = _("part orders")
        ordering = ["-placed_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["workshop", "number"], name="part_order_unique_number"),
        ]
        indexes = [models.Index(fields=["workshop", "status"], name="part_order_ws_status_idx")]

    def __str__(self) -> str:
        return self.number


class PartOrderLine(models.Model):
    """A quantity of one part from one centre (or on back-order), with its promise.

    A line the home centre can fill only in part is split at placing: one line per
    centre, the rest on back-order, all with the same ``position``.
    """

    order = models.ForeignKey(PartOrder, on_delete=models.CASCADE, related_name="lines")
    position = models.PositiveSmallIntegerField(_("line"))
    part = models.ForeignKey(
        "parts.Part", on_delete=models.PROTECT, related_name="order_lines", verbose_name=_("part")
    )
    requested_number = models.CharField(_("number ordered"), max_length=30)
    quantity = quantity_field(_("quantity"))
    centre = models.ForeignKey(
        DistributionCentre,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="order_lines",
        verbose_name=_("from centre"),
    )
    status = models.CharField(_("status"), max_length=14, choices=LineStatus.choices)
    ready_at = models.DateTimeField(_("packed by"), null=True, blank=True)
    promised_at = models.DateTimeField(_("promised arrival"), null=True, blank=True)
    quantity_shipped = quantity_field(_("shipped"), default=0)
    quantity_received = quantity_field(_("received"), default=0)
    shipped_at = models.DateTimeField(_("shipped at"), null=True, blank=True)
    received_at = models.DateTimeField(_("received at"), null=True, blank=True)

    class Meta:
        verbose_name = _("order line")
        verbose_name_plural = _("order lines")
        ordering = ["order", "position", "id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(quantity__gt=0), name="order_line_quantity_positive"
            ),
            models.CheckConstraint(
                condition=models.Q(quantity_shipped__lte=models.F("quantity"))
                & models.Q(quantity_received__lte=models.F("quantity_shipped"))
                & models.Q(quantity_received__gte=0),
                name="order_line_received_within_shipped",
            ),
            models.CheckConstraint(
                condition=models.Q(centre__isnull=False)
                | models.Q(status=LineStatus.BACK_ORDERED)
                | models.Q(status=LineStatus.CANCELLED),
                name="order_line_has_centre",
            ),
        ]
        indexes = [
            models.Index(fields=["centre", "status"], name="order_line_centre_status_idx"),
            models.Index(fields=["part", "status"], name="order_line_part_status_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.order_id}/{self.position} {self.requested_number} x {self.quantity}"

    @property
    def outstanding_receipt(self):
        return self.quantity_shipped - self.quantity_received


class PartOrderEvent(Event):
    subject_field = "order"
    order = models.ForeignKey(PartOrder, on_delete=models.CASCADE, related_name="events")
    kind = models.CharField(_("event"), max_length=12, choices=OrderEventKind.choices)

    class Meta:
        verbose_name = _("order event")
        verbose_name_plural = _("order events")
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.order_id} {self.kind}"
