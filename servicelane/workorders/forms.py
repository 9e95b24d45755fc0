"""Forms of the advisor's repair order screens: they only collect input, the services decide."""

from collections.abc import Iterable
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from servicelane.core import uploads
from servicelane.core.choices import QualificationLevel
from servicelane.core.dates import validate_sane_date
from servicelane.core.schema_types import DOCUMENT_TEXT, LONG_TEXT
from servicelane.core.uploads import UploadField
from servicelane.workorders.choices import Document, FuelLevel, Rating
from servicelane.workorders.models import ChecklistPoint, Job, LabourOperation


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


def operation_label(operation: LabourOperation, price: Any, menu: bool, currency: str) -> str:
    hours = _("%(hours)s h") % {"hours": f"{operation.hours:.2f}"}
    kind = _("menu price") if menu else hours
    return f"{operation.code} · {operation.name} · {price} {currency} ({kind})"


class JobForm(forms.Form):
    title = forms.CharField(label=_("Job"), max_length=200)
    description = forms.CharField(
        label=_("Details"),
        max_length=LONG_TEXT,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    operations = forms.MultipleChoiceField(
        label=_("Labour operations"),
        required=False,
        widget=forms.SelectMultiple(attrs={"size": 5}),
    )
    level = forms.TypedChoiceField(
        label=_("Minimum qualification"),
        choices=[("", _("From the operations")), *QualificationLevel.choices],
        coerce=int,
        empty_value=None,
        required=False,
    )

    def __init__(self, *args: Any, operation_choices: list[tuple[str, str]], **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.fields["operations"].choices = operation_choices


class LabourLineForm(forms.Form):
    operation_code = forms.ChoiceField(label=_("Operation"))
    discount_percent = forms.DecimalField(label=_("Discount (%)"), required=False)
    discount_reason = forms.CharField(
        label=_("Reason for the discount"), max_length=200, required=False
    )

    def __init__(self, *args: Any, operation_choices: list[tuple[str, str]], **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.fields["operation_code"].choices = [("", "—"), *operation_choices]


class PartLineForm(forms.Form):
    code = forms.CharField(
        label=_("Part number"),
        max_length=40,
        required=False,
        help_text=_("A catalogue number fills in the name and the list price."),
    )
    # Only a part from outside the catalogue is described and priced by hand; the
    # service says which is missing.
    description = forms.CharField(label=_("Part"), max_length=200, required=False)
    # No bounds here: the service refuses a quantity of zero or less with its reason.
    quantity = forms.DecimalField(label=_("Quantity"), initial=1)
    unit_price = forms.DecimalField(label=_("Unit price (net)"), required=False)
    discount_percent = forms.DecimalField(label=_("Discount (%)"), required=False)
    discount_reason = forms.CharField(
        label=_("Reason for the discount"), max_length=200, required=False
    )


class EstimateSendForm(forms.Form):
    estimated_completion_at = forms.DateTimeField(
        validators=[validate_sane_date],
        label=_("Estimated completion"),
        required=False,
        input_formats=DATETIME_LOCAL_FORMATS,
        widget=DateTimeLocalInput(),
    )


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
