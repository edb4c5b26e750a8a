import sys

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils import translation
from django.utils.translation import gettext as _

from coupling.exact.errors import ExactError
from sync.services.export_run import exports_run
from sync.services.fetch import invoices_fetch
from sync.services.golive import golive_state

# Stops that mean "could not run" (exit 2); a spent minute is waited for, never a stop here.
EXIT_2_STOPS = {"connection.budget_daily_spent", "connection.endpoint_blocked", "connection.reconnect_needed"}


class Command(BaseCommand):
    help = (
        "Pre-flight checks and exports to Exact what is ready; --dry-run prints per invoice the entry it "
        "would post or why it would be held, and sends nothing."
    )

    def add_arguments(self, parser):
        parser.add_argument("--dry-run", action="store_true", help="Send nothing; print what would happen.")
        parser.add_argument("--limit", type=int, default=None, help="Export at most N invoices.")
        parser.add_argument(
            "--language", "--lang", choices=[code for code, _name in settings.LANGUAGES], default=None,
            help="language of the report (default: LANGUAGE_CODE, Dutch)",
        )  # fmt: skip

    def handle(self, *args, language=None, **options):
        # A person reads this report: in their language (Django leaves a command's language alone).
        with translation.override(language or settings.LANGUAGE_CODE):
            self._handle(**options)

    def _handle(self, *, dry_run=False, limit=None, **options):
        from coupling.exact.client import ExactClient

        try:
            ExactClient()  # not connected (or the link needs a person): exit 2 before anything else
        except ExactError as exc:
            self.stdout.write(_("Export could not run: %s") % exc)
            raise CommandError(str(exc), returncode=2) from exc
        golive = golive_state()
        if not dry_run and not golive.export_allowed:
            # Exports nothing until the go-live checks passed; a dry run works before any check.
            self.stdout.write(golive.waiting_for())
            sys.exit(3)
        if not dry_run and not golive.scheduled_on:
            self.stderr.write(golive.schedule_text())  # by hand it exports anyway; the schedule is a person's switch

        def sleeper(seconds: float) -> None:
            # Run by a person: wait for Exact's minute window and say so, then finish the work.
            self.stderr.write(f"Exact's minute budget is spent; waiting {seconds:.0f} s for the next window…")
            self.stderr.flush()
            import time

            time.sleep(seconds)

        try:
            client = ExactClient(sleeper=sleeper)
            # What is new in Coachview first (its own summary goes to stderr; a Coachview problem is
            # reported there and the export goes on with what we have).
            self.stderr.write(invoices_fetch().summary())
            result = exports_run(limit=limit, dry_run=dry_run, client=client)
        except ExactError as exc:
            self.stdout.write(_("Export could not run: %s") % exc)
            raise CommandError(str(exc), returncode=2) from exc
        for line in result.report:
            self.stdout.write(line)
        self.stdout.write(result.summary)
        if result.run.stopped_code in EXIT_2_STOPS:
            sys.exit(2)
