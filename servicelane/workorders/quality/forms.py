"""Input of a quality check: the level's checklist ticked, or the jobs to redo."""

from collections.abc import Iterable
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from servicelane.core.schema_types import LONG_TEXT
from servicelane.workorders.models import ChecklistPoint, Job


class QualityCheckForm(forms.Form):
    """One level of the quality check: every point a checkbox, a note, the jobs to redo."""

    PASS = "pass"
    FAIL = "fail"

    result = forms.ChoiceField(choices=[(PASS, _("Passed")), (FAIL, _("Failed: rework"))])
    note = forms.CharField(
        label=_("What must be redone"),
        max_length=LONG_TEXT,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    rework_job_ids = forms.TypedMultipleChoiceField(
        label=_("Jobs to redo"),
        coerce=int,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(
        self,
        *args: Any,
        points: Iterable[ChecklistPoint],
        jobs: Iterable[Job],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.points = list(points)
        for point in self.points:
            self.fields[self.point_field(point)] = forms.BooleanField(
                label=point.text, required=False
            )
        self.fields["rework_job_ids"].choices = [
            (job.pk, f"{job.position}. {job.title}") for job in jobs
        ]

    @staticmethod
    def point_field(point: ChecklistPoint) -> str:
        return f"point_{point.pk}"

    def point_fields(self) -> list[forms.BoundField]:
        return [self[self.point_field(p)] for p in self.points]

    @property
    def passed(self) -> bool:
        return self.cleaned_data["result"] == self.PASS

    def answers(self) -> dict[str, bool]:
        return {str(p.pk): bool(self.cleaned_data.get(self.point_field(p))) for p in self.points}
