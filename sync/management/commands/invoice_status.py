"""`invoice_status NUMBER [--json]`: every invoice Coachview numbered NUMBER, with where it came from and
its export state per administration (contracts.md). There can be several: another Coachview environment,
or a number Coachview gave twice. Exit 0, also when nothing matches."""

import json

from django.core.management.base import BaseCommand

from sync.models import Invoice


def invoice_rows(number: str) -> list[dict]:
    """One row per invoice and administration (an invoice without an export: one row, state null)."""
    rows = []
    invoices = Invoice.objects.filter(number=number).prefetch_related("exports").order_by("coachview_source", "pk")
    for invoice in invoices:
        base = {
            "number": invoice.number,
            "coachview_id": invoice.coachview_id,
            "coachview_source": invoice.coachview_source,
            "coachview_status": invoice.status,
            "total_incl_vat": str(invoice.total_incl_vat),
            "debtor_coachview_id": invoice.debtor_coachview_id,
        }
        exports = sorted(invoice.exports.all(), key=lambda export: export.administration)
        if not exports:
            rows.append(dict(base, state=None, reason_codes=[], exact_entry_number=None, administration=None))
        for export in exports:
            rows.append(
                dict(
                    base,
                    state=export.state,
                    reason_codes=[reason.get("code") for reason in export.reasons or [] if reason.get("code")],
                    exact_entry_number=export.entry_number,
                    administration=export.administration,
                )
            )
    return rows


class Command(BaseCommand):
    help = "Shows every invoice Coachview numbered NUMBER: source, export state per administration, reasons."

    def add_arguments(self, parser):
        parser.add_argument("number")
        parser.add_argument("--json", action="store_true", help="A JSON list on standard output.")

    def handle(self, *args, number, **options):
        rows = invoice_rows(number)
        if options["json"]:
            self.stdout.write(json.dumps(rows, indent=2, sort_keys=True))
            return
        for row in rows:
            self.stdout.write(
                f"{row['number']} ({row['coachview_source']}, {row['coachview_id']}): "
                f"{row['state'] or 'no export'} in {row['administration'] or '-'}"
                + (f", entry {row['exact_entry_number']}" if row["exact_entry_number"] else "")
                + (f", reasons {', '.join(row['reason_codes'])}" if row["reason_codes"] else "")
            )
        invoices = len({(row["coachview_source"], row["coachview_id"]) for row in rows})
        conflict = " — one number, several invoices: check them" if invoices > 1 else ""
        self.stdout.write(f"Invoice {number}: {invoices} invoice(s) found{conflict}.")
