"""`reconcile --year Y --month M [--csv FILE]`: Coachview's month against Exact's sales entries."""

import sys

from django.core.management.base import BaseCommand

from sync.services.reconciliation import reconciliation_run
from sync.services.reconciliation_csv import reconciliation_csv


class Command(BaseCommand):
    help = "Reconciles one month: Coachview's sent invoices against the sales entries in Exact. Exit 2 when Exact could not be read."

    def add_arguments(self, parser):
        parser.add_argument("--year", type=int, required=True)
        parser.add_argument("--month", type=int, required=True, choices=range(1, 13))
        parser.add_argument("--csv", metavar="FILE", help="Also write the result as CSV (Excel, Dutch).")

    def handle(self, *args, **options):
        from coupling.exact.errors import ExactNotConnected

        try:
            reconciliation = reconciliation_run(year=options["year"], month=options["month"])
        except ExactNotConnected as exc:
            self.stderr.write(f"Reconciliation not made: {exc}")
            sys.exit(2)
        if options["csv"]:
            with open(options["csv"], "wb") as handle:
                handle.write(reconciliation_csv(reconciliation=reconciliation))
        r = reconciliation
        self.stdout.write(
            f"Reconciliation {r.year}-{r.month:02d}: Coachview {r.coachview_count} invoices {r.coachview_incl_vat} incl. VAT, "
            f"Exact {r.exact_count} entries {r.exact_incl_vat}; {r.lines.count()} findings"
            + ("" if r.complete else f" (Exact not read completely: {r.note})")
            + "."
        )
        if not r.complete:
            sys.exit(2)
