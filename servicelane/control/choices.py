from django.db import models
from django.utils.translation import gettext_lazy as _


class Skill(models.TextChoices):
    HIGH_VOLTAGE = "high_voltage", _("High-voltage systems")
    BODY = "body", _("Body work")
    PAINT = "paint", _("Paint")
    DIAGNOSIS = "diagnosis", _("Diagnosis")
    ALIGNMENT = "alignment", _("Wheel alignment")


class Equipment(models.TextChoices):
    LIFT = "lift", _("Lift")
    ALIGNMENT_RIG = "alignment_rig", _("Alignment rig")
    PAINT_BOOTH = "paint_booth", _("Paint booth")
    HIGH_VOLTAGE_BAY = "high_voltage", _("High-voltage bay")


class PlanningStatus(models.TextChoices):
    QUEUED = "queued", _("Queued")
    RUNNING = "running", _("Running")
    DONE = "done", _("Proposal ready")
    APPLIED = "applied", _("Applied")
    DISCARDED = "discarded", _("Discarded")
    FAILED = "failed", _("Failed")
