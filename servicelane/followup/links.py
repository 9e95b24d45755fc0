"""Signed links for the car owner: answer the survey of a visit.

The token names the survey; expiry (SURVEY_LINK_DAYS after delivery) and single
use are decided on the row, so a link can never outlive its survey.
"""

import datetime as dt

from django.conf import settings
from django.core import signing
from django.urls import reverse
from django.utils import timezone

from servicelane.followup.models import Survey

SURVEY_SALT = "servicelane.followup.survey"


def survey_token(survey: Survey) -> str:
    return signing.dumps(
        {"s": survey.pk, "r": survey.repair_order_ref}, salt=SURVEY_SALT, compress=True
    )


def survey_expires_at(survey: Survey) -> dt.datetime:
    return survey.delivered_at + dt.timedelta(days=settings.SURVEY_LINK_DAYS)


def survey_link_expired(survey: Survey) -> bool:
    return timezone.now() > survey_expires_at(survey)


def survey_from_token(token: str, *, allow_expired: bool = False) -> Survey | None:
    """The survey of a valid link, or None (bad signature, unknown, expired).

    ``allow_expired`` also answers an expired link's survey, so the page can say in the
    owner's language that the link has expired; it still cannot be answered.
    """
    try:
        payload = signing.loads(token, salt=SURVEY_SALT)
        survey_id, ro_id = int(payload["s"]), int(payload["r"])
    except (signing.BadSignature, KeyError, TypeError, ValueError):
        return None
    survey = (
        Survey.objects.select_related("workshop", "vehicle")
        .filter(pk=survey_id, repair_order_ref=ro_id)
        .first()
    )
    if survey is None:
        return None
    if not allow_expired and survey_link_expired(survey):
        return None
    return survey


def survey_path(survey: Survey) -> str:
    return reverse("survey:answer", kwargs={"token": survey_token(survey)})


def survey_url(survey: Survey) -> str:
    return settings.SITE_URL + survey_path(survey)
