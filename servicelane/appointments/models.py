"""Workshop capacity (hours, closures, lanes, service types) and the bookings on it."""

import datetime

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from servicelane.appointments.choices import (
    TRANSITIONS,
    AppointmentStatus,
    Channel,
    EventKind,
    LaneKind,
    Weekday,
)
from servicelane.core.choices import Language
from servicelane.core.events import Event
from servicelane.core.tenancy import WorkshopOwned


def _is_cjk(text: str) -> bool:
    return bool(text) and all("\u3400" <= ch <= "\u9fff" for ch in text)


SLOT_MINUTES_CHOICES = [(m, f"{m}") for m in (15, 20, 30, 60)]


class OpeningHours(WorkshopOwned):
    """When the workshop receives cars on one weekday; a weekday without a row is closed."""

    weekday = models.PositiveSmallIntegerField(_("weekday"), choices=Weekday.choices)
    opens = models.TimeField(_("opens"))
    closes = models.TimeField(_("closes"))

    class Meta:
        verbose_name = _("opening hours")
        verbose_name_plural = _("opening hours")
        ordering = ["workshop", "weekday"]
        constraints = [
            models.UniqueConstraint(fields=["workshop", "weekday"], name="opening_hours_unique"),
            models.CheckConstraint(
                condition=models.Q(closes__gt=models.F("opens")),
                name="opening_hours_closes_after_opens",
                violation_error_message=_("Closing time must be after opening time."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_weekday_display()} {self.opens:%H:%M}–{self.closes:%H:%M}"


class Closure(WorkshopOwned):
    """A day the workshop is closed besides public holidays (stocktaking, works outing)."""

    date = models.DateField(_("date"))
    reason = models.CharField(_("reason"), max_length=200)

    class Meta:
        verbose_name = _("closure")
        verbose_name_plural = _("closures")
        ordering = ["date"]
        constraints = [
            models.UniqueConstraint(fields=["workshop", "date"], name="closure_unique_date"),
        ]

    def __str__(self) -> str:
        return f"{self.date:%Y-%m-%d} {self.reason}"


class Lane(WorkshopOwned):
    """A service lane: its bays give each time slot ``bays * slot minutes`` of capacity."""

    kind = models.CharField(_("kind"), max_length=12, choices=LaneKind.choices)
    bays = models.PositiveSmallIntegerField(
        _("bays"), validators=[MinValueValidator(1), MaxValueValidator(50)]
    )
    slot_minutes = models.PositiveSmallIntegerField(
        _("slot length (minutes)"), choices=SLOT_MINUTES_CHOICES, default=30
    )
    active = models.BooleanField(_("takes bookings"), default=True)

    class Meta:
        verbose_name = _("service lane")
        verbose_name_plural = _("service lanes")
        ordering = ["workshop", "kind"]
        constraints = [
            models.UniqueConstraint(fields=["workshop", "kind"], name="lane_unique_kind"),
        ]

    def __str__(self) -> str:
        return str(self.get_kind_display())

    @property
    def slot_capacity(self) -> int:
        """Bay-minutes one time slot offers."""
        return self.bays * self.slot_minutes


class ServiceType(WorkshopOwned):
    """Something a customer can book, with its duration, lane and optional promise."""

    code = models.SlugField(_("code"), max_length=30)
    name_en = models.CharField(_("name (English)"), max_length=100)
    name_de = models.CharField(_("name (German)"), max_length=100)
    name_zh_hans = models.CharField(_("name (Chinese)"), max_length=100)
    lane = models.ForeignKey(
        Lane, on_delete=models.PROTECT, related_name="service_types", verbose_name=_("lane")
    )
    duration_minutes = models.PositiveSmallIntegerField(
        _("duration (minutes)"), validators=[MinValueValidator(5), MaxValueValidator(720)]
    )
    operation_codes = models.CharField(
        _("labour operations"),
        max_length=200,
        blank=True,
        help_text=_(
            "Codes of the network's labour operations this service consists of, "
            "separated by spaces; they become the job's lines at check-in."
        ),
    )
    promise_hours = models.PositiveSmallIntegerField(
        _("promised within (hours)"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(240)],
        help_text=_("Done within this many hours of the agreed arrival; empty for no promise."),
    )
    min_days_ahead = models.PositiveSmallIntegerField(
        _("book at least (days ahead)"),
        default=0,
        validators=[MaxValueValidator(60)],
        help_text=_("The express promise needs the booking a day ahead: 1."),
    )
    active = models.BooleanField(_("bookable"), default=True)

    class Meta:
        verbose_name = _("service type")
        verbose_name_plural = _("service types")
        ordering = ["workshop", "lane__kind", "name_en"]
        constraints = [
            models.UniqueConstraint(fields=["workshop", "code"], name="service_type_unique_code"),
        ]

    def __str__(self) -> str:
        return self.name

    def name_in(self, language: str | None) -> str:
        names: dict[str, str] = {
            Language.GERMAN: self.name_de,
            Language.CHINESE: self.name_zh_hans,
        }
        return names.get((language or "").lower(), "") or self.name_en

    @property
    def name(self) -> str:
        return self.name_in(get_language())


class Appointment(WorkshopOwned):
    """A booked visit: customer, car, services, lane, start time and any promise."""

    reference = models.CharField(_("reference"), max_length=24)
    customer = models.ForeignKey(
        "customers.Customer",
        on_delete=models.PROTECT,
        related_name="appointments",
        verbose_name=_("customer"),
    )
    # Empty until the workshop confirms the car: a booking from the public page
    # keeps only what the visitor typed (entered_*) until the advisor compares
    # it with the car at reception.
    vehicle = models.ForeignKey(
        "vehicles.Vehicle",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="appointments",
        verbose_name=_("vehicle"),
    )
    entered_first_name = models.CharField(_("first name as typed"), max_length=100, blank=True)
    entered_last_name = models.CharField(_("last name as typed"), max_length=100, blank=True)
    entered_vin = models.CharField(_("VIN as typed"), max_length=17, blank=True)
    entered_plate = models.CharField(_("number plate as typed"), max_length=20, blank=True)
    entered_model = models.CharField(_("make and model as typed"), max_length=100, blank=True)
    entered_mileage = models.PositiveIntegerField(_("mileage as typed (km)"), null=True, blank=True)
    lane = models.ForeignKey(
        Lane, on_delete=models.PROTECT, related_name="appointments", verbose_name=_("lane")
    )
    service_types = models.ManyToManyField(
        ServiceType, related_name="appointments", verbose_name=_("services")
    )
    starts_at = models.DateTimeField(_("arrival"))
    ends_at = models.DateTimeField(_("planned end"))
    status = models.CharField(
        _("status"),
        max_length=12,
        choices=AppointmentStatus.choices,
        default=AppointmentStatus.BOOKED,
    )
    channel = models.CharField(_("channel"), max_length=8, choices=Channel.choices)
    advisor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("advisor"),
    )
    parking_spot = models.CharField(_("parking spot"), max_length=20, blank=True)
    notes = models.TextField(_("customer's notes"), blank=True)
    language = models.CharField(_("language for messages"), max_length=10, choices=Language.choices)
    contact_email = models.EmailField(_("e-mail for this booking"), blank=True)
    contact_phone = models.CharField(_("phone for this booking"), max_length=20, blank=True)
    promise_hours = models.PositiveSmallIntegerField(_("promised within (hours)"), null=True)
    promised_at = models.DateTimeField(_("promised completion"), null=True, blank=True)
    reminder_sent_at = models.DateTimeField(_("reminder sent at"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("booked by"),
    )
    created_at = models.DateTimeField(_("booked at"), default=timezone.now)

    class Meta:
        verbose_name = _("appointment")
        verbose_name_plural = _("appointments")
        ordering = ["starts_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["workshop", "reference"], name="appointment_unique_reference"
            ),
            models.CheckConstraint(
                condition=models.Q(ends_at__gt=models.F("starts_at")),
                name="appointment_ends_after_start",
            ),
        ]
        indexes = [
            models.Index(fields=["workshop", "starts_at"], name="appointment_ws_start_idx"),
            models.Index(fields=["lane", "starts_at"], name="appointment_lane_start_idx"),
        ]

    def __str__(self) -> str:
        return self.reference

    @property
    def vehicle_confirmed(self) -> bool:
        """The workshop has settled which car this is (at booking by staff, or at reception)."""
        return self.vehicle_id is not None

    @property
    def booked_name(self) -> str:
        """The name as typed with the booking; the customer record's only when none was."""
        first, last = self.entered_first_name, self.entered_last_name
        if _is_cjk(last) and _is_cjk(first or last):
            return f"{last}{first}"  # family name first, no space: 张伟
        typed = " ".join(n for n in (first, last) if n)
        return typed or self.customer.display_name

    @property
    def booked_car(self) -> str:
        """The car as typed with the booking (plate, VIN); the confirmed car's only when
        nothing was typed. What the customer's link and messages show."""
        typed = " · ".join(p for p in (self.entered_plate, self.entered_vin) if p)
        if typed or self.vehicle is None:
            return typed
        return str(self.vehicle)

    @property
    def car_vin(self) -> str:
        """The confirmed car's VIN; until the car is confirmed, the one typed."""
        return self.vehicle.vin if self.vehicle else self.entered_vin

    @property
    def car_plate(self) -> str:
        """The confirmed car's plate; until the car is confirmed, the one typed."""
        return self.vehicle.plate if self.vehicle else self.entered_plate

    @property
    def duration_minutes(self) -> int:
        return int((self.ends_at - self.starts_at).total_seconds() // 60)

    @property
    def can_arrive(self) -> bool:
        return AppointmentStatus.ARRIVED in TRANSITIONS[self.status]

    @property
    def can_be_no_show(self) -> bool:
        """Only once the arrival time has passed."""
        return (
            AppointmentStatus.NO_SHOW in TRANSITIONS[self.status]
            and self.starts_at <= timezone.now()
        )

    @property
    def is_open(self) -> bool:
        """Still ahead of the customer: may be rescheduled or cancelled."""
        return self.status == AppointmentStatus.BOOKED and self.starts_at > timezone.now()


class AppointmentEvent(Event):
    """One step in a booking's life: booked, rescheduled, arrived, reminded…"""

    subject_field = "appointment"
    appointment = models.ForeignKey(
        Appointment, on_delete=models.CASCADE, related_name="events", verbose_name=_("appointment")
    )
    kind = models.CharField(_("event"), max_length=16, choices=EventKind.choices)

    class Meta:
        verbose_name = _("appointment event")
        verbose_name_plural = _("appointment events")
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.appointment_id} {self.kind} {self.at:%Y-%m-%d %H:%M}"

    @property
    def moved_to(self) -> datetime.datetime | None:
        """The new arrival of a rescheduling."""
        after = (self.data or {}).get("after")
        return datetime.datetime.fromisoformat(after) if after else None
