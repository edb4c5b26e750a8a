"""sandbox_seed: wipe the simulated systems and seed them deterministically (contracts.md)."""

import random

from django.apps import apps
from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import DatabaseError

from sandbox.coachview.dialects import UnknownDialect, dialect_get
from sandbox.exact.seed import SANDBOX_CLIENT_ID, seed_exact

DB = "sandbox"


class Command(BaseCommand):
    help = "Wipe the sandbox (Exact and Coachview) and seed it deterministically."

    def add_arguments(self, parser):
        parser.add_argument("--invoices", type=int, default=50)
        parser.add_argument("--debtors", type=int, default=20)
        parser.add_argument("--seed", type=int, default=1)
        parser.add_argument(
            "--dialect",
            default=None,
            help="the Coachview dialect to serve (default: the COACHVIEW_SANDBOX_DIALECT setting)",
        )

    def handle(self, *args, invoices, debtors, seed, dialect, **options):
        dialect = dialect or settings.COACHVIEW_SANDBOX_DIALECT
        try:
            dialect_get(dialect)  # before anything is wiped
        except UnknownDialect as exc:
            raise CommandError(str(exc), returncode=2) from exc
        try:
            # Creates the sandbox's tables when they are missing; a no-op when they are current.
            call_command("migrate", database=DB, verbosity=0, interactive=False)
            for model in apps.get_app_config("sandbox").get_models():
                model.objects.using(DB).all().delete()
            rng = random.Random(seed)
            seed_exact(rng=rng)
            coachview = "Coachview not seeded (sandbox.coachview.seed not available)"
            try:
                from sandbox.coachview.seed import seed_coachview
            except ImportError:
                seed_coachview = None
            if seed_coachview is not None:
                dialect = seed_coachview(
                    rng=random.Random(seed + 1), invoices=invoices, debtors=debtors, dialect=dialect
                )
                coachview = f"Coachview seeded ({invoices} invoices, {debtors} debtors, dialect {dialect})"
        except DatabaseError as exc:
            raise CommandError(f"sandbox_seed could not run: {exc}", returncode=2) from exc
        self.stdout.write(
            f"sandbox_seed: Exact division seeded (OAuth client id {SANDBOX_CLIENT_ID}); {coachview}; seed {seed}."
        )
