"""The export history as a CSV file that Excel opens correctly with Dutch regional settings."""

import csv
import io
from collections.abc import Iterable
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

from django.utils.text import capfirst
from django.utils.translation import gettext as _

from sync.models import InvoiceExport
from sync.services.csv_cells import text_cell

# ASSUMPTION: Excel with Dutch regional settings splits on ';', reads '1234,50' as a number and
# needs the BOM to take UTF-8 (docs/assumptions.md).
SEPARATOR = ";"
BOM = "\ufeff"
CENT = Decimal("0.01")


def dutch_amount(value: Decimal | None) -> str:
    """1234.5 → '1234,50' (no thousands separator: Excel reads it as a number either way)."""
    if value is None:
        return ""
    return str(Decimal(value).quantize(CENT, rounding=ROUND_HALF_UP)).replace(".", ",")


def dutch_date(value: date | None) -> str:
    return value.strftime("%d-%m-%Y") if value else ""


def history_csv_header() -> list[str]:
    """The column titles in the active language."""
    titles = [
        _("invoice"),
        _("invoice date"),
        _("debtor number"),
        _("debtor"),
        _("amount excl. VAT"),
        _("VAT"),
        _("amount incl. VAT"),
        _("Exact entry number"),
        _("state"),
        _("payment status"),
        _("paid on"),
        # Added last: scripts that read the columns above by position keep working.
        _("open amount"),
    ]
    return [capfirst(title) for title in titles]


def export_history_csv(*, exports: Iterable[InvoiceExport]) -> str:
    """One row per export (invoice and debtor joined by the caller), header in the active language."""
    out = io.StringIO()
    out.write(BOM)
    writer = csv.writer(out, delimiter=SEPARATOR, lineterminator="\r\n")
    writer.writerow(history_csv_header())
    for export in exports:
        invoice = export.invoice
        debtor = invoice.debtor
        writer.writerow(
            [
                text_cell(invoice.number),
                dutch_date(invoice.invoice_date),
                text_cell(debtor.number if debtor else ""),
                text_cell(debtor.name if debtor else ""),
                dutch_amount(invoice.total_excl_vat),
                dutch_amount(invoice.total_vat),
                dutch_amount(invoice.total_incl_vat),
                export.entry_number or "",
                export.get_state_display(),
                export.get_payment_status_display() if export.payment_status else "",
                dutch_date(export.paid_date),
                # What was still open at the latest payment observation; empty before the first one.
                dutch_amount(export.amount_outstanding),
            ]
        )
    return out.getvalue()
