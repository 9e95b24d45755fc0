"""A planning run solved: the day read (``workshop.day_input``), planned by the CP-SAT
planner and by hand (the earliest-due-date baseline), and the proposal stored on the run
with the reasons in the words of whoever asked. The background worker solves large days
the same way (``tasks.run_planning``)."""

import logging

from django.core.exceptions import ValidationError
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from servicelane.control.choices import PlanningStatus
from servicelane.control.models import PlanningRun
from servicelane.control.planning.greedy import greedy_edd
from servicelane.control.planning.reasons import reason_text
from servicelane.control.planning.solver import plan
from servicelane.control.planning.workshop import day_input, plan_result

logger = logging.getLogger(__name__)


def planning_run_execute(*, run_id: int) -> PlanningRun:
    """Solve the run's day now and store the proposal (the worker calls this too)."""
    run = PlanningRun.objects.select_related("workshop", "requested_by").get(pk=run_id)
    if run.status not in (PlanningStatus.QUEUED, PlanningStatus.FAILED):
        return run
    run.status = PlanningStatus.RUNNING
    run.save(update_fields=["status"])
    workshop = run.workshop
    language = run.requested_by.language if run.requested_by else workshop.default_language
    try:
        data = day_input(workshop, run.date)
        arguments = (data["jobs"], data["technicians"], data["bays"], data["tools"])
        found = plan(*arguments, time_limit_s=float(run.time_limit_s))
        baseline = greedy_edd(*arguments)
        result = plan_result(data, found, baseline, workshop.zone)
        # The reasons in the words of whoever asked, as they were when the run was made.
        with translation.override(language), timezone.override(workshop.zone):
            for item in result["unplaced"]:
                item["text"] = [
                    reason_text(code, params, result) for code, params in item["reasons"]
                ]
    except ValidationError as exc:
        run.status = PlanningStatus.FAILED
        run.result = {"error": " ".join(exc.messages)}
    except Exception:  # the foreman gets a failed run to retry, never a broken page
        logger.exception("planning run %s failed", run.pk)
        run.status = PlanningStatus.FAILED
        with translation.override(language):
            run.result = {"error": _("The planner stopped with an error; try again.")}
    else:
        run.status = PlanningStatus.DONE
        run.result = result
    run.finished_at = timezone.now()
    # A run discarded while the solver worked stays discarded.
    stored = PlanningRun.objects.filter(pk=run.pk, status=PlanningStatus.RUNNING).update(
        status=run.status, result=run.result, finished_at=run.finished_at
    )
    if not stored:
        run.refresh_from_db()
    return run
