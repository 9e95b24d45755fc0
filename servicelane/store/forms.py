"""The store's forms only collect what was typed: quantities are read and checked by
the services (``store.services.quantity_from``), whose refusals show inline."""

from django import forms
from django.utils.translation import gettext_lazy as _

COUNT_ROWS = 10
MAX_COUNT_ROWS = 500


class StockSearchForm(forms.Form):
    q = forms.CharField(
        label=_("Part number, name or bin"),
        max_length=100,
        required=False,
        widget=forms.TextInput(
            attrs={
                "type": "search",
                "autocomplete": "off",
                "spellcheck": "false",
                "placeholder": _("Part number, name or bin"),
            }
        ),
    )
    below_minimum = forms.BooleanField(label=_("Below minimum only"), required=False)


class ItemSettingsForm(forms.Form):
    """Where the store keeps a part and between which quantities."""

    bin_location = forms.CharField(
        label=_("Bin location"),
        max_length=20,
        required=False,
        widget=forms.TextInput(attrs={"autocapitalize": "characters", "spellcheck": "false"}),
    )
    minimum = forms.CharField(
        label=_("Minimum stock"),
        max_length=20,
        widget=forms.TextInput(attrs={"inputmode": "decimal"}),
    )
    maximum = forms.CharField(
        label=_("Maximum stock"),
        max_length=20,
        widget=forms.TextInput(attrs={"inputmode": "decimal"}),
    )


class CountRowForm(forms.Form):
    number = forms.CharField(
        label=_("Part number"),
        max_length=40,
        required=False,
        widget=forms.TextInput(attrs={"spellcheck": "false", "autocomplete": "off"}),
    )
    counted = forms.CharField(
        label=_("Counted"),
        max_length=20,
        required=False,
        widget=forms.TextInput(attrs={"inputmode": "decimal", "autocomplete": "off"}),
    )


CountRowFormSet = forms.formset_factory(
    CountRowForm, extra=0, max_num=MAX_COUNT_ROWS, absolute_max=MAX_COUNT_ROWS
)


class CountNoteForm(forms.Form):
    note = forms.CharField(label=_("Note"), max_length=200, required=False)
