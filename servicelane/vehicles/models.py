"""Vehicles are network-wide: one VIN, one vehicle, its history across workshops.

A workshop sees a vehicle once it is linked to it (``WorkshopVehicle``);
ownerships are customer data and so belong to a workshop.
"""

from typing import Any

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Exists, OuterRef
from django.utils.translation import gettext_lazy as _

from servicelane.core.models import Network, User, Workshop
from servicelane.core.permissions import Perm
from servicelane.core.tenancy import WorkshopOwned, access_for
from servicelane.vehicles.choices import Drive, FuelType, MileageSource
from servicelane.vehicles.plates import normalise_plate

MAX_KM = 3_000_000


class VehicleType(models.Model):
    """A model of the maker's range: series, model code, engine, fuel and drive."""

    network = models.ForeignKey(
        Network, on_delete=models.CASCADE, related_name="vehicle_types", verbose_name=_("network")
    )
    series = models.CharField(_("series"), max_length=60)
    model_code = models.CharField(_("model code"), max_length=20)
    model_name = models.CharField(_("model name"), max_length=100)
    engine = models.CharField(_("engine"), max_length=60, blank=True)
    fuel_type = models.CharField(_("fuel type"), max_length=10, choices=FuelType.choices)
    drive = models.CharField(_("drive"), max_length=4, choices=Drive.choices)

    class Meta:
        verbose_name = _("vehicle type")
        verbose_name_plural = _("vehicle types")
        ordering = ["series", "model_name"]
        constraints = [
            models.UniqueConstraint(
                fields=["network", "model_code"], name="vehicle_type_code_unique"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.model_name} ({self.model_code})"


class VehicleQuerySet(models.QuerySet["Vehicle"]):
    def visible_to(self, user: Any, perm: Perm | None = None) -> "VehicleQuerySet":
        """Vehicles linked to a workshop the user sees; network staff see their network."""
        access = access_for(user)
        perm = perm or Perm.VEHICLE_VIEW
        workshop_ids = [w for w in access.workshop_roles if perm in access.perms_in(w)]
        staff_networks = access.networks_with(perm)
        linked = WorkshopVehicle.objects.filter(
            vehicle=OuterRef("pk"), workshop_id__in=workshop_ids
        )
        return self.filter(Exists(linked) | models.Q(network_id__in=staff_networks))


class Vehicle(models.Model):
    """One physical car, identified by its VIN across the whole network."""

    network = models.ForeignKey(
        Network, on_delete=models.PROTECT, related_name="vehicles", verbose_name=_("network")
    )
    vin = models.CharField(_("VIN"), max_length=17, unique=True)
    manufacturer = models.CharField(_("manufacturer"), max_length=100, blank=True)
    vin_check_digit_ok = models.BooleanField(_("check digit valid"), default=True)
    plate = models.CharField(_("number plate"), max_length=20, blank=True)
    plate_normalized = models.CharField(max_length=20, blank=True, db_index=True, editable=False)
    vehicle_type = models.ForeignKey(
        VehicleType,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="vehicles",
        verbose_name=_("vehicle type"),
    )
    first_registration = models.DateField(_("first registration"), null=True, blank=True)
    teleservice = models.BooleanField(_("teleservice capable"), default=False)
    warranty_until = models.DateField(_("warranty until"), null=True, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    objects = VehicleQuerySet.as_manager()

    # Set by the selectors' prefetch (vehicles.selectors.current_ownerships_prefetch): the
    # current owners as far as the reader may see customer data.
    current_ownerships: list["Ownership"]

    class Meta:
        verbose_name = _("vehicle")
        verbose_name_plural = _("vehicles")
        ordering = ["vin"]

    def __str__(self) -> str:
        return f"{self.plate} · {self.vin}" if self.plate else self.vin

    def save(self, *args: Any, **kwargs: Any) -> None:
        self.plate_normalized = normalise_plate(self.plate)
        super().save(*args, **kwargs)


class WorkshopVehicle(WorkshopOwned):
    """The link that makes a network-wide vehicle one of a workshop's vehicles."""

    vehicle = models.ForeignKey(Vehicle, on_delete=models.CASCADE, related_name="workshop_links")
    linked_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["workshop", "vehicle"], name="workshop_vehicle_unique"),
        ]


class Ownership(WorkshopOwned):
    """Who owns the car, as this workshop knows it; the open one is the current owner."""

    vehicle = models.ForeignKey(
        Vehicle, on_delete=models.CASCADE, related_name="ownerships", verbose_name=_("vehicle")
    )
    customer = models.ForeignKey(
        "customers.Customer",
        on_delete=models.PROTECT,
        related_name="ownerships",
        verbose_name=_("owner"),
    )
    started_on = models.DateField(_("owner since"))
    ended_on = models.DateField(_("owner until"), null=True, blank=True)

    class Meta:
        verbose_name = _("ownership")
        verbose_name_plural = _("ownerships")
        ordering = ["-started_on", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["workshop", "vehicle"],
                condition=models.Q(ended_on__isnull=True),
                name="ownership_one_current_per_workshop",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.customer} · {self.vehicle}"


class MileageReading(models.Model):
    """An odometer reading; one lower than an earlier one is kept, flagged."""

    vehicle = models.ForeignKey(
        Vehicle,
        on_delete=models.CASCADE,
        related_name="mileage_readings",
        verbose_name=_("vehicle"),
    )
    read_on = models.DateField(_("date"))
    km = models.PositiveIntegerField(
        _("mileage (km)"), validators=[MinValueValidator(0), MaxValueValidator(MAX_KM)]
    )
    source = models.CharField(
        _("source"), max_length=12, choices=MileageSource.choices, default=MileageSource.MANUAL
    )
    flagged = models.BooleanField(
        _("lower than an earlier reading"),
        default=False,
        help_text=_("Possible odometer roll-back or typing error."),
    )
    workshop = models.ForeignKey(
        Workshop, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    recorded_by = models.ForeignKey(
        User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("mileage reading")
        verbose_name_plural = _("mileage readings")
        ordering = ["-read_on", "-id"]
        indexes = [models.Index(fields=["vehicle", "read_on"], name="mileage_vehicle_date_idx")]

    def __str__(self) -> str:
        return f"{self.read_on} · {self.km} km"
