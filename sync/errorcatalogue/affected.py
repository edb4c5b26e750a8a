"""The invoices failing on a catalogue entry, and retrying them all in one step."""

from sync.models import ExportState, InvoiceExport
from sync.services.export_actions import ActionRefused, export_retry

FAILING_STATES = (ExportState.HELD, ExportState.FAILED)
AFFECTED_LIMIT = 2000


def affected_exports(*, code: str, limit: int = AFFECTED_LIMIT) -> list[InvoiceExport]:
    """Held or failed exports whose reasons carry this code (the database narrows, Python checks the key)."""
    rows = (
        InvoiceExport.objects.filter(state__in=FAILING_STATES)
        .with_reason(code)
        .select_related("invoice")
        .order_by("invoice__number")[:limit]
    )
    return [row for row in rows if any(isinstance(r, dict) and r.get("code") == code for r in row.reasons or [])]


def affected_retry(*, code: str, user=None) -> int:
    """Retry every export failing on this code the way a person retries one invoice; returns how many.

    Each goes through `export_retry`: the person's action is recorded (who, when, which code), the
    invoice goes back through the pre-flight and the export at the next run, and no attempt row is
    written for a call that was never made. One that moved on meanwhile (a run took it) is left alone.
    """
    moved = 0
    for export in affected_exports(code=code):
        try:
            export_retry(export=export, user=user, reason=f"retry of all invoices failing on {code}")
        except ActionRefused:
            continue
        moved += 1
    return moved
