"""Input of an inspection: every point of the checklist rated."""

from collections.abc import Iterable
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from servicelane.workorders.choices import Rating
from servicelane.workorders.models import ChecklistPoint


class InspectionForm(forms.Form):
    """Every point of one checklist: a rating and, when not green, what was found."""

    def __init__(
        self,
        *args: Any,
        points: Iterable[ChecklistPoint],
        photos: Iterable[Any] = (),
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.points = list(points)
        photo_choices = [("", "—")] + [
            (p.pk, p.caption or _("Photo %(n)s") % {"n": n}) for n, p in enumerate(photos, 1)
        ]
        for point in self.points:
            if len(photo_choices) > 1:
                self.fields[f"photo_{point.pk}"] = forms.TypedChoiceField(
                    label=_("Photo"),
                    choices=photo_choices,
                    coerce=int,
                    empty_value=None,
                    required=False,
                )
            self.fields[f"rating_{point.pk}"] = forms.ChoiceField(
                label=point.text,
                choices=Rating.choices,
                required=False,
                widget=forms.RadioSelect(attrs={"class": "rating"}),
            )
            self.fields[f"note_{point.pk}"] = forms.CharField(
                label=_("Note"), max_length=300, required=False
            )
            # Where the service's refusal of this point is shown.
            self.fields[f"point_{point.pk}"] = forms.Field(required=False)

    def rows(self) -> list[dict[str, Any]]:
        return [
            {
                "point": point,
                "rating": self[f"rating_{point.pk}"],
                "note": self[f"note_{point.pk}"],
                "photo": self[f"photo_{point.pk}"] if f"photo_{point.pk}" in self.fields else None,
                "errors": self.errors.get(f"point_{point.pk}", []),
            }
            for point in self.points
        ]

    def results(self) -> dict[int, dict[str, Any]]:
        return {
            point.pk: {
                "rating": self.cleaned_data.get(f"rating_{point.pk}") or "",
                "note": self.cleaned_data.get(f"note_{point.pk}") or "",
                "photo": self.cleaned_data.get(f"photo_{point.pk}"),
            }
            for point in self.points
        }
