"""Input of the estimate tab: a job, its labour and part lines, the estimate sent."""

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from servicelane.core.choices import QualificationLevel
from servicelane.core.dates import validate_sane_date
from servicelane.core.schema_types import LONG_TEXT
from servicelane.workorders.models import LabourOperation
from servicelane.workorders.reception.forms import DATETIME_LOCAL_FORMATS, DateTimeLocalInput


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
