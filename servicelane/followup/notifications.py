"""Messages of the follow-up, in the recipient's language and the workshop's time zone."""

from collections.abc import Iterable

from django.conf import settings
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from servicelane.core.models import User
from servicelane.core.tasks import send_email
from servicelane.followup.links import survey_url
from servicelane.followup.models import Survey


def send_survey(survey_id: int) -> None:
    """After handover: three questions about the visit, by signed link."""
    survey = Survey.objects.select_related("workshop").get(pk=survey_id)
    if not survey.email:
        return
    with translation.override(survey.language), timezone.override(survey.workshop.zone):
        subject = _("How was your visit to %(workshop)s?") % {"workshop": survey.workshop.name}
        body = render_to_string(
            "followup/emails/survey.txt",
            {"survey": survey, "url": survey_url(survey)},
        )
    send_email.enqueue(subject=subject, body=body, to=[survey.email])
    Survey.objects.filter(pk=survey.pk).update(sent_at=timezone.now())


def send_detractor_alert(survey_id: int, manager_ids: Iterable[int]) -> None:
    """A customer would not recommend the workshop (0-6): each manager hears it at once,
    in their own language, with the scores, the comment and a link to the repair order."""
    survey = Survey.objects.select_related("workshop", "advisor", "vehicle", "customer").get(
        pk=survey_id
    )
    url = settings.SITE_URL + reverse("workorders:detail", kwargs={"pk": survey.repair_order_ref})
    managers = User.objects.filter(pk__in=list(manager_ids), is_active=True).order_by("pk")
    for manager in managers:
        with translation.override(manager.language), timezone.override(survey.workshop.zone):
            subject = _(
                "Unhappy customer: %(number)s scored %(recommend)s/10 for recommending us"
            ) % {"number": survey.repair_order_number, "recommend": survey.recommend}
            body = render_to_string(
                "followup/emails/detractor.txt",
                {
                    "manager": manager,
                    "survey": survey,
                    "vehicle": survey.vehicle,
                    "customer": survey.customer,
                    "url": url,
                },
            )
        send_email.enqueue(subject=subject, body=body, to=[manager.email])
