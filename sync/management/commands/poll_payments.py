"""Update payment status from Exact and report it to Coachview (contracts.md: exit 0 done, 2 could not run)."""

from django.core.management.base import BaseCommand, CommandError

from coupling.exact.budget import real_sleep
from coupling.exact.client import ExactClient
from coupling.exact.errors import ExactError
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
        def wait(seconds: float) -> None:
            # Run by a person: no deadline, so we wait for Exact's minute window, and say so.
            self.stderr.write(f"Exact's minute budget is spent; waiting {seconds:.0f} s for the next window.")
            real_sleep(seconds)

        try:
            client = ExactClient(sleeper=wait)
        except ExactError as exc:
            raise CommandError(f"Payments not polled: {exc}", returncode=2) from exc
        result = payment_status_poll(backfill=options["backfill"], client=client)
        if result.could_not_run:
            raise CommandError(result.summary(), returncode=2)
        self.stdout.write(result.summary())
