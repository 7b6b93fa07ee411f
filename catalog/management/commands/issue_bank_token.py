"""`python manage.py issue_bank_token "Bank name"`: a new API token for a bank, printed once."""

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction

from catalog.importing import BANK_NAME_MAX_LENGTH
from catalog.services import bank_get_or_create, bank_issue_token


class Command(BaseCommand):
    help = (
        "Create the bank if missing and give it a new random token (the old one stops working). "
        "Prints the token alone on stdout, so `TOKEN=$(manage.py issue_bank_token NAME)` works; "
        "only its hash is stored."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("name", help="The bank's name (matched regardless of case).")

    def handle(self, *args, name: str, **options) -> None:
        name = name.strip()
        if not name:
            raise CommandError("The bank name may not be blank.")
        if len(name) > BANK_NAME_MAX_LENGTH:
            raise CommandError(f"The bank name is longer than {BANK_NAME_MAX_LENGTH} characters.")
        with transaction.atomic():
            bank, created = bank_get_or_create(name=name)
            token = bank_issue_token(bank=bank)
        # Everything but the token goes to stderr: stdout is meant to be captured.
        if created:
            self.stderr.write(f"Created bank {bank.name!r}.")
        if not bank.is_active:
            self.stderr.write(f"Bank {bank.name!r} is inactive: the token works once it is active.")
        self.stdout.write(token)
