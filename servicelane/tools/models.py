"""The special-tool register: every copy of a special tool in a workshop's tools room,
where it belongs, where it is, and its log.

A tool may be checked out for a job. The register sits below the repair orders in the
layers, so it keeps the job by its id (``job_id``) and not as a relation: the app that
plans the work answers what the job is (``servicelane.tools.jobs``).
"""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from servicelane.core.tenancy import WorkshopOwned
from servicelane.tools.choices import ToolMovementKind, ToolState
from servicelane.tools.jobs import JobRef


class SpecialTool(WorkshopOwned):
    """One physical special tool; copies share the number and differ by ``copy``."""

    number = models.CharField(_("tool number"), max_length=30)
    copy = models.PositiveSmallIntegerField(_("copy"), default=1)
    name = models.CharField(_("name"), max_length=200)
    storage_place = models.CharField(_("storage place"), max_length=30)
    calibration_due = models.DateField(_("calibration due"), null=True, blank=True)
    state = models.CharField(
        _("state"), max_length=12, choices=ToolState.choices, default=ToolState.IN_PLACE
    )
    holder = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="tools_held",
        verbose_name=_("with"),
    )
    # The job it is checked out for, by id (see the module's note).
    job_id = models.BigIntegerField(_("for job"), null=True, blank=True, db_index=True)
    due_back_at = models.DateTimeField(_("due back"), null=True, blank=True)

    # Set by the register's reads (tools.selectors.with_jobs, with_flags): the job it is
    # out for, and how its return and calibration stand today.
    for_job: JobRef | None
    return_overdue: bool
    calibration_overdue: bool
    calibration_soon: bool

    class Meta:
        verbose_name = _("special tool")
        verbose_name_plural = _("special tools")
        ordering = ["workshop", "number", "copy"]
        constraints = [
            models.UniqueConstraint(fields=["workshop", "number", "copy"], name="tool_unique_copy"),
            models.CheckConstraint(
                condition=models.Q(state=ToolState.CHECKED_OUT, holder__isnull=False)
                | ~models.Q(state=ToolState.CHECKED_OUT),
                name="tool_checked_out_has_holder",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.number}/{self.copy} {self.name}"


class ToolMovement(models.Model):
    tool = models.ForeignKey(SpecialTool, on_delete=models.CASCADE, related_name="movements")
    kind = models.CharField(_("movement"), max_length=10, choices=ToolMovementKind.choices)
    technician = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("technician"),
    )
    job_id = models.BigIntegerField(_("job"), null=True, blank=True)
    state = models.CharField(_("state"), max_length=12, choices=ToolState.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("by"),
    )
    at = models.DateTimeField(_("time"), default=timezone.now)

    # Set by the register's reads (tools.selectors.with_jobs): the job it was for.
    for_job: JobRef | None

    class Meta:
        verbose_name = _("tool movement")
        verbose_name_plural = _("tool movements")
        ordering = ["-at", "-id"]

    def __str__(self) -> str:
        return f"{self.tool_id} {self.kind}"
