"""A reconciliation as CSV that Excel opens correctly in Dutch: semicolons, decimal comma, UTF-8 BOM.

Text cells from Coachview or Exact go through `text_cell` (no formulas); amounts and counts stay numbers.
"""

import csv
import io
from decimal import Decimal

from django.utils.translation import gettext as _

from sync.models import Reconciliation
from sync.services.csv_cells import text_cell


def decimal_comma(value: Decimal | None) -> str:
    """`1234.5` → `1234,50`; no thousands separator, which Excel would read as text."""
    if value is None:
        return ""
    return f"{value:.2f}".replace(".", ",")


def reconciliation_csv(*, reconciliation: Reconciliation) -> bytes:
    """The totals of both sides and every finding, as bytes ready to download."""
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";", lineterminator="\r\n")
    r = reconciliation
    writer.writerow(
        [_("Reconciliation"), f"{r.year}-{r.month:02d}", text_cell(r.administration), text_cell(r.journals)]
    )
    writer.writerow(["", _("count"), _("excl. VAT"), _("VAT"), _("incl. VAT")])
    writer.writerow(
        ["Coachview", r.coachview_count, *map(decimal_comma, [r.coachview_excl_vat, r.coachview_vat, r.coachview_incl_vat])]
    )
    writer.writerow(["Exact", r.exact_count, *map(decimal_comma, [r.exact_excl_vat, r.exact_vat, r.exact_incl_vat])])
    writer.writerow(
        [
            _("difference"),
            r.coachview_count - r.exact_count,
            decimal_comma(r.coachview_excl_vat - r.exact_excl_vat),
            decimal_comma(r.coachview_vat - r.exact_vat),
            decimal_comma(r.coachview_incl_vat - r.exact_incl_vat),
        ]
    )
    if not r.complete:
        writer.writerow([_("Exact could not be read completely"), text_cell(r.note)])
    writer.writerow([])
    writer.writerow(
        [
            _("finding"),
            _("invoice number"),
            _("Exact entry number"),
            _("journal"),
            _("made by the coupling"),
            _("Coachview excl. VAT"),
            _("Coachview VAT"),
            _("Coachview incl. VAT"),
            _("Exact excl. VAT"),
            _("Exact VAT"),
            _("Exact incl. VAT"),
            _("note"),
        ]
    )
    for line in r.lines.all():
        writer.writerow(
            [
                text_cell(line.get_kind_display()),
                text_cell(line.invoice_number),
                line.entry_number or "",
                text_cell(line.journal),
                _("yes") if line.made_by_coupling else _("no"),
                *map(
                    decimal_comma,
                    [
                        line.coachview_excl_vat,
                        line.coachview_vat,
                        line.coachview_incl_vat,
                        line.exact_excl_vat,
                        line.exact_vat,
                        line.exact_incl_vat,
                    ],
                ),
                text_cell(line.note),
            ]
        )
    # The BOM makes Excel read UTF-8 (ë, €) instead of the system code page.
    return out.getvalue().encode("utf-8-sig")
