from django import forms
from django.utils.translation import gettext_lazy as _

from servicelane.core.schema_types import LONG_TEXT
from servicelane.customers.models import Customer
from servicelane.customers.services import EDITABLE_FIELDS


class CustomerForm(forms.ModelForm):
    """Collects the input; the rules live in the services."""

    phone = forms.CharField(
        label=_("Phone"),
        max_length=40,
        required=False,
        widget=forms.TextInput(attrs={"type": "tel", "autocomplete": "tel"}),
    )
    country = forms.CharField(
        label=_("Country"),
        max_length=2,
        required=False,
        help_text=_("Two letters, e.g. DE or CN."),
        widget=forms.TextInput(attrs={"size": 3}),
    )

    notes = forms.CharField(
        label=_("Notes"),
        max_length=LONG_TEXT,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    class Meta:
        model = Customer
        fields = EDITABLE_FIELDS

    def _post_clean(self) -> None:
        # Model validation runs in the service, where the phone number is
        # normalised first; running it here would reject "0761 123" as too long.
        pass
