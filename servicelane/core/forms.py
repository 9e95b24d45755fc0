from typing import Any, TypeVar

from django import forms
from django.contrib.auth.forms import PasswordResetForm
from django.db import transaction
from django.db.models import Model, QuerySet
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.translation import gettext_lazy as _

from servicelane.core.choices import Language
from servicelane.core.schema_types import URL_TEXT
from servicelane.core.tasks import send_email

M = TypeVar("M", bound=Model)


def offer(form: forms.BaseForm, name: str, queryset: QuerySet[M]) -> None:
    """Offer ``queryset`` in the form's choice of records ``name``: the records this
    user, in this workshop, may pick."""
    field = form.fields[name]
    if not isinstance(field, forms.ModelChoiceField):
        raise TypeError(f"{name} is not a choice of records")
    field.queryset = queryset


class LocalizedPasswordResetForm(PasswordResetForm):
    """Sends the reset e-mail in the language of the account, through the task queue."""

    def send_mail(
        self,
        subject_template_name: str,
        email_template_name: str,
        context: dict[str, Any],
        from_email: str | None,
        to_email: str,
        html_email_template_name: str | None = None,
    ) -> None:
        with translation.override(context["user"].language):
            subject = "".join(render_to_string(subject_template_name, context).splitlines())
            body = render_to_string(email_template_name, context)
        transaction.on_commit(lambda: send_email.enqueue(subject=subject, body=body, to=[to_email]))


class LanguageForm(forms.Form):
    language = forms.ChoiceField(label=_("Language"), choices=Language.choices)
    next = forms.CharField(max_length=URL_TEXT, required=False)


class WorkshopSwitchForm(forms.Form):
    workshop = forms.IntegerField(required=False)  # empty: the whole network
    next = forms.CharField(max_length=URL_TEXT, required=False)
