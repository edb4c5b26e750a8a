"""Finance's CSV of the export history opens in Excel with Dutch number formats."""

import csv
import io
from datetime import date

import pytest
from django.urls import reverse

from tests.console_support import failed_export, paid_export, role_client

pytestmark = pytest.mark.django_db

URL = "admin:sync_exporthistory_csv"


def _rows(response) -> list[list[str]]:
    text = response.content.decode("utf-8")
    assert text.startswith("\ufeff")  # the BOM makes Excel read UTF-8
    return list(csv.reader(io.StringIO(text[1:]), delimiter=";"))


def test_the_csv_has_semicolons_decimal_commas_dutch_dates_and_the_agreed_columns():
    paid_export("2026902")
    response = role_client("finance").get(reverse(URL))
    assert response["Content-Type"].startswith("text/csv")
    assert "attachment" in response["Content-Disposition"]
    assert b"\r\n" in response.content
    header, row = _rows(response)
    assert header == [
        "Factuur", "Factuurdatum", "Debiteurnummer", "Debiteur", "Bedrag excl. btw", "Btw", "Bedrag incl. btw",
        "Exact-boekstuknummer", "Status", "Betaalstatus", "Betaald op", header[11],  # the open amount (below)
    ]
    assert row == [
        "2026902", "05-03-2026", "20077", "Opleidingen Zuid B.V.", "1234,50", "259,25", "1493,75", "26000123",
        "geëxporteerd", "betaald", "02-04-2026", "0,00",
    ]


def test_the_csv_follows_the_browser_language_for_its_header():
    paid_export()
    header = _rows(role_client("finance", language="en").get(reverse(URL)))[0]
    assert header[0] == "Invoice" and header[4] == "Amount excl. VAT"


def test_the_csv_holds_the_filtered_list_only():
    paid_export("2026902")
    failed_export("2026901")
    finance = role_client("finance")
    rows = _rows(finance.get(reverse(URL), {"state__exact": "exported"}))
    assert [r[0] for r in rows[1:]] == ["2026902"]
    rows = _rows(finance.get(reverse(URL), {"q": "2026901"}))
    assert [r[0] for r in rows[1:]] == ["2026901"]
    both = _rows(finance.get(reverse(URL)))
    assert sorted(r[0] for r in both[1:]) == ["2026901", "2026902"]


def test_the_history_page_links_to_the_csv_of_what_it_shows():
    paid_export()
    page = role_client("finance").get(reverse("admin:sync_exporthistory_changelist"), {"state__exact": "exported"})
    assert reverse(URL) + "?state__exact=exported" in page.content.decode()


def test_a_debtor_name_that_looks_like_a_formula_is_kept_as_text():
    from sync.services.history_csv import export_history_csv
    from tests.factories import DebtorFactory, InvoiceExportFactory, InvoiceFactory

    export = InvoiceExportFactory(invoice=InvoiceFactory(debtor=DebtorFactory(name="=HYPERLINK(1)"), invoice_date=date(2026, 1, 2)))
    text = export_history_csv(exports=[export])
    assert ";'=HYPERLINK(1);" in text


def test_negative_amounts_of_a_credit_invoice_keep_their_sign_and_two_decimals():
    from decimal import Decimal

    from sync.services.history_csv import dutch_amount

    assert dutch_amount(Decimal("-121")) == "-121,00"
    assert dutch_amount(Decimal("0.005")) == "0,01"
    assert dutch_amount(None) == ""


def test_the_csv_ends_with_the_open_amount_as_a_plain_number():
    from decimal import Decimal

    from tests.console_support import export_in

    export_in("exported", number="2026903", payment_status="partial", amount_outstanding=Decimal("1234.50"))
    export_in("exported", number="2026904")  # no payment seen yet: nothing known to be open
    header, *rows = _rows(role_client("finance", language="en").get(reverse(URL)))
    assert len(header) == 12 and header[-1] == "Open amount"  # added last: the columns before keep their place
    assert {row[0]: row[-1] for row in rows} == {"2026903": "1234,50", "2026904": ""}
