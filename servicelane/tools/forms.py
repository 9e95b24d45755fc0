"""Forms of the tools room: they only collect what was typed; the services decide and
their refusals show inline. The date inputs and the technicians' choices serve the
roster's forms too."""

from collections.abc import Iterable
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from servicelane.core.dates import validate_sane_date
from servicelane.core.models import Membership
from servicelane.tools.choices import ToolState
from servicelane.tools.jobs import JobRef
from servicelane.tools.selectors import FLAG_CALIBRATION, FLAG_OVERDUE

DATETIME_LOCAL_FORMATS = ["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M", "%Y-%m-%dT%H:%M:%S"]


class DateTimeLocalInput(forms.DateTimeInput):
    input_type = "datetime-local"

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        super().__init__(attrs, format="%Y-%m-%dT%H:%M")


def date_input() -> forms.DateInput:
    return forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


def choose_from(form: forms.BaseForm, name: str, choices: Iterable[tuple[object, object]]) -> None:
    """Offer ``choices`` (pairs of value and label, or named groups of them) in the
    form's choice field ``name``, checked to be one."""
    field = form.fields[name]
    if not isinstance(field, forms.ChoiceField):
        raise TypeError(f"{name} is not a choice field")
    field.choices = choices


def technician_choices(members: Iterable[Membership]) -> list[tuple[str, str]]:
    return [
        (
            str(m.user_id),
            f"{m.user} ({m.get_level_display()})" if m.level else str(m.user),
        )
        for m in members
    ]


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
        needing: Iterable[JobRef],
        others: Iterable[JobRef],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        choose_from(self, "technician", [("", "—"), *technician_choices(members)])
        job_choices: list[tuple[object, object]] = [("", _("No job"))]
        needing_choices = [(str(job.id), job.label) for job in needing]
        other_choices = [(str(job.id), job.label) for job in others]
        if needing_choices:
            job_choices.append((_("Jobs that need this tool"), needing_choices))
        if other_choices:
            job_choices.append((_("Other open jobs"), other_choices))
        choose_from(self, "job", job_choices)


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
        widget=date_input(),
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
        label=_("Next calibration due"), widget=date_input(), validators=[validate_sane_date]
    )
