"""Delivered repair orders and their surveys for tests, built through the services."""

import datetime as dt
from typing import Any

from django.test import TestCase

from servicelane.appointments.tests.conftest import NOW
from servicelane.billing.services import invoice_issue
from servicelane.core.models import User, Workshop
from servicelane.followup.models import Survey
from servicelane.followup.services import survey_answer
from servicelane.workorders import services
from servicelane.workorders.models import RepairOrder
from servicelane.workorders.tests.factories import (
    handover_answers,
    priced_job,
    ready_order,
    walk_in,
)


def declined_visit(workshop: Workshop, advisor: User, **kw: Any) -> RepairOrder:
    """Ready for pick-up with nothing to invoice: the customer declined the only job."""
    ro = walk_in(workshop, advisor, **kw)
    priced_job(ro, advisor)
    estimate = services.estimate_send(actor=advisor, repair_order=ro)
    services.estimate_answer(
        estimate=estimate,
        decisions={job.pk: False for job in estimate.jobs.all()},
        signed_name="Eva Kundin",
        ip=None,
    )
    ro.refresh_from_db()
    return ro


def invoiced_visit(workshop: Workshop, advisor: User, tech: User, foreman: User) -> RepairOrder:
    """Brakes done, all three checks passed, invoiced: ready to hand over."""
    ro = ready_order(workshop, advisor, tech, foreman)
    invoice_issue(actor=advisor, repair_order=ro)
    ro.refresh_from_db()
    return ro


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
    return Survey.objects.select_related("workshop", "repair_order").get(repair_order=ro)


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
    survey = hand_over(declined_visit(workshop, advisor), advisor)
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
    return Survey.objects.select_related("workshop", "repair_order").get(pk=survey.pk)
