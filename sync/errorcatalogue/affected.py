"""The invoices failing on a catalogue entry, and moving them back to `new` in one step."""

from django.db import transaction
from django.db.models import TextField
from django.db.models.functions import Cast

from coupling.clock import now
from sync.models import ExportAttempt, ExportState, InvoiceExport

FAILING_STATES = (ExportState.HELD, ExportState.FAILED)
AFFECTED_LIMIT = 2000


def affected_exports(*, code: str, limit: int = AFFECTED_LIMIT) -> list[InvoiceExport]:
    """Held or failed exports whose reasons carry this code.

    JSON containment is not portable (SQLite has no `contains` on JSONField), so the database
    narrows on the quoted code in the JSON's text (the same on SQLite and PostgreSQL's jsonb
    output) and Python checks the `code` key exactly. The query is bounded to failing states.
    """
    rows = (
        InvoiceExport.objects.filter(state__in=FAILING_STATES)
        .annotate(reasons_text=Cast("reasons", TextField()))
        .filter(reasons_text__contains=f'"{code}"')
        .select_related("invoice")
        .order_by("invoice__number")[:limit]
    )
    return [row for row in rows if any(isinstance(r, dict) and r.get("code") == code for r in row.reasons or [])]


def affected_retry(*, code: str, user=None) -> int:
    """Move every export failing on this code back to `new`, noting who asked; returns how many."""
    ids = [row.pk for row in affected_exports(code=code)]
    moment = now()
    moved = 0
    with transaction.atomic():
        for export_id in ids:
            # Conditional update: an export that moved on meanwhile (a run picked it up) is left alone.
            if InvoiceExport.objects.filter(pk=export_id, state__in=FAILING_STATES).update(
                state=ExportState.NEW, state_changed_at=moment
            ):
                moved += 1
                ExportAttempt.objects.create(
                    export_id=export_id,
                    action="retry",
                    finished_at=moment,
                    outcome=ExportAttempt.Outcome.OK,
                    catalogue_code=code,
                    triggered_by=user,
                    error_text=f"retry of all invoices failing on {code}",
                )
    return moved
