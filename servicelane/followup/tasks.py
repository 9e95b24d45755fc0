"""The daily reminder batch as a background task that schedules its next run."""

import datetime as dt

from django.conf import settings
from django.utils import timezone
from django_tasks import task, task_backends

from servicelane.followup.reminders import run_reminder_batch

TASK_PATH = "servicelane.followup.tasks.send_service_reminders"


def next_run_after(now: dt.datetime) -> dt.datetime:
    """The next SERVICE_REMINDER_HOUR_UTC o'clock after ``now``."""
    today = now.astimezone(dt.UTC).replace(
        hour=settings.SERVICE_REMINDER_HOUR_UTC, minute=0, second=0, microsecond=0
    )
    return today if today > now else today + dt.timedelta(days=1)


def already_scheduled() -> bool:
    """Whether a run is waiting in the database queue (other backends keep no queue)."""
    from django_tasks_db.backend import DatabaseBackend

    if not isinstance(task_backends["default"], DatabaseBackend):
        return False
    from django_tasks_db.models import DBTaskResult

    return DBTaskResult.objects.filter(task_path=TASK_PATH, status="READY").exists()


def schedule_daily_reminders(now: dt.datetime | None = None) -> dt.datetime | None:
    """Queue the next daily run unless one is queued; returns when it will run."""
    if already_scheduled():
        return None
    when = next_run_after(now or timezone.now())
    send_service_reminders.using(run_after=when).enqueue()
    return when


@task()
def send_service_reminders() -> dict:
    """Queue tomorrow's run, then run today's batch (a failure today does not stop tomorrow)."""
    if task_backends["default"].supports_defer:
        schedule_daily_reminders(timezone.now() + dt.timedelta(minutes=1))
    return vars(run_reminder_batch())
