"""`coachview_probe [--apply] [--json]`: the go-live check of the tenant's Coachview API (contracts.md)."""

import json
import sys

from django.core.management.base import BaseCommand

from coupling.coachview.probe import coachview_probe


class Command(BaseCommand):
    help = (
        "Check the Coachview profile against the configured Coachview environment (training first): per "
        "entry confirmed, differs or unknown; --apply writes the proposals into the profile. Exit 0 usable, "
        "3 not usable, 2 Coachview not reachable. Reads only."
    )

    def add_arguments(self, parser):
        parser.add_argument("--apply", action="store_true", help="Write the proposed values into the profile.")
        parser.add_argument("--json", action="store_true", help="Print the report as one JSON document.")

    def handle(self, *args, apply=False, json=False, **options):
        report = coachview_probe(apply=apply)
        if json:
            self.stdout.write(_dumps(report.as_json()))
        else:
            for entry in report.entries:
                proposed = f" → {_dumps(entry.proposed)}" if entry.propose else ""
                self.stdout.write(f"{entry.status:9} {entry.key}: {_dumps(entry.value)}{proposed}  ({entry.evidence})")
            for warning in report.warnings:
                self.stdout.write(f"warning   {warning}")
            for problem in report.problems:
                self.stdout.write(f"problem   {problem}")
        self.stderr.write(report.summary())
        if not report.reachable:
            sys.exit(2)
        if not report.usable:
            sys.exit(3)


def _dumps(value) -> str:
    return json.dumps(value, ensure_ascii=False, sort_keys=True, default=str)
