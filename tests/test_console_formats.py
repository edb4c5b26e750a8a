"""One clock and one format on screen: local time everywhere, dates 05-03-2026, euros as € 1.234,50."""

from datetime import UTC, date, datetime
from decimal import Decimal

import pytest
from django.contrib.auth.models import User
from django.test import Client
from django.urls import reverse
from django.utils import translation

from sync.formats import day, moment, money
from sync.models import ExportAction, ExportAttempt, PaymentObservation, Reconciliation, ReconciliationLine
from tests.console_support import paid_export, role_client

pytestmark = pytest.mark.django_db

NBSP = "\u00a0"
EURO_1234_50 = f"€{NBSP}1.234,50"


def _get(client, name: str, *args) -> str:
    response = client.get(reverse(name, args=args))
    assert response.status_code == 200
    return response.content.decode()


def test_an_amount_is_euro_sign_dutch_grouping_and_two_decimals():
    with translation.override("nl"):
        assert money(Decimal("1234.5")) == EURO_1234_50
        assert money(Decimal("-7765")) == f"€{NBSP}-7.765,00"
        assert money(Decimal("0")) == f"€{NBSP}0,00"
        assert money(Decimal("1234.50"), "USD") == f"USD{NBSP}1.234,50"
        assert money(None) == ""
    with translation.override("en"):
        assert money(Decimal("1234.5")) == f"€{NBSP}1,234.50"


def test_dates_and_times_have_one_format_and_times_are_amsterdam_time():
    with translation.override("nl"):
        assert day(date(2026, 3, 5)) == "05-03-2026"
        assert moment(datetime(2026, 1, 15, 12, 0, tzinfo=UTC)) == "15-01-2026 13:00"  # winter: UTC+1
        assert moment(datetime(2026, 7, 15, 12, 0, tzinfo=UTC)) == "15-07-2026 14:00"  # summer: UTC+2
        assert moment(None) == ""


def test_the_invoice_page_shows_an_attempt_and_an_action_of_noon_utc_at_13_00_amsterdam_time():
    export = paid_export()
    attempt = ExportAttempt.objects.create(export=export, action="entry", outcome="ok")
    # started_at is set on create (auto_now_add); move it to a known winter moment.
    ExportAttempt.objects.filter(pk=attempt.pk).update(started_at=datetime(2026, 1, 15, 12, 0, tzinfo=UTC))
    ExportAction.objects.create(
        export=export, kind="retry", state_before="failed", state_after="ready",
        at=datetime(2026, 1, 16, 12, 0, tzinfo=UTC),
    )  # fmt: skip
    page = _get(role_client("support"), "admin:sync_invoiceexport_change", export.pk)
    assert "15-01-2026 13:00" in page  # the attempts timeline
    assert "16-01-2026 13:00" in page  # the actions inline table
    assert "12:00" not in page


def test_the_same_amount_looks_the_same_in_the_lists_the_detail_and_the_inline_tables():
    export = paid_export()  # total incl. VAT 1493.75, excl. VAT 1234.50
    PaymentObservation.objects.create(
        export=export, status="partial", outstanding=Decimal("1234.50"), observed_at=datetime(2026, 3, 6, tzinfo=UTC)
    )
    reconciliation = Reconciliation.objects.create(
        administration=export.administration, year=2026, month=3, created_at=datetime(2026, 4, 1, tzinfo=UTC),
        coachview_incl_vat=Decimal("1234.50"), exact_incl_vat=Decimal("0.00"),
    )  # fmt: skip
    ReconciliationLine.objects.create(
        reconciliation=reconciliation, kind="only_coachview", invoice=export.invoice,
        invoice_number=export.invoice.number, coachview_incl_vat=Decimal("1234.50"), coachview_vat=Decimal("0.00"),
    )  # fmt: skip
    finance = role_client("finance")
    detail = _get(finance, "admin:sync_invoiceexport_change", export.pk)
    assert detail.count(EURO_1234_50) >= 2  # the invoice's amount excl. VAT, and the payment history panel
    assert f"€{NBSP}1.493,75" in _get(finance, "admin:sync_invoiceexport_changelist")
    assert f"€{NBSP}1.493,75" in _get(finance, "admin:sync_exporthistory_changelist")
    assert EURO_1234_50 in _get(finance, "admin:sync_paymentobservation_changelist")
    assert EURO_1234_50 in _get(finance, "admin:sync_reconciliation_changelist")
    inline = _get(finance, "admin:sync_reconciliation_change", reconciliation.pk)
    assert inline.count(EURO_1234_50) >= 2  # the month's total and the finding's inline row
    for page in (detail, inline):
        assert "1234,50" not in page and "1234.50" not in page  # no second form anywhere


def test_lists_show_dates_as_day_month_year():
    paid_export()  # invoice date 5 March 2026, paid 2 April 2026
    page = _get(role_client("finance"), "admin:sync_exporthistory_changelist")
    assert "05-03-2026" in page and "02-04-2026" in page
    assert "5 maart 2026" not in page


def test_the_front_page_and_the_mails_write_moments_in_the_same_form_as_the_lists():
    from sync.services.health import moment_text

    assert moment_text(datetime(2026, 1, 15, 12, 0, tzinfo=UTC)) == "15-01-2026 13:00"


def test_the_coachview_invoice_and_its_lines_show_amounts_in_the_same_form():
    from tests.factories import InvoiceLineFactory

    export = paid_export()
    InvoiceLineFactory(invoice=export.invoice, amount_excl_vat=Decimal("1234.50"), vat_amount=Decimal("259.25"))
    # The lines' inline needs sync.view_invoiceline, which no role has today: a superuser sees it.
    superuser = Client(HTTP_ACCEPT_LANGUAGE="nl")
    superuser.force_login(User.objects.create_superuser("root", password="x"))
    detail = _get(superuser, "admin:sync_invoice_change", export.invoice.pk)
    assert detail.count(EURO_1234_50) == 2  # the invoice's total excl. VAT, and its line (inline)
    assert f"€{NBSP}1.493,75" in detail and f"€{NBSP}259,25" in detail
    assert "1234,50" not in detail
    assert f"€{NBSP}1.493,75" in _get(role_client("finance"), "admin:sync_invoice_changelist")
