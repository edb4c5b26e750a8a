"""What a person may do to an invoice's export — retry, exclude, include, re-check, accept a change.

Each changes local state only (nothing is sent to Exact here: the next export run does that) and is
recorded with who and when.
"""

from dataclasses import dataclass

from django.db import transaction
from django.utils.translation import gettext as _

from coupling import clock
from sync.errorcatalogue.reasons import worded_reason
from sync.models import ExportAction, ExportState, InvoiceExport
from sync.services.export_state import state_move
from sync.services.recheck_lookups import export_rechecked

Kind = ExportAction.Kind
# A person may not touch an export while a worker holds it or once it is in Exact.
RETRYABLE = [ExportState.FAILED, ExportState.HELD, ExportState.READY, ExportState.NEW]
EXCLUDABLE = [ExportState.NEW, ExportState.HELD, ExportState.READY, ExportState.FAILED]


class ActionRefused(Exception):
    """The export is not in a state this action applies to."""


def export_actions_open(export: InvoiceExport) -> set[str]:
    """The actions (ExportAction.Kind) that apply to this export in its state; a page offers only these."""
    kinds = set()
    if export.state in RETRYABLE:
        kinds |= {Kind.RETRY, Kind.RECHECK}
    if export.state in EXCLUDABLE:
        kinds.add(Kind.EXCLUDE)
    if export.state == ExportState.EXCLUDED:
        kinds.add(Kind.INCLUDE)
    if export.state == ExportState.CHANGED:
        kinds.add(Kind.ACCEPT_CHANGE)
    if export.state == ExportState.HELD and any(
        r.get("code") == "exact.entry_number_taken" for r in export.reasons or [] if isinstance(r, dict)
    ):
        kinds |= {Kind.SAME_INVOICE, Kind.NEW_NUMBER}
    return kinds


def _record(*, export: InvoiceExport, kind: str, before: str, user, reason: str = "") -> ExportAction:
    return ExportAction.objects.create(
        export=export, kind=kind, reason=reason, state_before=before, state_after=export.state, user=user, at=clock.now()
    )


def _move(export: InvoiceExport, allowed: list[str], *, to: str, **fields) -> bool:
    """Conditional update: only when still in an allowed state (a worker may have claimed it meanwhile)."""
    changed = state_move(InvoiceExport.objects.filter(pk=export.pk), to=to, from_states=allowed, **fields)
    if changed:
        export.refresh_from_db()
    return changed == 1


def export_retry(*, export: InvoiceExport, user=None, reason: str = "") -> ExportAction:
    """Send a failed or held invoice again at the next run (after the pre-flight re-checks it).

    The one retry path, for one invoice and for all invoices failing on a catalogue entry alike.
    """
    before = export.state
    with transaction.atomic():
        if not _move(export, RETRYABLE, to=ExportState.READY, next_attempt_at=None, transient_failures=0):
            raise ActionRefused(f"{export.invoice} is {before}: nothing to retry")
        return _record(export=export, kind=Kind.RETRY, before=before, user=user, reason=reason)


def export_exclude(*, export: InvoiceExport, reason: str, user=None) -> ExportAction:
    """Never export this invoice (booked by hand, or not for Exact); a person may include it again."""
    if not reason.strip():
        raise ActionRefused("a reason is required to exclude an invoice")
    before = export.state
    with transaction.atomic():
        reasons = [worded_reason("export.excluded", reason.strip())]
        if not _move(export, EXCLUDABLE, to=ExportState.EXCLUDED, reasons=reasons):
            raise ActionRefused(f"{export.invoice} is {before}: it cannot be excluded")
        return _record(export=export, kind=Kind.EXCLUDE, before=before, user=user, reason=reason.strip())


def export_include(*, export: InvoiceExport, user=None) -> ExportAction:
    """Take an excluded invoice back: the next run checks it (and looks it up in Exact first)."""
    before = export.state
    with transaction.atomic():
        if not _move(export, [ExportState.EXCLUDED], to=ExportState.NEW, reasons=[], lookup_before_post=True):
            raise ActionRefused(f"{export.invoice} is {before}, not excluded")
        return _record(export=export, kind=Kind.INCLUDE, before=before, user=user)


@dataclass
class Rechecked:
    """A re-check's record and what it found, in words (one sentence on the state, then the findings)."""

    action: ExportAction
    findings: list[str]

    @property
    def text(self) -> str:
        return " ".join(self.findings)


