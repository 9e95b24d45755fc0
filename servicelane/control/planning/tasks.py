"""Background work of the control centre: planning a large day."""

from django_tasks import task

from servicelane.control.planning.proposals import planning_run_execute


@task()
def run_planning(run_id: int) -> str:
    """Solve a queued planning run; the board polls the run until its proposal is ready."""
    return planning_run_execute(run_id=run_id).status
