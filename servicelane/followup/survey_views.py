"""The owner's survey page, opened through the signed link of the e-mail: no account.

It speaks the survey's language (the one frozen at handover) and the workshop's time
zone, whatever the browser says, like the repair order's customer pages.
"""

from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import render
from django.utils import translation
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods

from servicelane.core.errors import apply_to_form
from servicelane.core.ratelimit import client_ip
from servicelane.core.schema_types import CODE_TEXT, LONG_TEXT
from servicelane.core.types import PageRequest
from servicelane.core.viewutils import customer_locale
from servicelane.followup.links import survey_from_token, survey_link_expired
from servicelane.followup.models import DETRACTOR_MAX, PROMOTER_MIN, Survey
from servicelane.followup.services import (
    COMMENT_MAX_LENGTH,
    SurveyAlreadyAnswered,
    survey_answer,
)

SATISFACTION_CHOICES = [
    (1, gettext_lazy("Very dissatisfied")),
    (2, gettext_lazy("Dissatisfied")),
    (3, gettext_lazy("Neither")),
    (4, gettext_lazy("Satisfied")),
    (5, gettext_lazy("Very satisfied")),
]
RECOMMEND_CHOICES = [(n, str(n)) for n in range(11)]


class SurveyForm(forms.Form):
    """Collects the three answers as typed; ``survey_answer`` judges them."""

    satisfaction = forms.CharField(
        label=gettext_lazy("Overall, how satisfied are you with your visit?"),
        max_length=CODE_TEXT,
        required=False,
        widget=forms.RadioSelect(choices=SATISFACTION_CHOICES),
    )
    recommend = forms.CharField(
        label=gettext_lazy("How likely are you to recommend us to a friend or colleague?"),
        max_length=CODE_TEXT,
        required=False,
        widget=forms.RadioSelect(choices=RECOMMEND_CHOICES),
    )
    comment = forms.CharField(
        label=gettext_lazy("Anything you would like to tell us? (optional)"),
        max_length=LONG_TEXT,  # the service says so from COMMENT_MAX_LENGTH on
        required=False,
        strip=False,
        widget=forms.Textarea(attrs={"rows": 4, "maxlength": COMMENT_MAX_LENGTH}),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # The browser stops at the service's limit; the form's own is the safety net.
        self.fields["comment"].widget.attrs["maxlength"] = COMMENT_MAX_LENGTH

    def value(self, name: str) -> Any:
        return getattr(self, "cleaned_data", {}).get(name, "")


def _page(
    request: PageRequest,
    survey: Survey | None,
    template: str,
    context: dict[str, Any],
    status: int = 200,
) -> HttpResponse:
    language = survey.language if survey else translation.get_language()
    response = render(
        request,
        template,
        {
            "survey": survey,
            # The customer pages' header names the repair order.
            "repair_order": {"number": survey.repair_order_number} if survey else None,
            "workshop": survey.workshop if survey else None,
            "LANGUAGE_CODE": language,
            **context,
        },
        status=status,
    )
    response["Content-Language"] = language
    response["Cache-Control"] = "private, no-store"
    return response


def _closed(request: PageRequest, survey: Survey | None, reason: str) -> HttpResponse:
    """Answered already (200, with thanks), or a link that is unknown or expired (404)."""
    status = 200 if reason == "answered" else 404
    return _page(request, survey, "followup/survey/closed.html", {"reason": reason}, status)


@require_http_methods(["GET", "POST"])
def answer(request: PageRequest, token: str) -> HttpResponse:
    """Three questions, answered once: satisfaction 1-5, recommendation 0-10, a comment."""
    survey = survey_from_token(token, allow_expired=True)
    if survey is None:
        return _closed(request, None, "unknown")
    with customer_locale(survey.language, survey.workshop.zone):
        if survey.answered_at is not None:
            return _closed(request, survey, "answered")
        if survey_link_expired(survey):
            return _closed(request, survey, "expired")
        form = SurveyForm(request.POST if request.method == "POST" else None)
        status = 200
        if request.method == "POST":
            form.is_valid()  # only tidies the input: the service decides what is wrong
            try:
                survey = survey_answer(
                    survey=survey,
                    satisfaction=form.value("satisfaction"),
                    recommend=form.value("recommend"),
                    comment=form.value("comment"),
                    ip=client_ip(request),
                )
            except SurveyAlreadyAnswered:
                survey.refresh_from_db()
                return _closed(request, survey, "answered")
            except ValidationError as exc:
                survey.refresh_from_db()
                if survey_link_expired(survey):
                    return _closed(request, survey, "expired")
                apply_to_form(form, exc)
                status = 400
            else:
                return _page(request, survey, "followup/survey/thanks.html", {})
        context = {
            "form": form,
            "satisfaction_choices": SATISFACTION_CHOICES,
            "recommend_choices": [
                (n, "detractor" if n <= DETRACTOR_MAX else "promoter" if n >= PROMOTER_MIN else "")
                for n, _label in RECOMMEND_CHOICES
            ],
            "comment_max": COMMENT_MAX_LENGTH,
        }
        return _page(request, survey, "followup/survey/answer.html", context, status)
