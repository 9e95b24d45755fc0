from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from servicelane.core.dates import validate_sane_date
from servicelane.core.forms import offer
from servicelane.customers.models import Customer
from servicelane.customers.selectors import no_customers
from servicelane.vehicles.choices import MileageSource
from servicelane.vehicles.models import VehicleType


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(format="%Y-%m-%d", **kwargs)


class OwnerChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Customer) -> str:
        return f"{obj.display_name} · {obj.phone_display or obj.email or obj.city}"


class VehicleForm(forms.Form):
    """Collects the input; VIN and mileage rules live in the services."""

    vin = forms.CharField(
        label=_("VIN"),
        max_length=40,
        help_text=_("17 characters; the letters I, O and Q are never used."),
        widget=forms.TextInput(attrs={"autocapitalize": "characters", "spellcheck": "false"}),
    )
    plate = forms.CharField(label=_("Number plate"), max_length=20, required=False)
    vehicle_type = forms.ModelChoiceField(
        label=_("Vehicle type"), queryset=VehicleType.objects.none(), required=False
    )
    first_registration = forms.DateField(
        validators=[validate_sane_date],
        label=_("First registration"),
        required=False,
        widget=DateInput(),
    )
    teleservice = forms.BooleanField(label=_("Teleservice capable"), required=False)
    warranty_until = forms.DateField(
        validators=[validate_sane_date],
        label=_("Warranty until"),
        required=False,
        widget=DateInput(),
        help_text=_("The last day of the new-car warranty."),
    )
    owner = OwnerChoiceField(label=_("Owner"), queryset=no_customers(), required=False)
    km = forms.IntegerField(label=_("Current mileage (km)"), min_value=0, required=False)

    def __init__(
        self,
        *args: Any,
        vehicle_types: QuerySet[VehicleType],
        customers: QuerySet[Customer],
        editing: bool = False,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        offer(self, "vehicle_type", vehicle_types)
        offer(self, "owner", customers)
        if editing:
            # The VIN is the car's identity; it is never edited, and mileage has its own form.
            del self.fields["vin"]
            del self.fields["km"]


class MileageForm(forms.Form):
    km = forms.IntegerField(label=_("Mileage (km)"), min_value=0)
    read_on = forms.DateField(validators=[validate_sane_date], label=_("Date"), widget=DateInput())
    source = forms.ChoiceField(
        label=_("Source"), choices=MileageSource.choices, initial=MileageSource.MANUAL
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["read_on"].initial = timezone.localdate()
