from typing import Any

from django import forms
from django.contrib.auth.forms import PasswordResetForm
from django.utils import translation
from django.utils.translation import gettext_lazy as _

from servicelane.core.choices import Language


class LocalizedPasswordResetForm(PasswordResetForm):
    """Sends the reset e-mail in the language of the account, not of the browser."""

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
            super().send_mail(
                subject_template_name,
                email_template_name,
                context,
                from_email,
                to_email,
                html_email_template_name,
            )


class LanguageForm(forms.Form):
    language = forms.ChoiceField(label=_("Language"), choices=Language.choices)
    next = forms.CharField(required=False)


class WorkshopSwitchForm(forms.Form):
    workshop = forms.IntegerField()
    next = forms.CharField(required=False)
