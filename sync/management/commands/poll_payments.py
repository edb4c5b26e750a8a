"""Update payment status from Exact and report it to Coachview (contracts.md: exit 0 done, 2 could not run)."""

from django.core.management.base import BaseCommand, CommandError

from sync.services.payments import payment_status_poll


class Command(BaseCommand):
    help = "Read which exported invoices Exact shows as paid, partly paid or open, and tell Coachview."

    def add_arguments(self, parser):
        parser.add_argument(
            "--backfill",
            action="store_true",
            help="Also determine, once, the status of invoices exported earlier or linked to entries booked by hand.",
        )

    def handle(self, *args, **options):
        # Run by a person: no deadline, so the client waits for Exact's minute window when it is spent.
        result = payment_status_poll(backfill=options["backfill"])
        if result.could_not_run:
            raise CommandError(result.summary(), returncode=2)
        self.stdout.write(result.summary())
