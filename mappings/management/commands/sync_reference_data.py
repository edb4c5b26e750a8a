"""Refresh the mirror of Exact's reference data (VAT codes, G/L accounts, cost centres, ...)."""

from django.core.management.base import BaseCommand, CommandError

from mappings.services.reference_jobs import reference_refresh_run, reference_refresh_text


class Command(BaseCommand):
    help = "Read Exact's VAT codes, G/L accounts, cost centres, journals, payment conditions and periods."

    def handle(self, *args, **options):
        # Recorded like the button's and the schedule's refreshes, so the front page shows it too.
        refresh = reference_refresh_run()
        if not refresh.ok:
            # Not connected, budget spent, endpoint blocked or Exact refused: could not run (exit 2).
            raise CommandError(f"Exact's lists were not refreshed: {refresh.error}", returncode=2)
        self.stdout.write(reference_refresh_text(refresh))
