"""Forms of the tools room and the roster: they only collect what was typed; the
services (control.services, control.roster_services) decide and their refusals show
inline."""

from collections.abc import Iterable
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from servicelane.control.choices import Equipment, Skill, ToolState
from servicelane.control.tools_selectors import FLAG_CALIBRATION, FLAG_OVERDUE
from servicelane.core.choices import QualificationLevel
from servicelane.core.dates import validate_sane_date
from servicelane.core.models import Membership
from servicelane.workorders.models import Job

DATETIME_LOCAL_FORMATS = ["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M", "%Y-%m-%dT%H:%M:%S"]


class DateTimeLocalInput(forms.DateTimeInput):
    input_type = "datetime-local"

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        super().__init__(attrs, format="%Y-%m-%dT%H:%M")


def _time_input() -> forms.TimeInput:
    return forms.TimeInput(attrs={"type": "time"}, format="%H:%M")


def _date_input() -> forms.DateInput:
    return forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


def _technician_choices(members: Iterable[Membership]) -> list[tuple[str, str]]:
    return [
        (
            str(m.user_id),
            f"{m.user} ({m.get_level_display()})" if m.level else str(m.user),
        )
        for m in members
    ]


def job_label(job: Job) -> str:
    label = f"{job.repair_order.number} · {job.position}. {job.title}"
    return f"{label} · {job.technician}" if job.technician_id else label


# ---------------------------------------------------------------- tools


class ToolFilterForm(forms.Form):
    q = forms.CharField(
        label=_("Tool number or name"),
        max_length=100,
        required=False,
        widget=forms.TextInput(
            attrs={
                "type": "search",
                "autocomplete": "off",
                "spellcheck": "false",
                "placeholder": _("Tool number or name"),
            }
        ),
    )
    state = forms.ChoiceField(
        label=_("State"), choices=[("", _("Any state")), *ToolState.choices], required=False
    )
    flag = forms.ChoiceField(
        label=_("Flagged"),
        choices=[
            ("", _("All tools")),
            (FLAG_OVERDUE, _("Return overdue")),
            (FLAG_CALIBRATION, _("Calibration overdue or due within 30 days")),
        ],
        required=False,
    )


class CheckOutForm(forms.Form):
    """A technician of the workshop takes the tool, for an open job or none."""

    technician = forms.TypedChoiceField(label=_("Technician"), coerce=int)
    job = forms.TypedChoiceField(label=_("For job"), coerce=int, empty_value=None, required=False)
    until = forms.DateTimeField(
        label=_("Due back"),
        required=False,
        validators=[validate_sane_date],
        input_formats=DATETIME_LOCAL_FORMATS,
        widget=DateTimeLocalInput(),
        help_text=_("Empty: in four hours."),
    )

    def __init__(
        self,
        *args: Any,
        members: Iterable[Membership],
        needing: Iterable[Job],
        others: Iterable[Job],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["technician"].choices = [("", "—"), *_technician_choices(members)]
        job_choices: list[Any] = [("", _("No job"))]
        needing = [(str(job.pk), job_label(job)) for job in needing]
        others = [(str(job.pk), job_label(job)) for job in others]
        if needing:
            job_choices.append((_("Jobs that need this tool"), needing))
        if others:
            job_choices.append((_("Other open jobs"), others))
        self.fields["job"].choices = job_choices


class ToolRegisterForm(forms.Form):
    """A copy of a special tool for the register."""

    number = forms.CharField(
        label=_("Tool number"),
        max_length=30,
        widget=forms.TextInput(attrs={"spellcheck": "false", "autocomplete": "off"}),
    )
    name = forms.CharField(
        label=_("Name"),
        max_length=200,
        required=False,
        help_text=_("May be left empty for a further copy of a registered number."),
    )
    storage_place = forms.CharField(label=_("Storage place"), max_length=30)
    calibration_due = forms.DateField(
        label=_("Calibration due"),
        required=False,
        widget=_date_input(),
        validators=[validate_sane_date],
        help_text=_("Empty when the tool needs no calibration."),
    )


class ToolStateForm(forms.Form):
    state = forms.ChoiceField(
        label=_("New state"),
        choices=[
            (ToolState.AT_CALIBRATION, _("Send to calibration")),
            (ToolState.DEFECTIVE, _("Mark defective")),
            (ToolState.IN_PLACE, _("Back in its place")),
        ],
    )


class CalibrationDoneForm(forms.Form):
    calibration_due = forms.DateField(
        label=_("Next calibration due"), widget=_date_input(), validators=[validate_sane_date]
    )


# ---------------------------------------------------------------- roster


class TechnicianForm(forms.Form):
    level = forms.TypedChoiceField(
        label=_("Qualification level"),
        choices=[("", "—"), *QualificationLevel.choices],
        coerce=int,
        empty_value=None,
        required=False,
    )
    skills = forms.MultipleChoiceField(
        label=_("Skills"),
        choices=Skill.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )


class ShiftForm(forms.Form):
    """One technician's shift on one day; "no shift" removes it."""

    technician = forms.TypedChoiceField(label=_("Technician"), coerce=int)
    date = forms.DateField(label=_("Day"), widget=_date_input(), validators=[validate_sane_date])
    starts_at = forms.TimeField(label=_("From"), required=False, widget=_time_input())
    ends_at = forms.TimeField(label=_("Until"), required=False, widget=_time_input())
    break_starts_at = forms.TimeField(label=_("Break from"), required=False, widget=_time_input())
    break_minutes = forms.IntegerField(
        label=_("Break (minutes)"), min_value=0, max_value=240, required=False, initial=0
    )
    off = forms.BooleanField(label=_("No shift that day"), required=False)

    def __init__(self, *args: Any, members: Iterable[Membership], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["technician"].choices = _technician_choices(members)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if not data.get("off"):
            for name in ("starts_at", "ends_at"):
                if data.get(name) is None and name not in self.errors:
                    self.add_error(name, _("Give the time, or tick “No shift that day”."))
        return data


class AbsenceForm(forms.Form):
    technician = forms.TypedChoiceField(label=_("Technician"), coerce=int)
    starts_at = forms.DateTimeField(
        label=_("From"),
        input_formats=DATETIME_LOCAL_FORMATS,
        widget=DateTimeLocalInput(),
        validators=[validate_sane_date],
    )
    ends_at = forms.DateTimeField(
        label=_("Until"),
        input_formats=DATETIME_LOCAL_FORMATS,
        widget=DateTimeLocalInput(),
        validators=[validate_sane_date],
    )
    reason = forms.CharField(label=_("Reason"), max_length=100, required=False)

    def __init__(self, *args: Any, members: Iterable[Membership], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["technician"].choices = [("", "—"), *_technician_choices(members)]


class BayForm(forms.Form):
    code = forms.CharField(
        label=_("Code"),
        max_length=10,
        widget=forms.TextInput(attrs={"autocapitalize": "characters", "spellcheck": "false"}),
    )
    name = forms.CharField(label=_("Name"), max_length=100)
    equipment = forms.MultipleChoiceField(
        label=_("Equipment"),
        choices=Equipment.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    active = forms.BooleanField(label=_("In use"), required=False, initial=True)
