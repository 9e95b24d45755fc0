"""Messages of the follow-up, in the recipient's language and the workshop's time zone."""

from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from servicelane.core.tasks import send_email
from servicelane.followup.links import survey_url
from servicelane.followup.models import Survey


def send_survey(survey_id: int) -> None:
    """After handover: three questions about the visit, by signed link."""
    survey = Survey.objects.select_related("workshop", "repair_order__vehicle").get(pk=survey_id)
    if not survey.email:
        return
    with translation.override(survey.language), timezone.override(survey.workshop.zone):
        subject = _("How was your visit to %(workshop)s?") % {"workshop": survey.workshop.name}
        body = render_to_string(
            "followup/emails/survey.txt",
            {"survey": survey, "repair_order": survey.repair_order, "url": survey_url(survey)},
        )
    send_email.enqueue(subject=subject, body=body, to=[survey.email])
    Survey.objects.filter(pk=survey.pk).update(sent_at=timezone.now())
