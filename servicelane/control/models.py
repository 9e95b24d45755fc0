"""The workshop control centre: bays and their equipment, technicians' shifts and
absences, the attendance clock, and planning runs.

A technician's qualification level and skills live on their membership (core); the
skills, equipment and special tools a job needs come from its labour operations
(workorders.LabourOperation); the special tools themselves are in their register
(servicelane.tools).
"""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from servicelane.control.choices import PlanningStatus
from servicelane.core.tenancy import WorkshopOwned


class Bay(WorkshopOwned):
    code = models.CharField(_("code"), max_length=10)
    name = models.CharField(_("name"), max_length=100)
    equipment = models.JSONField(
        _("equipment"), default=list, blank=True, help_text=_("e.g. lift, alignment_rig")
    )
    active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("bay")
        verbose_name_plural = _("bays")
        ordering = ["workshop", "code"]
        constraints = [
            models.UniqueConstraint(fields=["workshop", "code"], name="bay_unique_code"),
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"


class JobPlan(models.Model):
    """Where and when a job is planned: its bay and planned start and end, written by the
    board, the planner and dispatch (a job without a plan is not planned). The control
    centre owns the plan; the job (workorders) does not know it."""

    job = models.OneToOneField(
        "workorders.Job",
        on_delete=models.CASCADE,
        related_name="plan",
        verbose_name=_("job"),
    )
    bay = models.ForeignKey(
        Bay,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="job_plans",
        verbose_name=_("bay"),
    )
    planned_start = models.DateTimeField(_("planned start"), null=True, blank=True)
    planned_end = models.DateTimeField(_("planned end"), null=True, blank=True)

    class Meta:
        verbose_name = _("job plan")
        verbose_name_plural = _("job plans")

    def __str__(self) -> str:
        return f"{self.job_id} {self.bay_id} {self.planned_start}"


class Shift(WorkshopOwned):
    """A technician's working time on one day, with an unpaid break."""

    technician = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="shifts",
        verbose_name=_("technician"),
    )
    date = models.DateField(_("date"))
    starts_at = models.TimeField(_("from"))
    ends_at = models.TimeField(_("until"))
    break_starts_at = models.TimeField(_("break from"), null=True, blank=True)
    break_minutes = models.PositiveSmallIntegerField(_("break (minutes)"), default=0)

    class Meta:
        verbose_name = _("shift")
        verbose_name_plural = _("shifts")
        ordering = ["date", "starts_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["workshop", "technician", "date"], name="shift_one_per_day"
            ),
            models.CheckConstraint(
                condition=models.Q(starts_at__lt=models.F("ends_at")), name="shift_starts_first"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.technician_id} {self.date} {self.starts_at}-{self.ends_at}"


class Absence(WorkshopOwned):
    technician = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="absences",
        verbose_name=_("technician"),
    )
    starts_at = models.DateTimeField(_("from"))
    ends_at = models.DateTimeField(_("until"))
    reason = models.CharField(_("reason"), max_length=100, blank=True)

    class Meta:
        verbose_name = _("absence")
        verbose_name_plural = _("absences")
        ordering = ["starts_at"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(starts_at__lt=models.F("ends_at")),
                name="absence_starts_first",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.technician_id} {self.starts_at:%Y-%m-%d}"


class AttendanceEntry(WorkshopOwned):
    """Clocked in and out at the workshop (beside the clock on jobs)."""

    technician = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="attendance",
        verbose_name=_("technician"),
    )
    clock_in = models.DateTimeField(_("clocked in"), default=timezone.now)
    clock_out = models.DateTimeField(_("clocked out"), null=True, blank=True)

    class Meta:
        verbose_name = _("attendance")
        verbose_name_plural = _("attendance")
        ordering = ["-clock_in"]
        constraints = [
            models.UniqueConstraint(
                fields=["technician"],
                condition=models.Q(clock_out__isnull=True),
                name="attendance_one_open_per_technician",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.technician_id} {self.clock_in:%Y-%m-%d %H:%M}"


class PlanningRun(WorkshopOwned):
    """One press of "plan": the day's open jobs handed to the solver, and its proposal."""

    date = models.DateField(_("day"))
    status = models.CharField(
        _("status"), max_length=10, choices=PlanningStatus.choices, default=PlanningStatus.QUEUED
    )
    time_limit_s = models.DecimalField(
        _("time limit (seconds)"), max_digits=5, decimal_places=1, default=5
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("requested by"),
    )
    created_at = models.DateTimeField(_("requested at"), default=timezone.now)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)
    applied_at = models.DateTimeField(_("applied at"), null=True, blank=True)
    discarded_at = models.DateTimeField(_("discarded at"), null=True, blank=True)
    discarded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("discarded by"),
    )
    # The solver's answer: assignments, unplaceable jobs with reasons, metrics.
    result = models.JSONField(_("result"), default=dict, blank=True)

    class Meta:
        verbose_name = _("planning run")
        verbose_name_plural = _("planning runs")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.workshop_id} {self.date} {self.status}"
