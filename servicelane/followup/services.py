"""Every write of the follow-up: surveys after the visit, service reminders."""

from typing import Any

from django.db import transaction

from servicelane.followup.models import Survey


def survey_open(*, repair_order: Any, handover: Any) -> Survey:
    """The survey of a delivered order, to the contact frozen at handover.

    Nobody can redirect it later: the address is copied from the handover, and the
    e-mail goes out once the delivery is committed.
    """
    survey, created = Survey.objects.get_or_create(
        repair_order=repair_order,
        defaults={
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
