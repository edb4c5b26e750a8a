"""The console's lists and front page cost the same number of queries whatever the amount of data."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from sync.models import ExportAttempt
from tests.console_support import export_in, failed_export, paid_export, role_client

pytestmark = pytest.mark.django_db


def _queries(client, url, params=None) -> int:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url, params or {})
    assert response.status_code == 200
    return len(captured)


def _add(n: int, offset: int) -> None:
    for i in range(n):
        export = failed_export(str(2027000 + offset + i)) if i % 3 == 0 else paid_export(str(2027000 + offset + i))
        ExportAttempt.objects.create(export=export, action="entry", outcome="failed", error_text="Boekstuk geweigerd")
    export_in("held", number=str(2028000 + offset))


@pytest.mark.parametrize(
    "url_name", ["admin:sync_invoiceexport_changelist", "admin:sync_exporthistory_changelist", "admin:index"]
)
def test_a_list_page_costs_the_same_queries_for_a_few_or_many_invoices(url_name):
    client = role_client("support")
    _add(3, 0)
    few = _queries(client, reverse(url_name))
    _add(30, 100)
    many = _queries(client, reverse(url_name))
    assert many == few


def test_the_invoice_list_costs_the_same_queries_at_two_page_sizes_with_search_and_filters(settings):
    from sync.admin.console import InvoiceExportConsoleAdmin

    client = role_client("support")
    _add(30, 0)
    url = reverse("admin:sync_invoiceexport_changelist")
    params = {"q": "Boekstuk", "payment_status__exact": "paid"}
    original = InvoiceExportConsoleAdmin.list_per_page
    try:
        InvoiceExportConsoleAdmin.list_per_page = 5
        small = _queries(client, url, params)
        InvoiceExportConsoleAdmin.list_per_page = 50
        large = _queries(client, url, params)
    finally:
        InvoiceExportConsoleAdmin.list_per_page = original
    assert small == large


def test_the_invoice_list_searches_the_numbers_people_paste_and_error_texts():
    client = role_client("support")
    failed_export("2026901")
    paid = paid_export("2026902")
    url = reverse("admin:sync_invoiceexport_changelist")

    def found(q):
        return client.get(url, {"q": q}).context["cl"].result_count

    assert found("2026901") == 1  # invoice number
    assert found("20077") == 1  # debtor number
    assert found("Opleidingen Zuid") == 1  # debtor name
    assert found(str(paid.entry_number)) == 1  # Exact's entry number
    assert found("inclusive") == 1  # the reason's text


def test_the_invoice_list_filters_by_catalogue_entry_and_links_from_the_front_page():
    client = role_client("support")
    failed_export("2026901")
    paid_export("2026902")
    url = reverse("admin:sync_invoiceexport_changelist")
    response = client.get(url, {"catalogue": "preflight.vat_code_inclusive"})
    assert [e.invoice.number for e in response.context["cl"].result_list] == ["2026901"]
    index = client.get(reverse("admin:index")).content.decode()
    assert f"{url}?catalogue=preflight.vat_code_inclusive" in index
    assert f"{url}?state__exact=failed" in index
