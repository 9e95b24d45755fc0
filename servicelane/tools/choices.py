from django.db import models
from django.utils.translation import gettext_lazy as _


class ToolState(models.TextChoices):
    IN_PLACE = "in_place", _("In its place")
    CHECKED_OUT = "checked_out", _("Checked out")
    AT_CALIBRATION = "calibration", _("At calibration")
    DEFECTIVE = "defective", _("Defective")


class ToolMovementKind(models.TextChoices):
    CHECK_OUT = "check_out", _("Checked out")
    RETURN = "return", _("Returned")
    STATE = "state", _("State changed")
