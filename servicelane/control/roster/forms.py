"""Forms of the roster: they only collect what was typed; the services
(control.roster.services) decide and their refusals show inline."""

from collections.abc import Iterable
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from servicelane.control.choices import Equipment, Skill
from servicelane.core.choices import QualificationLevel
from servicelane.core.dates import validate_sane_date
from servicelane.core.models import Membership
from servicelane.tools.forms import (
    DATETIME_LOCAL_FORMATS,
    DateTimeLocalInput,
    choose_from,
    date_input,
    technician_choices,
)


def time_input() -> forms.TimeInput:
    return forms.TimeInput(attrs={"type": "time"}, format="%H:%M")


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
    date = forms.DateField(label=_("Day"), widget=date_input(), validators=[validate_sane_date])
    starts_at = forms.TimeField(label=_("From"), required=False, widget=time_input())
    ends_at = forms.TimeField(label=_("Until"), required=False, widget=time_input())
    break_starts_at = forms.TimeField(label=_("Break from"), required=False, widget=time_input())
    break_minutes = forms.IntegerField(
        label=_("Break (minutes)"), min_value=0, max_value=240, required=False, initial=0
    )
    off = forms.BooleanField(label=_("No shift that day"), required=False)

    def __init__(self, *args: Any, members: Iterable[Membership], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        choose_from(self, "technician", technician_choices(members))

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
        choose_from(self, "technician", [("", "—"), *technician_choices(members)])


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
