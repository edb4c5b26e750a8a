"""`exact_probe [--json]`: the go-live check of the connected Exact administration (contracts.md)."""

import json
import sys

from django.core.management.base import BaseCommand

from sync.services.exact_probe import exact_probe


class Command(BaseCommand):
    help = (
        "Check the connected Exact administration before the first export: every read the coupling runs, "
        "the journals, payment condition and financial periods, the mapped codes and the debtor codes. "
        "Exit 0 usable, 3 not usable (blockers), 2 Exact not reachable. Writes nothing to Exact."
    )

    def add_arguments(self, parser):
        parser.add_argument("--json", action="store_true", help="Print the report as one JSON document.")

    def handle(self, *args, json=False, **options):
        report = exact_probe()
        if json:
            self.stdout.write(_dumps(report.as_json()))
        else:
            for finding in report.blockers:
                self.stdout.write(f"blocker   {finding.code}: {finding.message}")
                for example in finding.as_json()["examples"]:
                    self.stdout.write(f"            {example}")
            for finding in report.warnings:
                self.stdout.write(f"warning   {finding.code}: {finding.message}")
            for line in report.confirmed:
                self.stdout.write(f"confirmed {line}")
        self.stderr.write(report.summary())
        if not report.reachable:
            sys.exit(2)
        if not report.usable:
            sys.exit(3)


def _dumps(value) -> str:
    return json.dumps(value, ensure_ascii=False, sort_keys=True, default=str)
