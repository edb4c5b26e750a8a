"""Finance views reconciliations read-only in the admin and downloads them as CSV."""

import pytest
from django.urls import reverse
from django.utils import timezone

from coupling import roles
from sync.models import Reconciliation, ReconciliationLine
from tests.factories import ADMINISTRATION, BareInvoiceFactory, InvoiceExportFactory, UserFactory

pytestmark = pytest.mark.usefixtures("role_permissions")


@pytest.fixture
def reconciliation(db):
    r = Reconciliation.objects.create(
        administration=ADMINISTRATION, year=2026, month=10, created_at=timezone.now()
    )
    ReconciliationLine.objects.create(reconciliation=r, kind="only_exact", invoice_number="HANDMATIG-1", note="Booked by hand")
    return r


@pytest.fixture
def finance_client(client, db):
    user = UserFactory(email="finance@example.nl", groups=[roles.FINANCE])
    client.force_login(user)
    return client


@pytest.mark.django_db
def test_finance_sees_the_list_and_the_findings_but_cannot_change_them(finance_client, reconciliation):
    listing = finance_client.get(reverse("admin:sync_reconciliation_changelist"))
    assert listing.status_code == 200
    page = finance_client.get(reverse("admin:sync_reconciliation_change", args=[reconciliation.pk]))
    assert page.status_code == 200 and b"HANDMATIG-1" in page.content
    assert finance_client.post(reverse("admin:sync_reconciliation_delete", args=[reconciliation.pk])).status_code == 403


@pytest.mark.django_db
def test_finance_downloads_the_csv(finance_client, reconciliation):
    response = finance_client.get(reverse("admin:sync_reconciliation_csv", args=[reconciliation.pk]))
    assert response.status_code == 200
    assert response["Content-Disposition"] == 'attachment; filename="reconciliation-2026-10.csv"'
    assert response.content.startswith(b"\xef\xbb\xbf") and b"HANDMATIG-1" in response.content


@pytest.mark.django_db
def test_support_may_not_download_it(client, reconciliation):
    client.force_login(UserFactory(email="support@example.nl", groups=[roles.SUPPORT]))
    # Support may look at reconciliations, not take their figures away: the download is refused outright.
    assert client.get(reverse("admin:sync_reconciliation_csv", args=[reconciliation.pk])).status_code == 403


@pytest.mark.django_db
def test_the_reconcile_command_exits_2_without_a_connection():
    from django.core.management import call_command

    with pytest.raises(SystemExit) as exit_info:
        call_command("reconcile", "--year", "2026", "--month", "10")
    assert exit_info.value.code == 2


# --- starting a reconciliation from the page ---

START = "admin:sync_reconciliation_start"


def _english(client):
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    return client


def _last_month() -> tuple[int, int]:
    today = timezone.localdate()
    return (today.year - 1, 12) if today.month == 1 else (today.year, today.month - 1)


@pytest.mark.django_db
def test_the_empty_list_says_how_to_start_one(finance_client):
    page = _english(finance_client).get(reverse("admin:sync_reconciliation_changelist")).content.decode()
    assert "No reconciliation yet. Choose a month above and press “Reconcile”." in page
    year, month = _last_month()
    assert f'type="month" name="month" value="{year}-{month:02d}"' in page  # last month by default


@pytest.mark.django_db
def test_support_sees_reconciliations_but_cannot_start_one(client):
    support = UserFactory(email="support@example.nl", groups=[roles.SUPPORT])
    assert not support.has_perm("sync.add_reconciliation")
    client.force_login(support)
    page = _english(client).get(reverse("admin:sync_reconciliation_changelist"))
    assert page.status_code == 200
    assert b"reconciliation-start" not in page.content
    assert b"Finance or a coupling administrator starts one on this page." in page.content
    year, month = _last_month()
    assert client.post(reverse(START), {"month": f"{year}-{month:02d}"}).status_code == 403
    assert not Reconciliation.objects.exists()


@pytest.mark.django_db
def test_finance_cannot_reconcile_a_month_that_has_not_begun(finance_client):
    today = timezone.localdate()
    future = f"{today.year + 1}-{today.month:02d}"
    response = _english(finance_client).post(reverse(START), {"month": future}, follow=True)
    assert b"That month has not begun yet." in response.content
    assert not Reconciliation.objects.exists()


@pytest.mark.django_db
def test_without_an_exact_connection_finance_is_told_and_nothing_is_stored(finance_client):
    year, month = _last_month()
    response = _english(finance_client).post(reverse(START), {"month": f"{year}-{month:02d}"}, follow=True)
    assert b"Not reconciled: Exact is not connected." in response.content
    assert not Reconciliation.objects.exists()


@pytest.mark.django_db(databases=["default", "sandbox"])
def test_finance_starts_last_months_reconciliation_and_each_finding_links_to_its_invoice_and_reason(
    finance_client, exact_sandbox
):
    from datetime import date

    from sync.models import ExportState
    from tests.test_reconciliation_sandbox import book

    year, month = _last_month()
    day = date(year, month, 10)
    held = InvoiceExportFactory(
        invoice=BareInvoiceFactory(number="5001", invoice_date=day),
        state=ExportState.HELD,
        reasons=[{"code": "preflight.debtor_not_customer", "values": {}, "message": "Debtor 10003 is a supplier in Exact."}],
    )
    book(exact_sandbox, your_ref="HAND-1", day=day, excl="50.00")
    client = _english(finance_client)

    response = client.post(reverse(START), {"month": f"{year}-{month:02d}"}, follow=True)

    reconciliation = Reconciliation.objects.get()
    assert (reconciliation.year, reconciliation.month, reconciliation.complete) == (year, month, True)
    assert response.redirect_chain[-1][0] == reverse("admin:sync_reconciliation_change", args=[reconciliation.pk])
    page = response.content.decode()
    assert "reconciled: 2 differences to look at." in page
    # The held invoice: only in Coachview, linked to its console page, with why it is held.
    assert f'<a href="{reverse("admin:sync_invoiceexport_change", args=[held.pk])}">5001</a>' in page
    assert "in the coupling: held" in page and "Debtor 10003 is a supplier in Exact." in page
    # The entry booked by hand, by the invoice number as Exact holds it; columns in words, not API names.
    assert "HAND-1" in page and "Booked by hand: the coupling did not make this entry" in page
    assert "Entry number in Exact" in page and "YourRef" not in page
    assert "test:1234567" not in page  # the administration's technical key is not for finance
