"""Input of the handover and of a cancellation."""

from collections.abc import Iterable
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from servicelane.workorders.models import ChecklistPoint


class HandoverForm(forms.Form):
    signed_name = forms.CharField(
        label=_("Customer's name (typed as signature)"), max_length=200, required=False
    )
    mileage_out = forms.IntegerField(label=_("Mileage at handover (km)"), required=False)

    def __init__(self, *args: Any, points: Iterable[ChecklistPoint], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.points = list(points)
        for point in self.points:
            self.fields[f"point_{point.pk}"] = forms.BooleanField(label=point.text, required=False)
        self.fields["answers"] = forms.Field(required=False, widget=forms.HiddenInput)

    def point_fields(self) -> list[forms.BoundField]:
        return [self[f"point_{point.pk}"] for point in self.points]

    def answers(self) -> dict[str, bool]:
        return {str(p.pk): bool(self.cleaned_data.get(f"point_{p.pk}")) for p in self.points}


class CancelForm(forms.Form):
    reason = forms.CharField(label=_("Why is the order cancelled?"), max_length=200)
