"""Delivered repair orders and their surveys for tests, built through the services from the
toolkit's scenarios (servicelane.testing.scenarios)."""

import datetime as dt
from typing import Any

from django.test import TestCase

from servicelane.core.models import User, Workshop
from servicelane.followup.models import Survey
from servicelane.followup.services import survey_answer
from servicelane.testing.clock import NOW
from servicelane.testing.scenarios import declined_order, handover_answers
from servicelane.workorders.handover import services
from servicelane.workorders.models import RepairOrder


def hand_over(ro: RepairOrder, advisor: User, *, send: bool = True) -> Survey:
    """Hand the car over; with ``send`` the survey e-mail leaves as on commit."""
    with TestCase.captureOnCommitCallbacks(execute=send):
        services.repair_order_hand_over(
            actor=advisor,
            repair_order=ro,
            signed_name="Eva Kundin",
            mileage_out=ro.mileage + 3,
            answers=handover_answers(ro.workshop),
        )
    return Survey.objects.select_related("workshop").get(repair_order_ref=ro.pk)


def survey_of_visit(
    workshop: Workshop,
    advisor: User,
    time_machine: Any,
    delivered: dt.datetime | None = None,
    answer: tuple[int, int] | tuple[int, int, str] | None = None,
) -> Survey:
    """A visit delivered at ``delivered`` (default: now), its survey sent and, when
    ``answer`` (satisfaction, recommend[, comment]) is given, answered at once."""
    if delivered is not None:
        time_machine.move_to(delivered, tick=False)
    survey = hand_over(declined_order(workshop, advisor), advisor)
    if answer is not None:
        satisfaction, recommend, *comment = answer
        with TestCase.captureOnCommitCallbacks(execute=True):
            survey = survey_answer(
                survey=survey,
                satisfaction=satisfaction,
                recommend=recommend,
                comment=comment[0] if comment else "",
                ip="192.0.2.10",
            )
    time_machine.move_to(NOW, tick=False)
    return Survey.objects.select_related("workshop").get(pk=survey.pk)
