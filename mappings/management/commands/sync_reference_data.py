"""Refresh the mirror of Exact's reference data (VAT codes, G/L accounts, cost centres, ...)."""

from django.core.management.base import BaseCommand, CommandError

from coupling.exact.errors import ExactError
from mappings.services import reference_data_sync


class Command(BaseCommand):
    help = "Read Exact's VAT codes, G/L accounts, cost centres, journals, payment conditions and periods."

    def handle(self, *args, **options):
        try:
            result = reference_data_sync()
        except ExactError as exc:
            # Not connected, budget spent, endpoint blocked or Exact refused: could not run (exit 2).
            raise CommandError(f"Exact's lists were not refreshed: {exc}", returncode=2) from exc
        self.stdout.write(result.summary())
