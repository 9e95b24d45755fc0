import datetime as dt
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from tqdm import tqdm

from servicelane.followup.reminders import run_reminder_batch
from servicelane.followup.tasks import schedule_daily_reminders
from servicelane.vehicles.selectors import vehicle_count


class Command(BaseCommand):
    help = (
        "E-mail owners whose car has service due soon or whose warranty ends soon, once per "
        "due item and only with their consent. Safe to run again: nothing is sent twice."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--date", help="Run as of this day (YYYY-MM-DD); default today.")
        parser.add_argument("--horizon-days", type=int, help="Items due within this many days.")
        parser.add_argument(
            "--warranty-days", type=int, help="Warranties ending within this many days."
        )
        parser.add_argument(
            "--schedule",
            action="store_true",
            help="Do not send now: queue the daily run for the task worker (once).",
        )

    def handle(self, *args: Any, **opts: Any) -> None:
        if opts["schedule"]:
            when = schedule_daily_reminders()
            if when is None:
                self.stdout.write("The daily reminder batch is already queued.")
            else:
                self.stdout.write(
                    f"The daily reminder batch is queued for {when:%Y-%m-%d %H:%M} UTC."
                )
            return
        today = None
        if opts["date"]:
            try:
                today = dt.date.fromisoformat(opts["date"])
            except ValueError:
                raise CommandError("--date must look like 2026-11-23.") from None
        for name in ("horizon_days", "warranty_days"):
            if opts[name] is not None and opts[name] < 0:
                raise CommandError(f"--{name.replace('_', '-')} cannot be negative.")
        with tqdm(total=vehicle_count(), unit="vehicles", disable=opts["verbosity"] == 0) as bar:
            result = run_reminder_batch(
                today=today,
                horizon_days=opts["horizon_days"],
                warranty_days=opts["warranty_days"],
                progress=bar.update,
            )
        self.stdout.write(
            f"{result.vehicles} vehicles checked, {result.due} with something due; "
            f"{result.emails} e-mails sent for {result.reminders} reminders "
            f"({result.failed} failed); {result.no_consent} owners without consent or e-mail."
        )
