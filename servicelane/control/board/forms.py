"""Input of the dispatch board. The forms only collect it; the services decide."""

import datetime as dt
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from servicelane.control.models import Bay
from servicelane.control.planning.runs import DEFAULT_TIME_LIMIT_S, MAX_TIME_LIMIT_S
from servicelane.control.roster import selectors as roster
from servicelane.core.choices import QualificationLevel
from servicelane.core.dates import date_range_message, is_sane_date, validate_sane_date
from servicelane.core.models import User, Workshop
from servicelane.tools.forms import choose_from


class DayForm(forms.Form):
    date = forms.DateField(
        label=_("Day"),
        required=False,
        widget=forms.DateInput({"type": "date"}),
        validators=[validate_sane_date],
    )


class PlanForm(forms.Form):
    date = forms.DateField(widget=forms.HiddenInput, validators=[validate_sane_date])
    time_limit_s = forms.DecimalField(
        label=_("Time limit (seconds)"),
        min_value=0.1,
        max_value=MAX_TIME_LIMIT_S,
        decimal_places=1,
        initial=DEFAULT_TIME_LIMIT_S,
        required=False,
    )


class ReassignForm(forms.Form):
    """Who does the job, in which bay, from when (on the board's day, workshop time)."""

    technician = forms.TypedChoiceField(label=pgettext_lazy("person", "Technician"), coerce=int)
    bay = forms.TypedChoiceField(label=_("Bay"), coerce=int, required=False, empty_value=None)
    start = forms.TimeField(
        label=_("Start"), widget=forms.TimeInput({"type": "time"}, format="%H:%M")
    )
    date = forms.DateField(widget=forms.HiddenInput)

    def __init__(self, *args: Any, workshop: Workshop, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.workshop = workshop
        members = sorted(
            roster.technicians_of(workshop).values(), key=lambda m: str(m.user).lower()
        )
        choose_from(
            self,
            "technician",
            [
                ("", "—"),
                *(
                    (
                        m.user_id,
                        f"{m.user} · {QualificationLevel(m.level).label}"
                        if m.level
                        else str(m.user),
                    )
                    for m in members
                ),
            ],
        )
        self.users = {m.user_id: m.user for m in members}
        self.bays = {b.pk: b for b in roster.active_bays(workshop)}
        choose_from(
            self,
            "bay",
            [("", _("No bay")), *((b.pk, f"{b.code} {b.name}") for b in self.bays.values())],
        )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        # The day is the board's (hidden): a day out of range shows at the start time.
        if data.get("date") is not None and not is_sane_date(data["date"]):
            del data["date"]
            self.add_error("start", date_range_message())
        return data

    def technician_user(self) -> User:
        return self.users[self.cleaned_data["technician"]]

    def bay_object(self) -> Bay | None:
        bay_id = self.cleaned_data.get("bay")
        return self.bays.get(bay_id) if bay_id else None

    def start_at(self) -> dt.datetime:
        """The start on the board's day, in the workshop's time zone."""
        return dt.datetime.combine(
            self.cleaned_data["date"], self.cleaned_data["start"], tzinfo=self.workshop.zone
        )
