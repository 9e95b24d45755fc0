"""Repair orders: one visit of one car, from check-in to handover."""

from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from servicelane.core.choices import Language, QualificationLevel
from servicelane.core.events import Event
from servicelane.core.money import ZERO, percent_of, round_money
from servicelane.core.tenancy import WorkshopOwned
from servicelane.core.uploads import random_upload_to
from servicelane.workorders.choices import (
    TRANSITIONS,
    CbsStatus,
    ChecklistKind,
    EstimateStatus,
    EventKind,
    FuelLevel,
    JobSource,
    JobStatus,
    LineKind,
    QCLevel,
    Rating,
    ROStatus,
)

# A flat-rate time unit is five minutes: twelve units make an hour.
TIME_UNITS_PER_HOUR = 12


def _in_language(obj: models.Model, field: str) -> str:
    """The field's text in the active language, English where a translation is missing."""
    lang = (get_language() or "en").replace("-", "_").lower()
    suffix = {"de": "de", "zh_hans": "zh_hans"}.get(lang, "en")
    return getattr(obj, f"{field}_{suffix}") or getattr(obj, f"{field}_en")


class LabourOperation(models.Model):
    """A network-wide labour operation with its flat-rate time (the maker's labour values)."""

    network = models.ForeignKey(
        "core.Network", on_delete=models.CASCADE, related_name="+", verbose_name=_("network")
    )
    code = models.CharField(_("operation code"), max_length=20)
    name_en = models.CharField(_("name (English)"), max_length=200)
    name_de = models.CharField(_("name (German)"), max_length=200, blank=True)
    name_zh_hans = models.CharField(_("name (Chinese)"), max_length=200, blank=True)
    time_units = models.PositiveIntegerField(
        _("flat-rate time units"), help_text=_("Twelve units make an hour.")
    )
    level = models.PositiveSmallIntegerField(
        _("minimum qualification"),
        choices=QualificationLevel.choices,
        default=QualificationLevel.MECHATRONIC,
    )
    cbs_code = models.CharField(
        _("maintenance item"),
        max_length=30,
        blank=True,
        help_text=_("The Condition Based Service item this operation performs, if any."),
    )
    # What the control centre's planner needs to place the work.
    skills = models.JSONField(_("skills needed"), default=list, blank=True)
    equipment = models.JSONField(_("bay equipment needed"), default=list, blank=True)
    tools = models.JSONField(_("special tools needed (numbers)"), default=list, blank=True)
    active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("labour operation")
        verbose_name_plural = _("labour operations")
        ordering = ["code"]
        constraints = [
            models.UniqueConstraint(fields=["network", "code"], name="labour_operation_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"

    @property
    def name(self) -> str:
        return _in_language(self, "name")

    @property
    def hours(self) -> Decimal:
        return Decimal(self.time_units) / TIME_UNITS_PER_HOUR


class MenuPrice(models.Model):
    """The network's fixed price for a standard maintenance operation in one currency."""

    operation = models.ForeignKey(
        LabourOperation,
        on_delete=models.CASCADE,
        related_name="menu_prices",
        verbose_name=_("operation"),
    )
    currency = models.CharField(_("currency"), max_length=3)
    price = models.DecimalField(
        _("menu price (net)"),
        max_digits=10,
        decimal_places=2,
        validators=[MinValueValidator(Decimal("0"))],
    )

    class Meta:
        verbose_name = _("menu price")
        verbose_name_plural = _("menu prices")
        constraints = [
            models.UniqueConstraint(fields=["operation", "currency"], name="menu_price_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.operation.code} {self.price} {self.currency}"


class ChecklistTemplate(models.Model):
    """A network-wide checklist: an inspection sheet, a quality check, the handover."""

    network = models.ForeignKey(
        "core.Network", on_delete=models.CASCADE, related_name="+", verbose_name=_("network")
    )
    kind = models.CharField(_("kind"), max_length=16, choices=ChecklistKind.choices)
    name_en = models.CharField(_("name (English)"), max_length=200)
    name_de = models.CharField(_("name (German)"), max_length=200, blank=True)
    name_zh_hans = models.CharField(_("name (Chinese)"), max_length=200, blank=True)
    service_type_code = models.CharField(
        _("for service type"),
        max_length=20,
        blank=True,
        help_text=_("Service checks: the code of the service type they belong to."),
    )
    active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("checklist")
        verbose_name_plural = _("checklists")
        ordering = ["kind", "name_en"]

    def __str__(self) -> str:
        return self.name

    @property
    def name(self) -> str:
        return _in_language(self, "name")


class ChecklistPoint(models.Model):
    """One point of a checklist; a bad rating may suggest a labour operation."""

    template = models.ForeignKey(ChecklistTemplate, on_delete=models.CASCADE, related_name="points")
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    text_en = models.CharField(_("text (English)"), max_length=200)
    text_de = models.CharField(_("text (German)"), max_length=200, blank=True)
    text_zh_hans = models.CharField(_("text (Chinese)"), max_length=200, blank=True)
    operation_code = models.CharField(
        _("suggested operation"),
        max_length=20,
        blank=True,
        help_text=_("Labour operation proposed when the point is rated amber or red."),
    )

    class Meta:
        verbose_name = _("checklist point")
        verbose_name_plural = _("checklist points")
        ordering = ["template", "position", "id"]

    def __str__(self) -> str:
        return self.text

    @property
    def text(self) -> str:
        return _in_language(self, "text")


class RepairOrder(WorkshopOwned):
    """One visit of one car: reception → inspection → estimate → jobs → QC → invoice → handover."""

    number = models.CharField(_("number"), max_length=24)
    status = models.CharField(
        _("status"), max_length=16, choices=ROStatus.choices, default=ROStatus.CHECKED_IN
    )
    appointment = models.OneToOneField(
        "appointments.Appointment",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="repair_order",
        verbose_name=_("appointment"),
    )
    customer = models.ForeignKey(
        "customers.Customer",
        on_delete=models.PROTECT,
        related_name="repair_orders",
        verbose_name=_("customer"),
    )
    vehicle = models.ForeignKey(
        "vehicles.Vehicle",
        on_delete=models.PROTECT,
        related_name="repair_orders",
        verbose_name=_("vehicle"),
    )
    advisor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("advisor"),
    )
    # Reception
    mileage = models.PositiveIntegerField(_("mileage (km)"))
    fuel_level = models.PositiveSmallIntegerField(
        _("fuel level"), choices=FuelLevel.choices, null=True, blank=True
    )
    concerns = models.TextField(_("customer's concerns (in their words)"), blank=True)
    documents_seen = models.JSONField(_("documents seen"), default=list, blank=True)
    parking_spot = models.CharField(_("parking spot"), max_length=20, blank=True)
    # Contact for this visit, in the customer's language
    language = models.CharField(_("language for messages"), max_length=10, choices=Language.choices)
    contact_email = models.EmailField(_("e-mail for this visit"), blank=True)
    contact_phone = models.CharField(_("phone for this visit"), max_length=20, blank=True)
    # Promise carried over from an express or body & paint booking
    promise_hours = models.PositiveSmallIntegerField(_("promised within (hours)"), null=True)
    promised_at = models.DateTimeField(_("promised completion"), null=True, blank=True)
    promise_broken = models.BooleanField(_("promise missed"), default=False)
    estimated_completion_at = models.DateTimeField(_("estimated completion"), null=True, blank=True)
    checked_in_at = models.DateTimeField(_("checked in at"), default=timezone.now)
    ready_at = models.DateTimeField(_("ready at"), null=True, blank=True)
    delivered_at = models.DateTimeField(_("delivered at"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("checked in by"),
    )

    class Meta:
        verbose_name = _("repair order")
        verbose_name_plural = _("repair orders")
        ordering = ["-checked_in_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["workshop", "number"], name="repair_order_unique_number"
            ),
        ]
        indexes = [
            models.Index(fields=["workshop", "status"], name="ro_ws_status_idx"),
            models.Index(fields=["workshop", "checked_in_at"], name="ro_ws_checkin_idx"),
        ]

    def __str__(self) -> str:
        return self.number

    def may_become(self, status: str) -> bool:
        return status in TRANSITIONS[self.status]

    @property
    def is_open(self) -> bool:
        return self.status not in (ROStatus.DELIVERED, ROStatus.CANCELLED)

    @property
    def has_passed_quality_check(self) -> bool:
        """The three checks passed: the car is ready, invoiced or handed over."""
        return self.status in (ROStatus.READY, ROStatus.INVOICED, ROStatus.DELIVERED)

    @property
    def may_be_invoiced(self) -> bool:
        """The car is ready and not invoiced yet."""
        return self.status == ROStatus.READY

    @property
    def documents_seen_display(self) -> list[str]:
        from servicelane.workorders.choices import Document

        labels = dict(Document.choices)
        return [str(labels.get(code, code)) for code in self.documents_seen]


class RepairOrderEvent(Event):
    """One step in an order's life; the timeline, the audit and the KPIs read these."""

    subject_field = "repair_order"
    repair_order = models.ForeignKey(RepairOrder, on_delete=models.CASCADE, related_name="events")
    kind = models.CharField(_("event"), max_length=20, choices=EventKind.choices)

    class Meta:
        verbose_name = _("repair order event")
        verbose_name_plural = _("repair order events")
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.repair_order_id} {self.kind} {self.at:%Y-%m-%d %H:%M}"

    @property
    def status_display(self) -> str:
        """The status an order moved to, in words."""
        to = (self.data or {}).get("to")
        return str(dict(ROStatus.choices).get(to, "")) if to else ""


@random_upload_to
def photo_path(instance: "Photo", filename: str) -> str:
    return (
        f"repair-orders/{instance.repair_order.workshop_id}/{instance.repair_order_id}/{filename}"
    )


class Photo(models.Model):
    """A photo taken at reception, in the inspection or during a job, stored resized."""

    repair_order = models.ForeignKey(RepairOrder, on_delete=models.CASCADE, related_name="photos")
    image = models.ImageField(_("photo"), upload_to=photo_path)
    caption = models.CharField(_("caption"), max_length=200, blank=True)
    shared = models.BooleanField(
        _("show to the customer"),
        default=True,
        help_text=_("Shown on the customer's progress page."),
    )
    width = models.PositiveIntegerField(default=0)
    height = models.PositiveIntegerField(default=0)
    taken_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    taken_at = models.DateTimeField(_("taken at"), default=timezone.now)

    class Meta:
        verbose_name = _("photo")
        verbose_name_plural = _("photos")
        ordering = ["taken_at", "id"]

    def __str__(self) -> str:
        return self.caption or self.image.name


class CbsItem(models.Model):
    """A maintenance item as the car computed it (Condition Based Service), read at reception."""

    repair_order = models.ForeignKey(
        RepairOrder, on_delete=models.CASCADE, related_name="cbs_items"
    )
    code = models.CharField(_("item"), max_length=30)
    description = models.CharField(_("description"), max_length=200)
    due_date = models.DateField(_("due date"), null=True, blank=True)
    due_km = models.PositiveIntegerField(_("due at km"), null=True, blank=True)
    status = models.CharField(_("status"), max_length=10, choices=CbsStatus.choices)
    read_at = models.DateTimeField(_("read at"), default=timezone.now)

    class Meta:
        verbose_name = _("Condition Based Service item")
        verbose_name_plural = _("Condition Based Service items")
        ordering = ["due_date", "due_km", "code"]

    def __str__(self) -> str:
        return f"{self.code} {self.status}"


class Inspection(models.Model):
    """A checklist run on the car: quick check, detailed check or a service check."""

    repair_order = models.ForeignKey(
        RepairOrder, on_delete=models.CASCADE, related_name="inspections"
    )
    template = models.ForeignKey(
        ChecklistTemplate, on_delete=models.PROTECT, related_name="+", verbose_name=_("checklist")
    )
    performed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    performed_at = models.DateTimeField(_("performed at"), default=timezone.now)

    class Meta:
        verbose_name = _("inspection")
        verbose_name_plural = _("inspections")
        ordering = ["performed_at", "id"]

    def __str__(self) -> str:
        return f"{self.repair_order} {self.template}"


class InspectionResult(models.Model):
    """The rating of one point: green (OK), amber (soon), red (now)."""

    inspection = models.ForeignKey(Inspection, on_delete=models.CASCADE, related_name="results")
    point = models.ForeignKey(ChecklistPoint, on_delete=models.PROTECT, related_name="+")
    rating = models.CharField(_("rating"), max_length=5, choices=Rating.choices)
    note = models.CharField(_("note"), max_length=300, blank=True)
    photo = models.ForeignKey(
        Photo, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("inspection result")
        verbose_name_plural = _("inspection results")
        ordering = ["inspection", "point__position", "id"]

    def __str__(self) -> str:
        return f"{self.point} {self.rating}"


class Estimate(models.Model):
    """The jobs put to the customer for approval at one time (the first or a supplementary)."""

    repair_order = models.ForeignKey(
        RepairOrder, on_delete=models.CASCADE, related_name="estimates"
    )
    sequence = models.PositiveSmallIntegerField(_("estimate"))
    supplementary = models.BooleanField(_("supplementary"), default=False)
    status = models.CharField(
        _("status"), max_length=10, choices=EstimateStatus.choices, default=EstimateStatus.SENT
    )
    sent_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    sent_at = models.DateTimeField(_("sent at"), default=timezone.now)
    expires_at = models.DateTimeField(_("link valid until"))
    net_total = models.DecimalField(_("net total"), max_digits=12, decimal_places=2)
    gross_total = models.DecimalField(_("total incl. VAT"), max_digits=12, decimal_places=2)
    answered_at = models.DateTimeField(_("answered at"), null=True, blank=True)
    signed_name = models.CharField(_("signed by (typed name)"), max_length=200, blank=True)
    signed_ip = models.GenericIPAddressField(_("from address"), null=True, blank=True)

    class Meta:
        verbose_name = _("estimate")
        verbose_name_plural = _("estimates")
        ordering = ["repair_order", "sequence"]
        constraints = [
            models.UniqueConstraint(
                fields=["repair_order", "sequence"], name="estimate_unique_sequence"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.repair_order.number}/{self.sequence}"

    @property
    def is_expired(self) -> bool:
        return self.expires_at <= timezone.now()

    @property
    def closed_because(self) -> str | None:
        """Why the customer's link can no longer answer this estimate ("answered",
        "withdrawn", "expired"); None while it may be answered."""
        if self.status == EstimateStatus.ANSWERED:
            return "answered"
        if self.status == EstimateStatus.WITHDRAWN:
            return "withdrawn"
        if self.is_expired:
            return "expired"
        return None

    @property
    def may_be_answered(self) -> bool:
        return self.closed_because is None


class Job(models.Model):
    """One concern or service item on an order, with its labour and part lines."""

    repair_order = models.ForeignKey(RepairOrder, on_delete=models.CASCADE, related_name="jobs")
    position = models.PositiveSmallIntegerField(_("job"), default=1)
    title = models.CharField(_("job"), max_length=200)
    description = models.TextField(_("details"), blank=True)
    source = models.CharField(_("source"), max_length=12, choices=JobSource.choices)
    status = models.CharField(
        _("status"), max_length=12, choices=JobStatus.choices, default=JobStatus.DRAFT
    )
    estimate = models.ForeignKey(
        Estimate,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="jobs",
        verbose_name=_("estimate"),
    )
    level = models.PositiveSmallIntegerField(
        _("minimum qualification"),
        choices=QualificationLevel.choices,
        default=QualificationLevel.MECHATRONIC,
    )
    technician = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="assigned_jobs",
        verbose_name=_("technician"),
    )
    promised = models.BooleanField(
        _("promised package"),
        default=False,
        help_text=_("The booked express or body & paint service its promise covers."),
    )
    rework_count = models.PositiveSmallIntegerField(_("rework"), default=0)
    deferred_from = models.ForeignKey(
        "self",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="taken_up_by",
        verbose_name=_("deferred from"),
    )
    decided_at = models.DateTimeField(_("answered at"), null=True, blank=True)
    done_at = models.DateTimeField(_("done at"), null=True, blank=True)

    class Meta:
        verbose_name = _("job")
        verbose_name_plural = _("jobs")
        ordering = ["repair_order", "position", "id"]

    def __str__(self) -> str:
        return f"{self.position}. {self.title}"

    @property
    def is_agreed(self) -> bool:
        from servicelane.workorders.choices import AGREED_JOB_STATUSES

        return self.status in AGREED_JOB_STATUSES

    @property
    def is_declined(self) -> bool:
        return self.status == JobStatus.DECLINED

    @property
    def is_editable(self) -> bool:
        """Only a draft job (not yet put to the customer) may be priced or removed."""
        return self.status == JobStatus.DRAFT

    @property
    def may_be_assigned(self) -> bool:
        """A job declined or done takes no technician any more."""
        return self.status not in (JobStatus.DECLINED, JobStatus.DONE)

    def flat_rate_units(self) -> int:
        return sum(line.time_units for line in self.lines.all() if line.kind == LineKind.LABOUR)

    def net_total(self) -> Decimal:
        return sum((line.net_amount for line in self.lines.all()), ZERO)


class JobLine(models.Model):
    """A labour line (operation, flat-rate units) or a part line of a job."""

    job = models.ForeignKey(Job, on_delete=models.CASCADE, related_name="lines")
    kind = models.CharField(_("kind"), max_length=8, choices=LineKind.choices)
    operation = models.ForeignKey(
        LabourOperation,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("operation"),
    )
    code = models.CharField(_("code / part number"), max_length=40, blank=True)
    # A part line priced from the network's catalogue; typed-in part lines have none.
    part = models.ForeignKey(
        "parts.Part",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="job_lines",
        verbose_name=_("catalogue part"),
    )
    description = models.CharField(_("description"), max_length=200)
    quantity = models.DecimalField(
        _("quantity"),
        max_digits=10,
        decimal_places=2,
        validators=[MinValueValidator(Decimal("0.01"))],
    )
    # Four places: a flat-rate unit costs the hourly rate / 12 (140.00 → 11.6667), and
    # 18 units must still come to 210.00.
    unit_price = models.DecimalField(
        _("unit price (net)"),
        max_digits=14,
        decimal_places=4,
        validators=[MinValueValidator(Decimal("0"))],
    )
    time_units = models.PositiveIntegerField(_("flat-rate time units"), default=0)
    menu_price = models.BooleanField(_("menu price"), default=False)
    discount_percent = models.DecimalField(
        _("discount (%)"),
        max_digits=5,
        decimal_places=2,
        default=Decimal("0"),
        validators=[MinValueValidator(Decimal("0")), MaxValueValidator(Decimal("100"))],
    )
    discount_reason = models.CharField(_("reason for the discount"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("job line")
        verbose_name_plural = _("job lines")
        ordering = ["job", "kind", "id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(quantity__gt=0), name="job_line_quantity_positive"
            ),
            models.CheckConstraint(
                condition=models.Q(discount_percent=0) | ~models.Q(discount_reason=""),
                name="job_line_discount_has_reason",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.description}"

    @property
    def is_catalogue_part(self) -> bool:
        """A part from the catalogue: one the store reserves and issues."""
        return self.kind == LineKind.PART and self.part_id is not None

    @property
    def gross_amount(self) -> Decimal:
        """Before discount."""
        return round_money(self.quantity * self.unit_price)

    @property
    def discount_amount(self) -> Decimal:
        return percent_of(self.gross_amount, self.discount_percent)

    @property
    def net_amount(self) -> Decimal:
        return self.gross_amount - self.discount_amount


class ClockEntry(models.Model):
    """A stretch of a technician's time on a job; at most one is running per technician."""

    job = models.ForeignKey(Job, on_delete=models.CASCADE, related_name="clock_entries")
    technician = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="clock_entries"
    )
    started_at = models.DateTimeField(_("clocked on"), default=timezone.now)
    ended_at = models.DateTimeField(_("clocked off"), null=True, blank=True)
    pause_reason = models.CharField(_("reason for the pause"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("clock entry")
        verbose_name_plural = _("clock entries")
        ordering = ["started_at", "id"]
        constraints = [
            # The database, not only the service, keeps a technician on one job at a time.
            models.UniqueConstraint(
                fields=["technician"],
                condition=models.Q(ended_at__isnull=True),
                name="clock_one_running_job_per_technician",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.technician_id} {self.job_id} {self.started_at:%H:%M}"

    @property
    def seconds(self) -> int:
        end = self.ended_at or timezone.now()
        return int((end - self.started_at).total_seconds())


class QualityCheck(models.Model):
    """One level of the three-level quality check, passed or failed, with its checklist."""

    repair_order = models.ForeignKey(
        RepairOrder, on_delete=models.CASCADE, related_name="quality_checks"
    )
    level = models.PositiveSmallIntegerField(_("level"), choices=QCLevel.choices)
    passed = models.BooleanField(_("passed"))
    answers = models.JSONField(_("checklist"), default=dict, blank=True)
    note = models.TextField(_("note"), blank=True)
    rework_jobs = models.ManyToManyField(Job, blank=True, related_name="+")
    checked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    checked_at = models.DateTimeField(_("checked at"), default=timezone.now)
    # A failed check voids the passes before it: the round starts again after rework.
    round = models.PositiveSmallIntegerField(_("round"), default=1)

    class Meta:
        verbose_name = _("quality check")
        verbose_name_plural = _("quality checks")
        ordering = ["checked_at", "id"]

    def __str__(self) -> str:
        return f"{self.repair_order_id} L{self.level} {'✓' if self.passed else '✗'}"


class Handover(models.Model):
    """The car back to the customer: checklist, signature, and what follow-up will use."""

    repair_order = models.OneToOneField(
        RepairOrder, on_delete=models.CASCADE, related_name="handover"
    )
    answers = models.JSONField(_("checklist"), default=dict, blank=True)
    signed_name = models.CharField(_("signed by (typed name)"), max_length=200)
    mileage_out = models.PositiveIntegerField(_("mileage at handover (km)"))
    delivered_at = models.DateTimeField(_("delivered at"), default=timezone.now)
    handed_over_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    # Frozen at delivery for the service book and the survey: nobody can redirect them later.
    contact_email = models.EmailField(_("survey e-mail"), blank=True)
    contact_phone = models.CharField(_("survey phone"), max_length=20, blank=True)
    language = models.CharField(_("language"), max_length=10, choices=Language.choices)
    service_items = models.JSONField(_("maintenance items performed"), default=list, blank=True)
    work_done = models.JSONField(_("work done"), default=list, blank=True)

    class Meta:
        verbose_name = _("handover")
        verbose_name_plural = _("handovers")

    def __str__(self) -> str:
        return f"{self.repair_order} {self.delivered_at:%Y-%m-%d}"
