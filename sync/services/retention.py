"""Pruning our own copies after their retention period (docs/operations.md, "Retention")."""

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.db.models import Q

from coupling import clock
from coupling.models import ExactApiCall
from sync.models import ExportAttempt, ExportState, HealthProblem, Invoice, InvoiceExport, InvoicePdf

# Only an export that reached one of these is finished; every other state may still need the
# PDF (to attach it) and the attempts' bodies (to look an entry up, or for support to diagnose).
SETTLED = [ExportState.EXPORTED, ExportState.EXCLUDED]


@dataclass
class PruneResult:
    pdfs: int = 0
    attempt_bodies: int = 0
    api_calls: int = 0

    def summary(self) -> str:
        return (
            f"Retention: {self.pdfs} PDFs, {self.attempt_bodies} attempt bodies and "
            f"{self.api_calls} API-call log rows pruned."
        )


def _unsettled_invoices():
    return InvoiceExport.objects.exclude(state__in=SETTLED).values("invoice_id")


def pdfs_prune(*, now: datetime) -> int:
    """Drop the PDF of invoices whose every export settled before the cut-off (Exact holds the copy)."""
    cutoff = now - timedelta(days=settings.RETENTION_PDF_DAYS)
    settled_long_ago = InvoiceExport.objects.filter(state__in=SETTLED, state_changed_at__lt=cutoff).values("invoice_id")
    invoices = (
        Invoice.objects.filter(pk__in=settled_long_ago)
        .exclude(pk__in=_unsettled_invoices())
        .exclude(pk__in=InvoiceExport.objects.filter(state_changed_at__gte=cutoff).values("invoice_id"))
    )
    # pdf_sha256 stays on the invoice: it still proves which document was attached in Exact.
    deleted, _by_model = InvoicePdf.objects.filter(invoice__in=invoices).delete()
    return deleted


def attempt_bodies_prune(*, now: datetime) -> int:
    """Empty what was sent and received in old attempts of settled exports; the rows stay as history."""
    cutoff = now - timedelta(days=settings.RETENTION_ATTEMPT_BODY_DAYS)
    attempts = (
        ExportAttempt.objects.filter(export__state__in=SETTLED, started_at__lt=cutoff)
        .filter(Q(sent__isnull=False) | Q(received__isnull=False))
        .exclude(export__state_changed_at__gte=cutoff)
    )
    return attempts.update(sent=None, received=None)


def api_calls_prune(*, now: datetime) -> int:
    """Delete old rows of Exact's API-call log, except those of an endpoint that is blocked right now."""
    cutoff = now - timedelta(days=settings.RETENTION_API_LOG_DAYS)
    old = ExactApiCall.objects.filter(at__lt=cutoff)
    blocked = HealthProblem.objects.filter(
        kind=HealthProblem.Kind.ENDPOINT_BLOCKED, resolved_at__isnull=True
    ).values_list("subject", flat=True)
    if blocked:
        old = old.exclude(endpoint__in=list(blocked))
    deleted, _ = old.delete()
    return deleted


def retention_prune(*, now: datetime | None = None) -> PruneResult:
    """Prune PDFs, attempt bodies and API-call logs older than their RETENTION_* periods."""
    now = now or clock.now()
    return PruneResult(
        pdfs=pdfs_prune(now=now),
        attempt_bodies=attempt_bodies_prune(now=now),
        api_calls=api_calls_prune(now=now),
    )
