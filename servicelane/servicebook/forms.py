"""Forms of the service book screens: they only collect input, the services decide."""

from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from servicelane.core.dates import validate_sane_date
from servicelane.servicebook.choices import EntryKind
from servicelane.servicebook.models import MaintenanceItem, ServiceEntry
from servicelane.vehicles.forms import DateInput
from servicelane.vehicles.models import Vehicle


class VinSearchForm(forms.Form):
    vin = forms.CharField(
        label=_("VIN"),
        max_length=40,
        widget=forms.TextInput(
            attrs={
                "autofocus": True,
                "autocapitalize": "characters",
                "spellcheck": "false",
                "placeholder": _("17-character VIN"),
            }
        ),
    )


class EntryForm(forms.Form):
    """A new entry in the service or repair history, or a correction of one."""

    performed_on = forms.DateField(
        validators=[validate_sane_date], label=_("Date"), widget=DateInput()
    )
    mileage = forms.IntegerField(
        label=_("Mileage (km)"), widget=forms.NumberInput(attrs={"inputmode": "numeric"})
    )
    items = forms.MultipleChoiceField(
        label=_("Maintenance items performed"),
        required=False,
        widget=forms.CheckboxSelectMultiple(attrs={"class": "choice-row"}),
    )
    description = forms.CharField(
        label=_("Work done"),
        required=False,
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    transfer_to_car = forms.BooleanField(
        label=_("Transfer the entry to the car (teleservice)"), required=False
    )
    confirm_lower_mileage = forms.BooleanField(
        label=_("Confirm the lower mileage: keep the entry, flagged as a possible roll-back"),
        required=False,
    )

    def __init__(
        self,
        *args: Any,
        kind: str,
        vehicle: Vehicle,
        items: dict[str, MaintenanceItem],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.kind = kind
        self.vehicle = vehicle
        self.fields["performed_on"].initial = timezone.localdate()
        if kind == EntryKind.SERVICE:
            choices = self.fields["items"]
            if not isinstance(choices, forms.ChoiceField):
                raise TypeError("items is not a choice field")
            choices.choices = [(code, item.name) for code, item in items.items()]
            self.fields["description"].label = _("Remarks")
        else:
            del self.fields["items"]
            self.fields["description"].label = _("Repair done")
            self.fields["description"].widget.attrs["required"] = True
        # Only service entries go to the car, and only through teleservice.
        if kind != EntryKind.SERVICE or not vehicle.teleservice:
            del self.fields["transfer_to_car"]

    @property
    def description_required(self) -> bool:
        return self.kind == EntryKind.REPAIR

    @property
    def offers_transfer(self) -> bool:
        return "transfer_to_car" in self.fields

    @property
    def asks_confirmation(self) -> bool:
        """The confirm box appears once a lower mileage was refused (or ticked already)."""
        return bool(self.errors.get("confirm_lower_mileage")) or bool(
            self.data.get("confirm_lower_mileage")
        )

    def values(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {
            "performed_on": data["performed_on"],
            "mileage": data["mileage"],
            "items": data.get("items") or [],
            "description": data.get("description", ""),
            "transfer_to_car": bool(data.get("transfer_to_car")),
            "confirm_lower_mileage": bool(data.get("confirm_lower_mileage")),
        }

    @classmethod
    def initial_from(cls, entry: ServiceEntry) -> dict[str, Any]:
        return {
            "performed_on": entry.performed_on,
            "mileage": entry.mileage,
            "items": list(entry.items),
            "description": entry.description,
            "transfer_to_car": entry.transfer_requested,
        }


class CorrectionForm(EntryForm):
    reason = forms.CharField(
        label=_("Reason for the correction"),
        max_length=300,
        required=False,  # the service says why it is needed
        widget=forms.TextInput(attrs={"placeholder": _("e.g. mileage mistyped")}),
    )

    field_order = ["reason"]


class DisputeForm(forms.Form):
    """Another workshop contests an entry; network staff decide."""

    reason = forms.CharField(
        label=_("Why is the entry wrong?"),
        max_length=300,
        required=False,  # the service says why it is needed
        widget=forms.Textarea(
            attrs={"rows": 2, "placeholder": _("e.g. the car was in our workshop that day")}
        ),
    )


class ReviewDecisionForm(forms.Form):
    """Network staff accept or reject a review item, with the reason."""

    decision = forms.ChoiceField(
        choices=[("accept", _("Accept")), ("reject", _("Reject"))], widget=forms.HiddenInput
    )
    reason = forms.CharField(
        label=_("Reason for the decision"),
        max_length=300,
        required=False,  # the service says when it is needed
        widget=forms.Textarea(attrs={"rows": 2}),
    )
