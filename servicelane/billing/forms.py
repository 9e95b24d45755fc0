"""Forms only collect what the cashier typed; the services decide."""

from django import forms
from django.utils.translation import gettext_lazy as _

from servicelane.billing.choices import PaymentMethod


class PaymentForm(forms.Form):
    method = forms.ChoiceField(
        label=_("Method"), choices=PaymentMethod.choices, initial=PaymentMethod.CARD
    )
    amount = forms.CharField(
        label=_("Amount"),
        max_length=30,
        localize=True,
        widget=forms.TextInput(attrs={"inputmode": "decimal", "autocomplete": "off"}),
    )
    reference = forms.CharField(
        label=_("Reference"),
        max_length=100,
        required=False,
        help_text=_("Card slip or transfer reference, if any."),
    )


class CreditNoteForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason for the correction"),
        max_length=300,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Printed on the credit note."),
    )
