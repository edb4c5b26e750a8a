import json

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import connections

from sandbox.coachview.load import LoadError, load_coachview
from sandbox.coachview.raw import RawError, load_raw
from sandbox.models import CoachviewState


class Command(BaseCommand):
    help = "Loads Coachview debtors and invoices (JSON shape of coachview-api.md) into the sandbox, by id."

    def add_arguments(self, parser):
        parser.add_argument("file", help='FILE.json: {"debiteuren": [...], "facturen": [...]}')
        parser.add_argument(
            "--raw",
            action="store_true",
            help='replace Coachview with a recorded tenant: {"openapi", "where_precision", "resources", "files"}',
        )

    def handle(self, *args, **options):
        try:
            with open(options["file"], encoding="utf-8") as handle:
                text = handle.read()
            document = None if options["raw"] else json.loads(text)
        except (OSError, ValueError) as exc:
            self.stderr.write(f"Cannot read {options['file']}: {exc}")
            raise SystemExit(2) from exc
        if CoachviewState._meta.db_table not in connections["sandbox"].introspection.table_names():
            call_command("migrate", "sandbox", database="sandbox", verbosity=0)
        if options["raw"]:
            try:
                counts = load_raw(text)
            except RawError as exc:
                raise CommandError(str(exc), returncode=2) from exc
            listed = ", ".join(f"{count} {name}" for name, count in counts.items()) or "no records"
            self.stdout.write(f"Replaced the Coachview sandbox with a recorded tenant: {listed}.")
            return
        try:
            debtors, invoices = load_coachview(document)
        except LoadError as exc:
            raise CommandError(str(exc), returncode=2) from exc
        self.stdout.write(f"Loaded {debtors} debtors and {invoices} invoices into the Coachview sandbox.")
