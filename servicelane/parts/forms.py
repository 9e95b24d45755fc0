from django import forms
from django.utils.translation import gettext_lazy as _


class PartSearchForm(forms.Form):
    """One box for a part number (any way it is typed) or words; optionally the car."""

    q = forms.CharField(
        label=_("Part number or words"),
        max_length=100,
        required=False,
        widget=forms.TextInput(
            attrs={
                "type": "search",
                "autofocus": True,
                "autocomplete": "off",
                "spellcheck": "false",
                "placeholder": _("e.g. 11 42 7 953 129, oil filter, Ölfilter, 机油"),
            }
        ),
    )
    vin = forms.CharField(
        label=_("VIN (only parts that fit the car)"),
        max_length=40,
        required=False,
        widget=forms.TextInput(
            attrs={
                "autocapitalize": "characters",
                "autocomplete": "off",
                "spellcheck": "false",
                "placeholder": _("VIN (optional)"),
            }
        ),
    )
