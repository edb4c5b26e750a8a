"""Finance views reconciliations read-only in the admin and downloads them as CSV."""

import pytest
from django.urls import reverse
from django.utils import timezone

from coupling import roles
from sync.models import Reconciliation, ReconciliationLine
from tests import health_factories as f


@pytest.fixture(autouse=True)
def role_permissions(db):
    # On a fresh test database coupling's post_migrate runs before sync's permissions exist.
    roles.apply_role_permissions()


@pytest.fixture
def reconciliation(db):
    r = Reconciliation.objects.create(administration=f.ADMINISTRATION, year=2026, month=10, created_at=timezone.now())
    ReconciliationLine.objects.create(reconciliation=r, kind="only_exact", invoice_number="HANDMATIG-1", note="Booked by hand")
    return r


@pytest.fixture
def finance_client(client, db):
    user = f.user_in(roles.FINANCE, email="finance@example.nl")
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
    client.force_login(f.user_in(roles.SUPPORT, email="support@example.nl"))
    assert client.get(reverse("admin:sync_reconciliation_csv", args=[reconciliation.pk])).status_code in (302, 403, 404)


@pytest.mark.django_db
def test_the_reconcile_command_exits_2_without_a_connection():
    from django.core.management import call_command

    with pytest.raises(SystemExit) as exit_info:
        call_command("reconcile", "--year", "2026", "--month", "10")
    assert exit_info.value.code == 2
