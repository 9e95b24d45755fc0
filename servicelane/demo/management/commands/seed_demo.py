from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from tqdm import tqdm

from servicelane.demo.builder import DemoBuilder, demo_exists
from servicelane.demo.people import demo_logins


class Command(BaseCommand):
    help = "Build the demo network: two workshops, one user per role, customers and vehicles."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--scale", type=float, default=1.0, help="1 = about 200 customers per workshop."
        )
        parser.add_argument(
            "--password", default="servicelane", help="Password of every demo user."
        )
        parser.add_argument(
            "--if-empty",
            action="store_true",
            help="Do nothing (but print the logins) when the demo network already exists.",
        )

    def handle(self, *args: Any, scale: float, password: str, if_empty: bool, **opts: Any) -> None:
        if scale <= 0:
            raise CommandError("--scale must be greater than 0.")
        if demo_exists():
            if not if_empty:
                raise CommandError("The demo network already exists; use an empty database.")
            self.stdout.write("Demo data already present.")
            self._print_logins(password=None)
            return
        builder = DemoBuilder(scale=scale, password=password, progress=lambda n: None)
        with tqdm(
            total=builder.customer_total(), unit="customers", disable=opts["verbosity"] == 0
        ) as bar:
            builder.progress = bar.update
            builder.build()
        self._print_logins(password=password)

    def _print_logins(self, password: str | None) -> None:
        self.stdout.write("")
        self.stdout.write(
            self.style.SUCCESS("Demo logins") + (f" (password: {password})" if password else "")
        )
        for email, role in demo_logins():
            self.stdout.write(f"  {email:<28} {role}")
