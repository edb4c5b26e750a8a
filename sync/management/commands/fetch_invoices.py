from django.core.management.base import BaseCommand

from sync.services.fetch import invoices_fetch


class Command(BaseCommand):
    help = "Reads new and changed invoices and debtors from Coachview (exit 0 done, 2 could not run)."

    def handle(self, *args, **options):
        result = invoices_fetch()
        self.stderr.write(result.summary()) if result.stopped else self.stdout.write(result.summary())
        if result.stopped:
            raise SystemExit(2)
