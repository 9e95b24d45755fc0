from typing import Any

from django import forms
from django.contrib.auth.forms import PasswordResetForm
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.translation import gettext_lazy as _

from servicelane.core.choices import Language
from servicelane.core.schema_types import URL_TEXT
from servicelane.core.tasks import send_email


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
