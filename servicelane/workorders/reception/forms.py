"""Input of reception: check-in of a booked car, a walk-in, the reception's edits, CBS
data, photos. The forms only collect it; the services decide."""

from collections.abc import Iterable
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from servicelane.core import uploads
from servicelane.core.dates import validate_sane_date
from servicelane.core.schema_types import DOCUMENT_TEXT
from servicelane.core.uploads import UploadField
from servicelane.workorders.choices import Document, FuelLevel
from servicelane.workorders.models import Job


class DateTimeLocalInput(forms.DateTimeInput):
    input_type = "datetime-local"

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        super().__init__(attrs, format="%Y-%m-%dT%H:%M")


DATETIME_LOCAL_FORMATS = ["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M", "%Y-%m-%dT%H:%M:%S"]


class ReceptionForm(forms.Form):
    """What the advisor records with the customer at the car."""

    mileage = forms.IntegerField(
        label=_("Mileage (km)"),
        widget=forms.NumberInput(attrs={"autofocus": True, "inputmode": "numeric"}),
    )
    mileage_confirmed = forms.BooleanField(
        label=_("Confirm this reading: the odometer really shows less"), required=False
    )
    fuel_level = forms.TypedChoiceField(
        label=_("Fuel level"),
        choices=FuelLevel.choices,
        coerce=int,
        empty_value=None,
        required=False,
        widget=forms.RadioSelect(attrs={"class": "choice-row"}),
    )
    concerns = forms.CharField(
        label=_("Customer's concerns (in their words)"),
        required=False,
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    documents_seen = forms.MultipleChoiceField(
        label=_("Documents seen"),
        choices=Document.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple(attrs={"class": "choice-row"}),
    )
    parking_spot = forms.CharField(label=_("Parking spot"), max_length=20, required=False)

    @property
    def asks_confirmation(self) -> bool:
        """The confirm box appears once the reading was refused (or ticked already)."""
        return bool(self.errors.get("mileage")) or bool(self.data.get("mileage_confirmed"))


class DeferredChoiceMixin(forms.Form):
    deferred_jobs = forms.TypedMultipleChoiceField(
        label=_("Recommended at earlier visits: take up again"),
        coerce=int,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    def set_deferred(self, jobs: Iterable[Job]) -> None:
        self.deferred = list(jobs)
        self.fields["deferred_jobs"].choices = [(job.pk, job.title) for job in self.deferred]


class CheckInForm(DeferredChoiceMixin, ReceptionForm):
    """Check-in of a booked car: the booking gives the customer, the car and the services.

    A booking from the public page names its car only as typed: the advisor compares
    it with the car at the counter, corrects the VIN or plate if need be and confirms.
    """

    vin = forms.CharField(label=_("VIN"), max_length=40, required=False)
    plate = forms.CharField(label=_("Number plate"), max_length=20, required=False)
    car_confirmed = forms.BooleanField(
        label=_("I have compared the car at the counter with the booking"), required=True
    )

    def __init__(self, *args: Any, confirm_car: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.confirm_car = confirm_car
        if not confirm_car:
            for name in ("vin", "plate", "car_confirmed"):
                del self.fields[name]


class WalkInForm(DeferredChoiceMixin, ReceptionForm):
    """A customer without a booking: the car is one of theirs."""

    vehicle = forms.TypedChoiceField(label=_("Car"), coerce=int)
    field_order = ["vehicle"]

    def __init__(self, *args: Any, vehicles: Iterable[Any] = (), **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["vehicle"].choices = [(v.pk, str(v)) for v in vehicles]


class ReceptionEditForm(ReceptionForm):
    estimated_completion_at = forms.DateTimeField(
        validators=[validate_sane_date],
        label=_("Estimated completion"),
        required=False,
        input_formats=DATETIME_LOCAL_FORMATS,
        widget=DateTimeLocalInput(),
    )
    contact_email = forms.EmailField(label=_("E-mail for this visit"), required=False)
    contact_phone = forms.CharField(label=_("Phone for this visit"), max_length=20, required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["mileage"].widget.attrs.pop("autofocus", None)


class CbsForm(forms.Form):
    file = UploadField(
        kind=uploads.CBS_DOCUMENT, label=_("CBS document (JSON file)"), required=False
    )
    text = forms.CharField(
        label=_("…or paste it here"),
        max_length=DOCUMENT_TEXT,
        required=False,
        widget=forms.Textarea(attrs={"rows": 4, "class": "mono"}),
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        upload = data.get("file")
        if upload is not None:
            data["document"] = upload.text
        elif "file" in self.errors:
            pass
        elif (data.get("text") or "").strip():
            data["document"] = data["text"]
        else:
            self.add_error("text", _("Choose a file or paste the document."))
        return data


class PhotoForm(forms.Form):
    # Refused here unless it is a photo we decode; the service turns it upright and resizes it.
    image = UploadField(kind=uploads.PHOTO, label=_("Photo"))
    caption = forms.CharField(label=_("Caption"), max_length=200, required=False)
    shared = forms.BooleanField(label=_("Show to the customer"), required=False, initial=True)
