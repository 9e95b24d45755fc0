from pathlib import Path
from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser
from tqdm import tqdm

from servicelane.core.models import Network
from servicelane.parts.importer import count_rows
from servicelane.parts.services import part_catalogue_import


class Command(BaseCommand):
    help = (
        "Import a parts catalogue CSV into a network's catalogue (columns: docs/parts.md). "
        "Safe to run again: unchanged rows change nothing. Bad rows are listed by line "
        "and left out; the others are imported."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", help="The CSV file (UTF-8, header row first).")
        parser.add_argument("--network", required=True, help="The network's code.")
        parser.add_argument(
            "--batch-size", type=int, default=None, help="Rows per transaction (2000)."
        )

    def handle(self, *args: Any, **opts: Any) -> None:
        path = Path(opts["file"])
        if not path.is_file():
            raise CommandError(f"No such file: {path}")
        network = Network.objects.filter(code=opts["network"]).first()
        if network is None:
            raise CommandError(f"No network with the code {opts['network']!r}.")
        if opts["batch_size"] is not None and opts["batch_size"] < 1:
            raise CommandError("--batch-size must be at least 1.")
        with tqdm(total=count_rows(path), unit="rows", disable=opts["verbosity"] == 0) as bar:
            try:
                result = part_catalogue_import(
                    network=network,
                    source=path,
                    progress=bar.update,
                    batch_size=opts["batch_size"],
                )
            except ValidationError as exc:
                raise CommandError(" ".join(exc.messages)) from None
        if result.ignored_columns:
            self.stderr.write("Ignored columns: " + ", ".join(result.ignored_columns))
        for error in result.errors:
            self.stderr.write(str(error))
        if result.errors_not_kept:
            self.stderr.write(f"… and {result.errors_not_kept} more bad rows.")
        self.stdout.write(result.summary())
