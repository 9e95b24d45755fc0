"""Input of the bay: a pause and its reason, found work, a photo of the car."""

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from servicelane.core import uploads
from servicelane.core.schema_types import LONG_TEXT
from servicelane.core.uploads import UploadField

OTHER = "other"


class PauseForm(forms.Form):
    """Why the clock stops: a common reason to tap, or words of one's own."""

    REASONS = [
        ("waiting_parts", _("Waiting for parts")),
        ("break", _("Break")),
        ("end_of_shift", _("End of shift")),
        (OTHER, _("Other")),
    ]

    # Not required here: the pause service refuses a pause without a reason, in one place.
    reason = forms.ChoiceField(
        label=_("Reason for the pause"),
        choices=REASONS,
        required=False,
        widget=forms.RadioSelect,
    )
    detail = forms.CharField(
        label=_("Details"),
        max_length=150,
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if data.get("reason") == OTHER and not (data.get("detail") or "").strip():
            self.add_error("detail", _("Say why you pause."))
        return data

    def reason_text(self) -> str:
        """The reason as it is recorded on the clock entry."""
        code = self.cleaned_data.get("reason") or ""
        detail = (self.cleaned_data.get("detail") or "").strip()
        if not code:
            return detail
        if code == OTHER:
            return detail
        label = str(dict(self.REASONS)[code])
        return f"{label}: {detail}" if detail else label


class FoundWorkForm(forms.Form):
    """Work found under the car: it goes to the advisor for a supplementary estimate."""

    title = forms.CharField(label=_("What needs doing?"), max_length=200, required=False)
    description = forms.CharField(
        label=_("What you found"),
        max_length=LONG_TEXT,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class PhotoForm(forms.Form):
    """A photo from the tablet's camera."""

    image = UploadField(
        kind=uploads.PHOTO,
        label=_("Photo"),
        required=False,
        # Any image opens the tablet's camera; the field refuses all but JPEG, PNG, WebP.
        widget=forms.FileInput(attrs={"accept": "image/*", "capture": "environment"}),
    )
    caption = forms.CharField(label=_("Caption"), max_length=200, required=False)
    shared = forms.BooleanField(label=_("Show to the customer"), required=False, initial=True)
