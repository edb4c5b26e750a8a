"""Retention prunes our old copies, and never what an unsettled invoice or open problem needs."""

from datetime import timedelta

import pytest
from django.utils import timezone

from sync.models import ExportAttempt, ExportState, Invoice
from sync.services.retention import retention_prune
from tests.factories import BareInvoiceFactory, InvoiceExportFactory

PDF = b"%PDF-1.4 invoice"


def exported_with_attempt(*, state, settled_days_ago, attempt_days_ago=None):
    now = timezone.now()
    inv = BareInvoiceFactory(pdf=PDF, pdf_sha256="ab" * 32)
    export = InvoiceExportFactory(invoice=inv, state=state, since=now - timedelta(days=settled_days_ago))
    attempt = ExportAttempt.objects.create(
        export=export, action="entry", outcome="ok", sent={"YourRef": inv.number}, received={"EntryID": "x"}
    )
    ago = attempt_days_ago if attempt_days_ago is not None else settled_days_ago
    ExportAttempt.objects.filter(pk=attempt.pk).update(started_at=now - timedelta(days=ago))
    return inv, attempt


@pytest.fixture
def periods(settings):
    settings.RETENTION_PDF_DAYS = 90
    settings.RETENTION_ATTEMPT_BODY_DAYS = 180


@pytest.mark.django_db
def test_it_prunes_the_pdf_and_attempt_bodies_of_long_exported_invoices_and_keeps_the_rows(periods):
    inv, attempt = exported_with_attempt(state=ExportState.EXPORTED, settled_days_ago=200)

    result = retention_prune()

    inv.refresh_from_db()
    attempt.refresh_from_db()
    assert inv.pdf_content() is None and inv.pdf_sha256 == "ab" * 32
    assert attempt.sent is None and attempt.received is None and attempt.outcome == "ok"
    assert (result.pdfs, result.attempt_bodies) == (1, 1)


@pytest.mark.django_db
def test_excluded_invoices_are_settled_too(periods):
    inv, _ = exported_with_attempt(state=ExportState.EXCLUDED, settled_days_ago=100)
    assert retention_prune().pdfs == 1
    assert inv.pdf_content() is None


@pytest.mark.django_db
def test_recent_exports_keep_their_pdf_and_bodies(periods):
    inv, attempt = exported_with_attempt(state=ExportState.EXPORTED, settled_days_ago=30, attempt_days_ago=200)
    result = retention_prune()
    assert (result.pdfs, result.attempt_bodies) == (0, 0)
    assert inv.pdf_content() == PDF
    assert ExportAttempt.objects.get(pk=attempt.pk).sent is not None


@pytest.mark.django_db
@pytest.mark.parametrize(
    "state",
    [ExportState.HELD, ExportState.FAILED, ExportState.UNKNOWN, ExportState.CHANGED, ExportState.READY, ExportState.NEW],
)
def test_an_invoice_that_still_needs_a_person_or_a_lookup_keeps_everything(periods, state):
    inv, attempt = exported_with_attempt(state=state, settled_days_ago=400)
    result = retention_prune()
    assert (result.pdfs, result.attempt_bodies) == (0, 0)
    assert inv.pdf_content() == PDF
    assert ExportAttempt.objects.get(pk=attempt.pk).received == {"EntryID": "x"}


@pytest.mark.django_db
def test_an_invoice_never_exported_keeps_its_pdf(periods):
    inv = BareInvoiceFactory(pdf=PDF)
    Invoice.objects.filter(pk=inv.pk).update(fetched_at=timezone.now() - timedelta(days=500))
    assert retention_prune().pdfs == 0


@pytest.mark.django_db
def test_it_prunes_old_api_call_log_rows_but_keeps_those_of_a_blocked_endpoint(settings):
    from coupling.models import ExactApiCall
    from sync.models import HealthProblem

    settings.RETENTION_API_LOG_DAYS = 30
    now = timezone.now()

    def call(endpoint, days_ago):
        return ExactApiCall.objects.create(
            at=now - timedelta(days=days_ago), method="GET", endpoint=endpoint, path=f"/api/v1/1/{endpoint}",
            status=400, duration_ms=5,
        )

    old, recent, blocked = call("crm/Accounts", 40), call("crm/Accounts", 10), call("salesentry/SalesEntries", 40)
    HealthProblem.objects.create(
        kind=HealthProblem.Kind.ENDPOINT_BLOCKED, subject="salesentry/SalesEntries", severity="warning",
        opened_at=now, last_seen_at=now,
    )

    assert retention_prune(now=now).api_calls == 1
    assert set(ExactApiCall.objects.values_list("pk", flat=True)) == {recent.pk, blocked.pk}
    assert old.pk not in set(ExactApiCall.objects.values_list("pk", flat=True))
