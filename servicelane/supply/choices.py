from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class OrderKind(models.TextChoices):
    VOR = "vor", _("Vehicle off road")
    SUPER_URGENT = "super_urgent", _("Super-urgent")
    URGENT = "urgent", _("Urgent")
    STOCK = "stock", _("Stock replenishment")


# Who is served first when a centre's stock comes in for back-orders.
KIND_PRIORITY = {
    OrderKind.VOR: 0,
    OrderKind.SUPER_URGENT: 1,
    OrderKind.URGENT: 2,
    OrderKind.STOCK: 3,
}


class OrderStatus(models.TextChoices):
    PLACED = "placed", _("Placed")
    SHIPPED = "shipped", _("Shipped")
    PARTLY_RECEIVED = "partly_received", _("Partly received")
    RECEIVED = "received", pgettext_lazy("part order", "Received")
    CANCELLED = "cancelled", _("Cancelled")


class LineStatus(models.TextChoices):
    ALLOCATED = "allocated", _("Being picked")
    BACK_ORDERED = "back_ordered", _("Back-ordered")
    SHIPPED = "shipped", _("Shipped")
    RECEIVED = "received", pgettext_lazy("part order", "Received")
    CANCELLED = "cancelled", _("Cancelled")


class OrderEventKind(models.TextChoices):
    PLACED = "placed", _("Order placed")
    ALLOCATED = "allocated", _("Back-order allocated")
    SHIPPED = "shipped", _("Shipped")
    RECEIVED = "received", _("Goods received")
    CANCELLED = "cancelled", _("Cancelled")
