"""Every write of the follow-up: surveys after the visit, service reminders."""

import ipaddress
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from servicelane.followup.links import survey_link_expired
from servicelane.followup.models import Survey

COMMENT_MAX_LENGTH = 2000


class SurveyAlreadyAnswered(ValidationError):
    """The survey holds an answer already; it is never replaced."""


def survey_open(*, repair_order: Any, handover: Any) -> Survey:
    """The survey of a delivered order, to the contact frozen at handover.

    Nobody can redirect it later: the address is copied from the handover, and the
    e-mail goes out once the delivery is committed.
    """
    survey, created = Survey.objects.get_or_create(
        repair_order_ref=repair_order.pk,
        defaults={
            "repair_order_number": repair_order.number,
            "vehicle_id": repair_order.vehicle_id,
            "customer_id": repair_order.customer_id,
            "workshop_id": repair_order.workshop_id,
            "advisor_id": repair_order.advisor_id,
            "email": handover.contact_email,
            "language": handover.language,
            "delivered_at": handover.delivered_at,
        },
    )
    if created and survey.email:
        from servicelane.followup.notifications import send_survey

        transaction.on_commit(lambda: send_survey(survey.pk))
    return survey


def _score(value: Any, low: int, high: int) -> int | None:
    """A whole number from ``low`` to ``high`` (as typed or sent), else None."""
    if isinstance(value, bool):
        return None
    if isinstance(value, str) and value.strip().isdecimal():
        value = int(value.strip())
    if not isinstance(value, int):
        return None  # "", "4.5", "four"
    return value if low <= value <= high else None


def _ip(value: Any) -> str | None:
    try:
        return str(ipaddress.ip_address(str(value))) if value else None
    except ValueError:
        return None


@transaction.atomic
def survey_answer(
    *, survey: Survey, satisfaction: Any, recommend: Any, comment: Any = "", ip: Any = None
) -> Survey:
    """Store the owner's answer, once: satisfaction 1-5, recommendation 0-10, a comment.

    A second answer is refused (``SurveyAlreadyAnswered``) and changes nothing, so is an
    answer through an expired link. A detractor (0-6) alerts the workshop's managers.
    """
    survey = Survey.objects.select_for_update().get(pk=survey.pk)
    if survey.answered_at is not None:
        raise SurveyAlreadyAnswered(_("You have answered already, thank you."), code="answered")
    if survey_link_expired(survey):
        raise ValidationError(_("This survey has closed."), code="expired")
    errors: dict[str, list[str]] = {}
    satisfaction_value = _score(satisfaction, 1, 5)
    if satisfaction_value is None:
        errors["satisfaction"] = [_("Choose how satisfied you were, from 1 to 5.")]
    recommend_value = _score(recommend, 0, 10)
    if recommend_value is None:
        errors["recommend"] = [_("Choose how likely you are to recommend us, from 0 to 10.")]
    text = comment.strip() if isinstance(comment, str) else ""
    if comment is not None and not isinstance(comment, str):
        errors["comment"] = [_("Write your comment as text.")]
    elif len(text) > COMMENT_MAX_LENGTH:
        errors["comment"] = [
            _("Please keep your comment to %(max)s characters (it has %(length)s).")
            % {"max": COMMENT_MAX_LENGTH, "length": len(text)}
        ]
    if errors:
        raise ValidationError(errors)
    survey.satisfaction = satisfaction_value
    survey.recommend = recommend_value
    survey.comment = text
    survey.answer_ip = _ip(ip)
    survey.answered_at = timezone.now()
    survey.save(update_fields=["satisfaction", "recommend", "comment", "answer_ip", "answered_at"])
    if survey.is_detractor:
        survey_alert_managers(survey=survey)
    return survey


@transaction.atomic
def survey_alert_managers(*, survey: Survey) -> int:
    """Tell every manager of the workshop, in their own language, that a customer would not
    recommend it. Once per survey: the stamp ``manager_alerted_at`` is set under the row's
    lock, and the e-mails leave when the answer is committed. Answers the number alerted."""
    from servicelane.followup.notifications import send_detractor_alert
    from servicelane.followup.selectors import workshop_managers

    survey = Survey.objects.select_for_update().get(pk=survey.pk)
    if survey.manager_alerted_at is not None or not survey.is_detractor:
        return 0
    manager_ids = list(workshop_managers(survey.workshop_id).values_list("pk", flat=True))
    if not manager_ids:
        return 0
    survey.manager_alerted_at = timezone.now()
    survey.save(update_fields=["manager_alerted_at"])
    transaction.on_commit(lambda: send_detractor_alert(survey.pk, manager_ids))
    return len(manager_ids)
