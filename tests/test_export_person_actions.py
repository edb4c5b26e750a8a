import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse

from sync.models import ExportAction, ExportState, InvoiceExport
from sync.services.export_actions import (
    ActionRefused,
    export_accept_change,
    export_change_explained,
    export_exclude,
    export_include,
    export_recheck,
    export_retry,
)
from tests.factories import InvoiceExportFactory, exact_mirror_seed

pytestmark = pytest.mark.django_db


@pytest.fixture
def person():
    return get_user_model().objects.create_superuser("sup", "sup@example.org", "pw")


def test_retry_moves_a_failed_invoice_back_and_records_who(person):
    export = InvoiceExportFactory(state=ExportState.FAILED)
    action = export_retry(export=export, user=person)
    export.refresh_from_db()
    assert export.state == ExportState.READY
    assert (action.kind, action.state_before, action.state_after, action.user) == ("retry", "failed", "ready", person)


def test_an_exported_invoice_cannot_be_retried_or_excluded(person):
    export = InvoiceExportFactory(state=ExportState.EXPORTED)
    with pytest.raises(ActionRefused):
        export_retry(export=export, user=person)
    with pytest.raises(ActionRefused):
        export_exclude(export=export, reason="booked by hand", user=person)
    assert not ExportAction.objects.exists()


def test_exclude_needs_a_reason_and_include_brings_it_back_for_a_lookup(person):
    export = InvoiceExportFactory(state=ExportState.HELD)
    with pytest.raises(ActionRefused):
        export_exclude(export=export, reason=" ", user=person)
    export_exclude(export=export, reason="Booked by hand in 2025", user=person)
    assert export.state == ExportState.EXCLUDED and export.reasons[0]["message"] == "Booked by hand in 2025"
    export_include(export=export, user=person)
    assert export.state == ExportState.NEW and export.lookup_before_post


def test_recheck_runs_the_preflight_without_calling_exact(person):
    exact_mirror_seed()
    export = InvoiceExportFactory(state=ExportState.HELD)
    export_recheck(export=export, user=person)
    assert export.state == ExportState.READY and export.reasons == []


def test_a_changed_invoice_shows_what_changed_and_may_be_accepted(person):
    export = InvoiceExportFactory(state=ExportState.CHANGED, booked_total="100.00")
    explained = export_change_explained(export=export)
    assert "Exact 100.00" in explained["differences"][0]
    assert any("Credit" in way for way in explained["ways_out"])
    export_accept_change(export=export, user=person, reason="ok")
    assert export.state == ExportState.EXPORTED


def test_the_admin_asks_for_a_reason_before_excluding(client, person):
    client.force_login(person)
    export = InvoiceExportFactory(state=ExportState.FAILED)
    url = reverse("admin:sync_invoiceexport_changelist")
    page = client.post(url, {"action": "exclude_exports", "_selected_action": [export.pk]})
    assert page.status_code == 200 and b"reason" in page.content
    assert InvoiceExport.objects.get(pk=export.pk).state == ExportState.FAILED
    done = client.post(
        url, {"action": "exclude_exports", "_selected_action": [export.pk], "confirmed": "yes", "reason": "Not ours"}
    )
    assert done.status_code == 302
    assert InvoiceExport.objects.get(pk=export.pk).state == ExportState.EXCLUDED
    assert ExportAction.objects.get().user == person


def test_the_export_runs_list_shows_each_runs_summary_in_few_queries(client, person, django_assert_max_num_queries):
    from coupling import clock
    from sync.models import ExportRun

    for _ in range(20):
        ExportRun.objects.create(started_at=clock.now(), administration="test:1", exported=3, held=1, calls_used=9)
    client.force_login(person)
    with django_assert_max_num_queries(12):
        page = client.get(reverse("admin:sync_exportrun_changelist"))
    assert page.status_code == 200 and page.content.count(b"test:1") >= 20


def test_a_changed_invoices_page_shows_what_changed_and_the_way_out(client, person):
    export = InvoiceExportFactory(state=ExportState.CHANGED, booked_total="100.00")
    client.force_login(person)
    page = client.get(reverse("admin:sync_invoiceexport_change", args=[export.pk]))
    assert page.status_code == 200
    assert b"Credit the invoice in Coachview" in page.content and b"Exact 100.00" in page.content


def test_an_attempt_shows_what_was_sent_and_what_came_back(client, person):
    from sync.models import ExportAttempt

    export = InvoiceExportFactory(state=ExportState.EXPORTED)
    attempt = ExportAttempt.objects.create(
        export=export, action="attachment", outcome="ok", sent={"Attachment": {"size": 12, "sha256": "ab"}},
        received={"ID": "x"},
    )
    client.force_login(person)
    page = client.get(reverse("admin:sync_exportattempt_change", args=[attempt.pk]))
    assert page.status_code == 200 and b"sha256" in page.content
