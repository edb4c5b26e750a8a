"""Each role does its own job in the console, and only that."""

import pytest
from django.urls import reverse

from coupling.models import ExactConnection
from sync.models import ExportAction, ExportState, InvoiceExport
from tests.console_support import export_in, failed_export, paid_export, role_client

pytestmark = pytest.mark.django_db

CHANGELIST = "admin:sync_invoiceexport_changelist"


def _connection():
    return ExactConnection.objects.create(client_id="client-1", client_secret="s3cr3t-client-value")


def test_a_support_user_cannot_change_the_connection():
    connection = _connection()
    support = role_client("support")
    url = reverse("admin:coupling_exactconnection_change", args=[connection.pk])
    page = support.get(url)
    assert page.status_code == 200  # support may look
    assert b'name="client_id"' not in page.content  # but gets no form
    response = support.post(url, {"environment": "test", "country": "nl", "client_id": "hacked"})
    assert response.status_code == 403
    connection.refresh_from_db()
    assert connection.client_id == "client-1"
    assert support.post(reverse("admin:coupling_exactconnection_connect")).status_code == 403


def test_a_support_user_cannot_change_the_mappings():
    support = role_client("support")
    assert support.get(reverse("admin:mappings_vatcodemapping_add")).status_code == 403
    response = support.post(reverse("admin:mappings_vatcodemapping_add"), {"coachview_code": "2", "exact_code": "4"})
    assert response.status_code == 403
    assert support.get(reverse("admin:mappings_couplingoptions_add")).status_code == 403
    assert support.get(reverse("admin:mappings_vatcodemapping_changelist")).status_code == 200


def test_an_administrator_can_change_the_connection_and_the_mappings():
    admin = role_client("admin")
    assert admin.get(reverse("admin:mappings_vatcodemapping_add")).status_code == 200
    connection = _connection()
    page = admin.get(reverse("admin:coupling_exactconnection_change", args=[connection.pk]))
    assert b'name="client_id"' in page.content


def test_a_finance_user_cannot_retry_an_export():
    export = failed_export()
    finance = role_client("finance")
    response = finance.post(reverse(CHANGELIST), {"action": "retry_exports", "_selected_action": [export.pk]})
    # The action is not offered to finance: Django answers with the list again, nothing changes.
    assert response.status_code in (200, 302)
    export.refresh_from_db()
    assert export.state == ExportState.FAILED
    assert not ExportAction.objects.exists()
    page = finance.get(reverse(CHANGELIST))
    assert b"retry_exports" not in page.content


def test_a_support_user_retries_an_export_and_the_console_shows_who_did_it():
    export = failed_export()
    support = role_client("support")
    response = support.post(reverse(CHANGELIST), {"action": "retry_exports", "_selected_action": [export.pk]})
    assert response.status_code == 302
    export.refresh_from_db()
    assert export.state == ExportState.READY
    action = ExportAction.objects.get()
    assert action.user == support.user and action.kind == "retry"
    detail = support.get(reverse("admin:sync_invoiceexport_change", args=[export.pk]))
    assert support.user.username in detail.content.decode()


def test_excluding_asks_for_a_reason_first_and_records_it():
    export = export_in("held", number="2026950")
    support = role_client("support")
    url = reverse(CHANGELIST)
    confirm = support.post(url, {"action": "exclude_exports", "_selected_action": [export.pk]})
    assert confirm.status_code == 200 and b'name="reason"' in confirm.content
    export.refresh_from_db()
    assert export.state == ExportState.HELD
    support.post(url, {"action": "exclude_exports", "_selected_action": [export.pk], "confirmed": "yes", "reason": "Booked by hand"})
    export.refresh_from_db()
    assert export.state == ExportState.EXCLUDED
    assert ExportAction.objects.get().reason == "Booked by hand"


def test_the_detail_page_offers_the_actions_to_support_but_not_to_finance():
    export = failed_export()
    url = reverse("admin:sync_invoiceexport_change", args=[export.pk])
    assert b'value="retry_exports"' in role_client("support").get(url).content
    finance_page = role_client("finance").get(url)
    assert finance_page.status_code == 200 and b'value="retry_exports"' not in finance_page.content


def test_nobody_edits_an_export_through_its_form():
    export = failed_export()
    support = role_client("support")
    url = reverse("admin:sync_invoiceexport_change", args=[export.pk])
    support.post(url, {"state": "exported", "entry_number": "1"})
    export.refresh_from_db()
    assert export.state == ExportState.FAILED and export.entry_number is None


def test_a_finance_user_downloads_the_history_but_support_does_not():
    paid_export()
    url = reverse("admin:sync_exporthistory_csv")
    assert role_client("finance").get(url).status_code == 200
    assert role_client("support").get(url).status_code == 403


def test_a_support_user_edits_the_catalogue_and_finance_does_not_see_it():
    from sync.models import ErrorCatalogueEntry

    entry = ErrorCatalogueEntry.objects.first()
    url = reverse("admin:sync_errorcatalogueentry_change", args=[entry.pk])
    assert b'name="title_nl"' in role_client("support").get(url).content
    assert role_client("finance").get(url).status_code == 403


def test_finance_sees_invoices_history_and_payments_but_no_configuration():
    finance = role_client("finance")
    index = finance.get(reverse("admin:index")).content.decode()
    assert reverse("admin:sync_exporthistory_changelist") in index
    assert reverse("admin:sync_paymentobservation_changelist") in index
    assert reverse("admin:sync_invoiceexport_changelist") in index
    for name in ("admin:coupling_exactconnection_changelist", "admin:mappings_vatcodemapping_changelist",
                 "admin:sync_errorcatalogueentry_changelist", "admin:mappings_couplingoptions_changelist"):
        assert reverse(name) not in index
        assert finance.get(reverse(name)).status_code == 403
    assert InvoiceExport.objects.count() == 0
