import datetime as dt
from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from servicelane.appointments.models import Closure, Lane, ServiceType
from servicelane.appointments.selectors import bookable_service_types
from servicelane.appointments.services import BookingParty
from servicelane.core.choices import Language
from servicelane.core.dates import validate_sane_date
from servicelane.core.forms import offer
from servicelane.core.models import User, Workshop
from servicelane.core.schema_types import CODE_TEXT, SHORT_TEXT
from servicelane.core.selectors import workshop_advisors
from servicelane.customers.selectors import no_customers, workshop_customers
from servicelane.vehicles.models import MAX_KM


class ServiceChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj: ServiceType) -> str:
        minutes = _("%(minutes)s min") % {"minutes": obj.duration_minutes}
        if obj.promise_hours:
            promise = _("ready within %(hours)s h") % {"hours": obj.promise_hours}
            return f"{obj.name} · {minutes} · {promise}"
        return f"{obj.name} · {minutes}"


class SlotQueryForm(forms.Form):
    """Services and a first day: what the free start times are looked up for."""

    service_types = ServiceChoiceField(
        label=_("Services"),
        queryset=ServiceType.objects.none(),
        widget=forms.CheckboxSelectMultiple(attrs={"class": "slot-query"}),
    )
    day = forms.DateField(
        validators=[validate_sane_date],
        label=_("From"),
        widget=forms.DateInput(attrs={"type": "date", "class": "slot-query"}),
    )

    def __init__(self, *args: Any, workshop: Workshop, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.workshop = workshop
        offer(self, "service_types", bookable_service_types(workshop))
        self.fields["day"].initial = timezone.now().astimezone(workshop.zone).date()


def parse_start(raw: str | None) -> dt.datetime:
    """A start time as the slot picker sends it (ISO 8601)."""
    try:
        return dt.datetime.fromisoformat(raw or "")
    except ValueError as exc:
        raise forms.ValidationError(_("Choose one of the free times.")) from exc


def party_from(data: dict[str, Any]) -> BookingParty:
    """Who books and for which car, from a booking form's cleaned data."""
    return BookingParty(
        last_name=data["last_name"],
        first_name=data["first_name"],
        email=data["email"],
        phone=data["phone"],
        language=data["language"],
        consent_reminders=data["consent_reminders"],
        vin=data["vin"],
        plate=data["plate"],
        mileage=data.get("mileage"),
        model=data.get("model") or "",
    )


class StartTimeMixin(forms.Form):
    starts_at = forms.CharField(label=_("Arrival"), max_length=CODE_TEXT, required=False)

    def clean_starts_at(self) -> dt.datetime:
        return parse_start(self.cleaned_data.get("starts_at"))


class VehicleFieldsMixin(forms.Form):
    vin = forms.CharField(
        label=_("VIN"),
        max_length=40,
        required=False,
        help_text=_("17 characters, on the registration certificate."),
    )
    plate = forms.CharField(
        label=_("Number plate"),
        max_length=20,
        required=False,
        help_text=_("Enough for a car we have seen before."),
    )

    def clean(self) -> dict[str, object]:
        data = super().clean() or {}
        if not data.get("vin") and not data.get("plate") and not data.get("vehicle"):
            self.add_error("vin", _("Give the VIN or the number plate of the car."))
        return data


class PublicBookingForm(VehicleFieldsMixin, StartTimeMixin, SlotQueryForm):
    model = forms.CharField(label=_("Make and model"), max_length=100, required=False)
    mileage = forms.IntegerField(
        label=_("Current mileage (km)"),
        required=False,
        min_value=0,
        max_value=MAX_KM,
        widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
    )
    first_name = forms.CharField(label=_("First name"), max_length=100, required=False)
    last_name = forms.CharField(label=_("Last name"), max_length=100)
    email = forms.EmailField(label=_("E-mail"), help_text=_("The confirmation goes here."))
    phone = forms.CharField(label=_("Phone"), max_length=40)
    language = forms.ChoiceField(label=_("Language for messages"), choices=Language.choices)
    consent_reminders = forms.BooleanField(
        label=_("Remind me the day before by e-mail"), required=False
    )
    notes = forms.CharField(
        label=_("What should we know?"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    # Hidden from people by CSS; bots fill every field they find.
    website = forms.CharField(
        label=_("Leave this field empty"), max_length=SHORT_TEXT, required=False
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["language"].initial = get_language()
        self.fields["website"].widget.attrs.update({"autocomplete": "off", "tabindex": "-1"})

    @property
    def is_bot(self) -> bool:
        return bool(self.data.get("website"))


class PhoneBookingForm(VehicleFieldsMixin, StartTimeMixin, SlotQueryForm):
    customer = forms.ModelChoiceField(
        label=_("Existing customer"), queryset=no_customers(), required=False
    )
    vehicle = forms.CharField(widget=forms.HiddenInput, max_length=CODE_TEXT, required=False)
    first_name = forms.CharField(label=_("First name"), max_length=100, required=False)
    last_name = forms.CharField(label=_("Last name"), max_length=100, required=False)
    email = forms.EmailField(label=_("E-mail"), required=False)
    phone = forms.CharField(label=_("Phone"), max_length=40, required=False)
    language = forms.ChoiceField(label=_("Language for messages"), choices=Language.choices)
    consent_reminders = forms.BooleanField(label=_("Reminder the day before"), required=False)
    advisor = forms.ModelChoiceField(
        label=_("Advisor"), queryset=User.objects.none(), required=False
    )
    parking_spot = forms.CharField(label=_("Reserved parking spot"), max_length=20, required=False)
    notes = forms.CharField(
        label=_("Customer's words"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        offer(self, "customer", workshop_customers(workshop=self.workshop))
        self.fields["customer"].widget = forms.HiddenInput()
        offer(self, "advisor", workshop_advisors(self.workshop))
        self.fields["language"].initial = self.workshop.default_language

    def clean(self) -> dict[str, object]:
        data = super().clean() or {}
        if not data.get("customer") and not data.get("last_name"):
            self.add_error("last_name", _("Name the customer."))
        return data


class OpeningHoursForm(forms.Form):
    """One weekday: open or closed, and from when to when."""

    open = forms.BooleanField(label=_("open"), required=False)
    opens = forms.TimeField(
        label=_("opens"), required=False, widget=forms.TimeInput(attrs={"type": "time"})
    )
    closes = forms.TimeField(
        label=_("closes"), required=False, widget=forms.TimeInput(attrs={"type": "time"})
    )

    def clean(self) -> dict[str, object]:
        data = super().clean() or {}
        if data.get("open"):
            if not data.get("opens") or not data.get("closes"):
                raise forms.ValidationError(_("Give opening and closing time."))
            if data["closes"] <= data["opens"]:
                raise forms.ValidationError(_("Closing time must be after opening time."))
        return data


class ClosureForm(forms.ModelForm):
    date = forms.DateField(
        label=_("Date"),
        validators=[validate_sane_date],
        widget=forms.DateInput(attrs={"type": "date"}),
    )

    class Meta:
        model = Closure
        fields = ["date", "reason"]


class LaneForm(forms.ModelForm):
    class Meta:
        model = Lane
        fields = ["kind", "bays", "slot_minutes", "active"]


class ServiceTypeForm(forms.ModelForm):
    def __init__(self, *args: Any, workshop: Workshop, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        offer(self, "lane", Lane.objects.filter(workshop=workshop))

    class Meta:
        model = ServiceType
        fields = [
            "code",
            "name_en",
            "name_de",
            "name_zh_hans",
            "lane",
            "duration_minutes",
            "promise_hours",
            "min_days_ahead",
            "active",
        ]
