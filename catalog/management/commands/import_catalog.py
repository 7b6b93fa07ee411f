"""`python manage.py import_catalog PATH`: import one bank's catalogue YAML, creating the bank."""

import json
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError, CommandParser

from catalog.errors import CatalogImportError
from catalog.importing import MAX_CATALOG_BYTES, catalog_import


class Command(BaseCommand):
    help = (
        "Import a bank's catalogue YAML (SPEC §5). The bank named in the file is created when "
        "missing. Prints the summary as JSON; on any error nothing changes."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("path", help="The catalogue YAML file.")

    def handle(self, *args, path: str, **options) -> None:
        try:
            with Path(path).open("rb") as file:
                # One byte past the limit is enough for the service to refuse it as too large,
                # without reading a huge file into memory.
                source = file.read(MAX_CATALOG_BYTES + 1)
        except OSError as exc:
            raise CommandError(f"Cannot read {path}: {exc.strerror or exc}") from None
        try:
            summary = catalog_import(source=source, create_bank=True)
        except CatalogImportError as exc:
            lines = "\n".join(f"  {line}" for line in exc.lines())
            raise CommandError("Catalogue not imported:\n" + lines) from None
        if summary.bank_created:
            self.stderr.write(f"Created bank {summary.bank.name!r}.")
        self.stdout.write(json.dumps(summary.as_dict()))
