"""CSV files for Excel never carry a formula: text cells from Coachview or Exact are escaped, amounts stay numbers."""

import csv
import io
from decimal import Decimal

import pytest
from django.utils import timezone

from sync.models import Reconciliation, ReconciliationLine
from sync.services.csv_cells import text_cell
from sync.services.reconciliation_csv import reconciliation_csv


@pytest.mark.parametrize("start", ["=", "+", "-", "@", "\t", "\r"])
def test_a_text_cell_starting_like_a_formula_gets_a_quote(start):
    assert text_cell(f"{start}HYPERLINK(1)") == f"'{start}HYPERLINK(1)"


def test_ordinary_text_and_empty_values_are_left_alone():
    assert text_cell("2026-001") == "2026-001"
    assert text_cell(None) == ""
    assert text_cell(1234) == "1234"


@pytest.mark.django_db
def test_the_reconciliation_csv_escapes_text_and_keeps_amounts_numbers():
    r = Reconciliation.objects.create(
        administration="@admin",
        year=2026,
        month=10,
        created_at=timezone.now(),
        journals="=70",
        note="-broken",
        coachview_excl_vat=Decimal("0.00"),
        exact_excl_vat=Decimal("12.50"),
    )
    ReconciliationLine.objects.create(
        reconciliation=r,
        kind="only_exact",
        invoice_number='=HYPERLINK("http://x")',
        journal="+70",
        note="@SUM(A1)",
        exact_excl_vat=Decimal("-100.00"),
        exact_vat=Decimal("-21.00"),
        exact_incl_vat=Decimal("-121.00"),
    )
    text = reconciliation_csv(reconciliation=r).decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text), delimiter=";"))
    assert rows[0][2:] == ["'@admin", "'=70"]
    assert rows[5][1] == "'-broken"
    line = rows[-1]
    assert line[1] == '\'=HYPERLINK("http://x")'
    assert line[3] == "'+70" and line[-1] == "'@SUM(A1)"
    # Amounts stay numbers: negative amounts keep their minus sign without a quote.
    assert line[8:11] == ["-100,00", "-21,00", "-121,00"]
    # A negative difference is a number too.
    assert rows[4][2] == "-12,50"
