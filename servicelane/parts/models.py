"""The network's electronic parts catalogue: parts by number, in the catalogue's
diagram structure (main group → subgroup), with names in the three languages,
list prices per country, supersessions and fitment to vehicle types.

Part numbers are stored normalised (letters and digits only, upper case) so any
way of typing one finds it; they are shown in the network's format
(``parts.numbers.display``). A superseded number stays a row of its own pointing
at its successor, so an old number printed on a box still resolves.
"""

from typing import Any, Protocol

from django.db import models
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from servicelane.core.models import Network
from servicelane.parts import numbers, text
from servicelane.parts.choices import Unit
from servicelane.vehicles.models import VehicleType


class Named(Protocol):
    """A record of the catalogue named in its three languages."""

    @property
    def name_en(self) -> str: ...
    @property
    def name_de(self) -> str: ...
    @property
    def name_zh_hans(self) -> str: ...


def _localised(obj: Named) -> str:
    language = (get_language() or "en").replace("-", "_").lower()
    value = {"de": obj.name_de, "zh_hans": obj.name_zh_hans}.get(language)
    return value or obj.name_en


class PartGroup(models.Model):
    """A main group (no parent) or a subgroup of the catalogue's diagrams."""

    network = models.ForeignKey(Network, on_delete=models.CASCADE, related_name="part_groups")
    parent = models.ForeignKey(
        "self",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="subgroups",
        verbose_name=_("main group"),
    )
    code = models.CharField(_("code"), max_length=20)
    name_en = models.CharField(_("name (English)"), max_length=200)
    name_de = models.CharField(_("name (German)"), max_length=200, blank=True)
    name_zh_hans = models.CharField(_("name (Chinese)"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("part group")
        verbose_name_plural = _("part groups")
        ordering = ["code"]
        constraints = [
            models.UniqueConstraint(fields=["network", "code"], name="part_group_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"

    @property
    def name(self) -> str:
        return _localised(self)


class Part(models.Model):
    network = models.ForeignKey(Network, on_delete=models.CASCADE, related_name="parts")
    number = models.CharField(_("part number"), max_length=30)
    name_en = models.CharField(_("name (English)"), max_length=200)
    name_de = models.CharField(_("name (German)"), max_length=200, blank=True)
    name_zh_hans = models.CharField(_("name (Chinese)"), max_length=200, blank=True)
    group = models.ForeignKey(
        PartGroup,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="parts",
        verbose_name=_("subgroup"),
    )
    unit = models.CharField(_("unit"), max_length=10, choices=Unit.choices, default=Unit.PIECE)
    superseded_by = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="supersedes",
        verbose_name=_("superseded by"),
    )
    # The three names as one text for the full-text index; Chinese is spaced out by
    # character so that a word of any length matches (parts.search).
    search_text = models.TextField(editable=False, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("part")
        verbose_name_plural = _("parts")
        ordering = ["number"]
        constraints = [
            models.UniqueConstraint(fields=["network", "number"], name="part_number_unique"),
            models.CheckConstraint(
                condition=~models.Q(superseded_by=models.F("id")),
                name="part_not_superseded_by_itself",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.number} {self.name_en}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        # Every way in (admin, services, shell) stores the number normalised and keeps
        # the full-text index's text in step with the names; the import does the same
        # in bulk (parts.importer).
        self.number = numbers.normalise(self.number)
        self.search_text = self.build_search_text()
        if kwargs.get("update_fields") is not None:
            kwargs["update_fields"] = {*kwargs["update_fields"], "number", "search_text"}
        super().save(*args, **kwargs)

    def build_search_text(self) -> str:
        return text.search_text(self.name_en, self.name_de, self.name_zh_hans)

    @property
    def name(self) -> str:
        return _localised(self)

    def display_number(self, network_format: str | None = None) -> str:
        """The number in the network's groups (pass the format to spare a query)."""
        if network_format is None:
            network_format = self.network.part_number_format
        return numbers.display(self.number, network_format)


class PartPrice(models.Model):
    """The network's list price of a part in one country, in that country's currency."""

    part = models.ForeignKey(Part, on_delete=models.CASCADE, related_name="prices")
    country = models.CharField(_("country"), max_length=2)
    currency = models.CharField(_("currency"), max_length=3)
    price = models.DecimalField(_("list price"), max_digits=12, decimal_places=2)

    class Meta:
        verbose_name = _("list price")
        verbose_name_plural = _("list prices")
        constraints = [
            models.UniqueConstraint(fields=["part", "country"], name="part_price_per_country"),
            models.CheckConstraint(
                condition=models.Q(price__gte=0), name="part_price_not_negative"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.part.number} {self.country} {self.price} {self.currency}"


class Fitment(models.Model):
    """The part fits this vehicle type."""

    part = models.ForeignKey(Part, on_delete=models.CASCADE, related_name="fitments")
    vehicle_type = models.ForeignKey(
        VehicleType,
        on_delete=models.CASCADE,
        related_name="fitments",
        verbose_name=_("vehicle type"),
    )

    class Meta:
        verbose_name = _("fitment")
        verbose_name_plural = _("fitments")
        constraints = [
            models.UniqueConstraint(fields=["part", "vehicle_type"], name="fitment_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.part.number} → {self.vehicle_type}"
