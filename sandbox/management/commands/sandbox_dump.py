"""sandbox_dump: one JSON object {"exact": {...}, "coachview": {...}} on stdout (contracts.md)."""

import json
import re
from datetime import date, datetime
from decimal import ROUND_HALF_UP, Decimal

from django.core.management.base import BaseCommand, CommandError
from django.db import DatabaseError

from sandbox.exact.dump import dump_exact

_AMOUNT = re.compile(r'"\\u0000amount:(-?\d+\.\d{2})"')


def _plain(value):
    """Decimals become marked strings (turned into 2-decimal numbers after encoding); dates ISO."""
    if isinstance(value, Decimal):
        return "\u0000amount:" + str(value.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP))
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, dict):
        return {key: _plain(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(item) for item in value]
    return value


def render(document: dict) -> str:
    """JSON with sorted keys and amounts as numbers with exactly two decimals."""
    return _AMOUNT.sub(r"\1", json.dumps(_plain(document), sort_keys=True, ensure_ascii=False))


class Command(BaseCommand):
    help = "Print what the simulated Exact and Coachview hold, as one JSON object."

    def handle(self, *args, **options):
        try:
            exact = dump_exact()
            try:
                from sandbox.coachview.dump import dump_coachview
            except ImportError:
                coachview = {}
            else:
                coachview = dump_coachview()
        except DatabaseError as exc:
            raise CommandError(f"sandbox_dump could not run: {exc}", returncode=2) from exc
        self.stdout.write(render({"exact": exact, "coachview": coachview}))
        self.stderr.write(
            f"sandbox_dump: {len(exact.get('accounts', []))} accounts, "
            f"{len(exact.get('sales_entries', []))} sales entries, {len(exact.get('documents', []))} documents"
            f" in Exact; {len(coachview.get('facturen', []))} invoices in Coachview."
        )