def export_recheck(*, export: InvoiceExport, user=None, client=None) -> Rechecked:
    """Run the pre-flight for this invoice now, its Exact-side reasons looked up where one read decides them.

    Held while a cause remains; `ready` only when nothing is found. A failed invoice keeps Exact's refusal:
    only sending it again can tell whether that is solved.
    """
    before = export.state
    if before not in RETRYABLE:
        raise ActionRefused(_("Invoice %(number)s is %(state)s: nothing to re-check.") % _named(export))
    found = export_rechecked(export=export, client=client, user=user)
    if before == ExportState.FAILED:
        state, reasons = ExportState.FAILED, export.reasons
    else:
        state, reasons = (ExportState.HELD if found.reasons else ExportState.READY), found.reasons
    with transaction.atomic():
        if not _move(export, RETRYABLE, to=state, reasons=reasons, next_attempt_at=None):
            raise ActionRefused(_("Invoice %(number)s changed state meanwhile; look again.") % _named(export))
        action = _record(export=export, kind=Kind.RECHECK, before=before, user=user)
    return Rechecked(action=action, findings=_findings(export, before, found))


def _named(export: InvoiceExport) -> dict:
    return {"number": export.invoice.number, "state": export.get_state_display()}


def _findings(export: InvoiceExport, before: str, found) -> list[str]:
    number = export.invoice.number
    if export.state == ExportState.READY:
        head = _("Invoice %(number)s: the check finds nothing; it is ready for the next export.")
    elif export.state == ExportState.FAILED:
        head = _(
            "Invoice %(number)s stays failed: Exact refused it when it was sent, and only sending it again can "
            "tell whether that is solved (choose 'Retry at the next export run')."
        )
    elif before == ExportState.HELD:
        head = _("Invoice %(number)s stays held.")
    else:
        head = _("Invoice %(number)s is held.")
    findings = [head % {"number": number}, *found.notes]
    rest = [r.get("message") or "" for r in found.reasons if r.get("code") not in found.noted_codes]
    if any(rest):
        findings.append(_("The check finds: %s") % "; ".join(text for text in rest if text))
    return findings


def export_accept_change(*, export: InvoiceExport, reason: str = "", user=None) -> ExportAction:
    """Accept that the invoice changed in Coachview after it was booked: Exact keeps the entry as booked."""
    before = export.state
    with transaction.atomic():
        if not _move(export, [ExportState.CHANGED], to=ExportState.EXPORTED):
            raise ActionRefused(f"{export.invoice} is {before}, not changed")
        return _record(export=export, kind=Kind.ACCEPT_CHANGE, before=before, user=user, reason=reason)


def export_number_decided(*, export: InvoiceExport, decision: str, user=None) -> ExportAction:
    """After checking an entry Exact has with this invoice's number (`exact.entry_number_taken`): link it
    ('same_invoice'), or book this invoice under a new number in Exact ('new_number'). The next run acts."""
    before = export.state
    if decision not in InvoiceExport.Decision.values:
        raise ActionRefused(f"unknown decision {decision!r}")
    if not any(r.get("code") == "exact.entry_number_taken" for r in export.reasons or []):
        raise ActionRefused(f"{export.invoice}: Exact has no other entry with its number to decide on")
    with transaction.atomic():
        if not _move(
            export, [ExportState.HELD], to=ExportState.READY, number_decision=decision, lookup_before_post=True
        ):
            raise ActionRefused(f"{export.invoice} is {before}, not held")
        kind = Kind.SAME_INVOICE if decision == InvoiceExport.Decision.SAME_INVOICE else Kind.NEW_NUMBER
        return _record(export=export, kind=kind, before=before, user=user)


def export_change_explained(*, export: InvoiceExport) -> dict:
    """For a `changed` invoice: what differs from what Exact holds, and the ways out."""
    invoice = export.invoice
    sent = (
        export.attempts.filter(action="entry", outcome="ok").order_by("-id").values_list("sent", flat=True).first()
    ) or {}
    differences = []
    if export.booked_total is not None and export.booked_total != invoice.total_incl_vat:
        differences.append(f"total incl. VAT: Exact {export.booked_total}, Coachview now {invoice.total_incl_vat}")
    lines = sent.get("SalesEntryLines") or []
    if lines and len(lines) != invoice.lines.count():
        differences.append(f"lines: Exact {len(lines)}, Coachview now {invoice.lines.count()}")
    for key, now in (("EntryDate", invoice.invoice_date), ("DueDate", invoice.due_date)):
        if sent.get(key) and now and not str(sent[key]).startswith(now.isoformat()):
            differences.append(f"{key}: Exact {str(sent[key])[:10]}, Coachview now {now.isoformat()}")
    return {
        "differences": differences or ["changed in Coachview after export (no difference in the booked fields)"],
        "ways_out": [
            "Credit the invoice in Coachview and send a new one: both are exported as usual.",
            "Or accept the change as is: Exact keeps the entry as it was booked.",
        ],
    }
