"""Learning from Exact which exported invoices are paid, partly paid or open again, and telling Coachview.

Normal run: one `sync/Cashflow/PaymentTerms` read from the stored Timestamp (⌈changed / 1000⌉ calls, one
when nothing changed), receipts only, joined on the EntryIDs stored at export. When the Timestamp is
unusable (first run, division moved) the mirror starts over and the sync is walked from its start.
Never a filter on a bulk endpoint: Exact may refuse those ("Filtering on these fields is not supported",
mandatory filtering), and a refused read counts toward its error block. The backfill filters the single
endpoint `cashflow/Receivables` on the entries it looks for.
"""

import logging
import re
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from uuid import UUID

from django.conf import settings
from django.db import transaction
from django.db.models import Q

from coupling import clock
from coupling.exact import odata
from coupling.exact.client import ExactClient
from coupling.exact.errors import ExactBudgetExhausted, ExactError
from sync.models import (
    InvoiceExport,
    JobRun,
    PaymentObservation,
    PaymentPollState,
    PaymentTermSeen,
)
from sync.services.chunks import queryset_chunks
from sync.services.jobruns import job_run_recorded
from sync.services.payment_rule import (
    RECEIPT,
    WRITE_OFF_KINDS,
    PaymentState,
    Term,
    cents,
    is_matched,
    payment_description,
    payment_state,
)

logger = logging.getLogger(__name__)

SYNC = "sync/Cashflow/PaymentTerms"
# The single (non-bulk) endpoint: its `TransactionEntryID` filter is not among those Exact refuses on bulk.
RECEIVABLES = "cashflow/Receivables"
DIVISIONS = "system/Divisions"
PAGE = 1000  # sync and bulk endpoints answer up to 1000 rows (reference §3)
RECEIVABLES_PAGE = 60  # a normal endpoint's page
TERM_FIELDS = [
    "ID", "TransactionEntryID", "YourRef", "AmountDC", "TransactionAmountDC", "IsFullyPaid", "Status",
    "TransactionType", "EndDate", "LastPaymentDate",
]
SYNC_SELECT = ["Timestamp", "LineType", *TERM_FIELDS]
# Several entries per backfill call; ossobv batches 40 `or` clauses to keep URLs short (reference §3).
# cashflow/Receivables pages 60 rows: 20 entries (a term or two each) fit one page.
BACKFILL_BATCH = 20
CHUNK = 500  # observations handed to the write-back at a time
_MS_DATE = re.compile(r"/Date\((-?\d+)(?:[+-]\d+)?\)/")


@dataclass
class PollResult:
    mode: str = "sync"  # sync | fallback | backfill | off
    calls: int = 0
    terms: int = 0
    changed: int = 0
    by_status: dict = field(default_factory=dict)
    written: int = 0
    write_pending: int = 0
    backfill_left: int = 0
    stopped: str = ""
    could_not_run: bool = False

    def summary(self) -> str:
        if self.mode == "off":
            return "Payment registration is switched off in the options; nothing polled."
        counts = ", ".join(f"{n} {s}" for s, n in sorted(self.by_status.items())) or "none"
        text = (
            f"Payments ({self.mode}): {self.calls} Exact calls, {self.terms} payment terms read, "
            f"{self.changed} invoices changed ({counts}), {self.written} up to date in Coachview (only real changes are written), "
            f"{self.write_pending} write-backs pending"
        )
        if self.backfill_left:
            text += f", {self.backfill_left} left to backfill"
        return text + (f"; stopped: {self.stopped}." if self.stopped else ".")


def payment_registration_on(*, administration: str) -> bool:
    """The option "payment registration" (on by default)."""
    try:
        from mappings.models import CouplingOptions
    except ImportError:  # the options live in `mappings`; without them the default applies
        return True
    return CouplingOptions.for_administration(administration).payment_registration


def payment_status_poll(
    *, backfill: bool = False, deadline: datetime | None = None, client: ExactClient | None = None
) -> PollResult:
    """Update payment status from Exact (changes since the last poll) and report changes to Coachview."""
    with job_run_recorded(kind=JobRun.Kind.POLL) as run:
        result = _poll(backfill=backfill, deadline=deadline, client=client)
        run.ok, run.summary = not result.stopped, result.summary()
        run.counts = {"changed": result.changed, "calls": result.calls, "stopped": result.stopped}
    return result


def _poll(*, backfill: bool, deadline: datetime | None, client: ExactClient | None) -> PollResult:
    result = PollResult(mode="backfill" if backfill else "sync")
    try:
        client = client or ExactClient(deadline=deadline)
    except ExactError as exc:
        result.stopped, result.could_not_run = str(exc), True
        return result
    administration = client.administration
    if not payment_registration_on(administration=administration):
        result.mode = "off"
        return result
    state, _ = PaymentPollState.objects.get_or_create(administration=administration)
    if not _lease_take(state):
        result.stopped = "another payment poll is running"
        return result
    try:
        try:
            source = "sync"
            if _division_moved(client=client, state=state, result=result) or state.timestamp is None:
                result.mode = source = "fallback"
                _fallback(state=state)
            if backfill:
                _backfill(client=client, administration=administration, result=result)
            _sync(client=client, state=state, result=result, source=source)
        except ExactBudgetExhausted as exc:
            result.stopped = str(exc)
            result.could_not_run = exc.scope == "daily"
        except ExactError as exc:
            result.stopped, result.could_not_run = str(exc), True
        _write_back(result=result, deadline=deadline)
    finally:
        PaymentPollState.objects.filter(pk=state.pk).update(
            lease_until=None, last_poll_at=clock.now(), last_summary=result.summary()[:300]
        )
    return result


def _lease_take(state: PaymentPollState) -> bool:
    """Claim the administration's poll (committed at once) unless a live poll holds it."""
    now = clock.now()
    until = now + timedelta(seconds=settings.PAYMENT_POLL_LEASE_SECONDS)
    return bool(
        PaymentPollState.objects.filter(pk=state.pk)
        .filter(Q(lease_until__isnull=True) | Q(lease_until__lt=now))
        .update(lease_until=until)
    )


# -- reading Exact --------------------------------------------------------------------------------


def division_read(*, client: ExactClient) -> list[dict]:
    """The division's row of system/Divisions (its DivisionMoveDate), as the poll reads it."""
    return client.get_list(DIVISIONS, select=["Code", "DivisionMoveDate"], filter=f"Code eq {int(client.division)}")


def terms_read(*, client: ExactClient, timestamp: int | None) -> list[dict]:
    """One page of payment terms changed after `timestamp` (the sync's only allowed filter)."""
    return client.get_list(SYNC, select=SYNC_SELECT, filter=f"Timestamp gt {odata.int64(timestamp or 1)}", top=PAGE)


def _division_moved(*, client: ExactClient, state: PaymentPollState, result: PollResult) -> bool:
    """Checks DivisionMoveDate at most every PAYMENT_DIVISION_CHECK_HOURS; True when it changed."""
    now = clock.now()
    every = timedelta(hours=settings.PAYMENT_DIVISION_CHECK_HOURS)
    if state.division_checked_at and state.division_checked_at + every > now:
        return False
    rows = division_read(client=client)
    result.calls += 1
    moved_on = _datetime(rows[0].get("DivisionMoveDate")) if rows else None
    moved = state.timestamp is not None and moved_on != state.division_move_date
    state.division_move_date, state.division_checked_at = moved_on, now
    state.save(update_fields=["division_move_date", "division_checked_at"])
    if moved:
        logger.warning("Exact division %s moved on %s: payment Timestamps start over.", client.division, moved_on)
    return moved


def _fallback(*, state: PaymentPollState) -> None:
    """The stored Timestamp is meaningless (first poll, division moved): the mirror starts over from 1.

    The sync then replays every term, the settled ones with their dates; each export's status follows
    from its entry's terms. No bulk read: Exact may refuse its filters.
    """
    with transaction.atomic():
        PaymentTermSeen.objects.filter(administration=state.administration).delete()
        state.timestamp = 1
        state.save(update_fields=["timestamp"])


def _sync(*, client: ExactClient, state: PaymentPollState, result: PollResult, source: str = "sync") -> None:
    """Pages of changed payment terms since the stored Timestamp, each committed with its effects."""
    while True:
        rows = terms_read(client=client, timestamp=state.timestamp)
        result.calls += 1
        result.terms += len(rows)
        if not rows:
            return
        receipts = [row for row in rows if row.get("LineType") == RECEIPT]  # the sync also returns payments
        with transaction.atomic():
            _mirror(administration=state.administration, rows=receipts)
            for export in _affected(administration=state.administration, rows=receipts):
                new = _state_for(export)
                if new:
                    _record(export=export, new=new, source=source)
            state.timestamp = max(int(row["Timestamp"]) for row in rows)
            state.save(update_fields=["timestamp"])
        if len(rows) < PAGE:
            return


def _backfill(*, client: ExactClient, administration: str, result: PollResult) -> None:
    """Once per invoice exported earlier (or linked to an entry booked by hand): its current status."""
    todo = _exports(administration).filter(entry_id__isnull=False, payment_status="").select_related("invoice")
    for batch in queryset_chunks(todo, size=BACKFILL_BATCH):
        clauses = [f"TransactionEntryID eq {odata.guid(e.entry_id)}" for e in batch]
        clauses += [f"YourRef eq {odata.string(e.invoice.number)}" for e in batch]
        try:
            rows = client.get_list(RECEIVABLES, select=TERM_FIELDS, filter=" or ".join(clauses))
        except ExactBudgetExhausted:
            result.backfill_left = todo.filter(pk__gte=batch[0].pk).count()
            raise
        result.calls += max(1, -(-len(rows) // RECEIVABLES_PAGE))
        result.terms += len(rows)
        with transaction.atomic():
            _mirror(administration=administration, rows=rows)
            for export in batch:
                new = _state_for(export) or PaymentState(status="open", outstanding=cents(export.booked_total or 0))
                _record(export=export, new=new, source="backfill")


# -- our side -----------------------------------------------------------------------------------


def _exports(administration: str):
    return InvoiceExport.objects.filter(administration=administration)


def _mirror(*, administration: str, rows: list[dict]) -> None:
    for row in rows:
        PaymentTermSeen.objects.update_or_create(
            administration=administration,
            term_id=UUID(str(row["ID"])),
            defaults={
                "transaction_entry_id": UUID(str(row["TransactionEntryID"])) if row.get("TransactionEntryID") else None,
                "your_ref": (row.get("YourRef") or "")[:60],
                "transaction_type": row.get("TransactionType"),
                "amount_dc": cents(Decimal(str(row.get("AmountDC") or 0))),
                "transaction_amount_dc": (
                    cents(Decimal(str(row["TransactionAmountDC"]))) if row.get("TransactionAmountDC") is not None else None
                ),
                "status": row.get("Status"),
                "is_fully_paid": bool(row.get("IsFullyPaid")),
                "end_date": _date(row.get("EndDate")),
                "last_payment_date": _date(row.get("LastPaymentDate")),
                "timestamp": row.get("Timestamp"),
            },
        )


def _affected(*, administration: str, rows: list[dict]) -> list[InvoiceExport]:
    """The exports whose entry a changed term belongs to, or that a write-off names (by YourRef)."""
    entry_ids = {UUID(str(r["TransactionEntryID"])) for r in rows if r.get("TransactionEntryID")}
    refs = {r["YourRef"] for r in rows if r.get("TransactionType") in WRITE_OFF_KINDS and r.get("YourRef")}
    exports = _exports(administration).filter(entry_id__in=entry_ids).select_related("invoice")
    by_ref = _exports(administration).filter(invoice__number__in=refs, entry_id__isnull=False).select_related("invoice")
    return list({export.pk: export for export in [*exports, *by_ref]}.values())


def _term(seen: PaymentTermSeen) -> Term:
    return Term(
        term_id=str(seen.term_id),
        amount=seen.amount_dc,
        matched=is_matched(status=seen.status, is_fully_paid=seen.is_fully_paid),
        transaction_type=seen.transaction_type,
        end_date=seen.end_date,
        last_payment_date=seen.last_payment_date,
    )


def _state_for(export: InvoiceExport) -> PaymentState | None:
    """The rule applied to every term we know of for this export's entry."""
    seen = list(PaymentTermSeen.objects.filter(administration=export.administration, transaction_entry_id=export.entry_id))
    # ASSUMPTION: a write-off's receivable carries the invoice's YourRef, as a bank line matched with one
    # invoice does (Receivables.YourRef, reference §4.10); its TransactionType is 82 or 83.
    write_offs = PaymentTermSeen.objects.filter(
        administration=export.administration, your_ref=export.invoice.number, transaction_type__in=list(WRITE_OFF_KINDS)
    )
    total = next((s.transaction_amount_dc for s in seen if s.transaction_amount_dc is not None), None)
    state = payment_state(terms=[_term(s) for s in seen], write_offs=[_term(s) for s in write_offs], total=total)
    if state is not None:
        state = PaymentState(**{**state.__dict__, "terms": tuple(_shown(s) for s in [*seen, *write_offs])})
    return state


def _shown(seen: PaymentTermSeen) -> dict:
    return {
        "ID": str(seen.term_id), "AmountDC": str(seen.amount_dc), "Status": seen.status,
        "IsFullyPaid": seen.is_fully_paid, "TransactionType": seen.transaction_type,
        "LastPaymentDate": seen.last_payment_date.isoformat() if seen.last_payment_date else None,
    }


def _record(*, export: InvoiceExport, new: PaymentState, source: str) -> bool:
    """Store the state on the export and in the history when it differs from what we knew; True if so."""
    outstanding = new.outstanding if new.status != "paid" else Decimal("0.00")
    text = payment_description(new)
    last = export.payment_observations.first()
    same = (
        export.payment_status == new.status
        and export.amount_outstanding == outstanding
        and export.paid_date == new.paid_date
        and (last.description if last else "") == text
    )
    if same:
        return False
    export.payment_status, export.amount_outstanding, export.paid_date = new.status, outstanding, new.paid_date
    export.save(update_fields=["payment_status", "amount_outstanding", "paid_date", "updated_at"])
    PaymentObservation.objects.create(
        export=export, status=new.status, outstanding=outstanding, paid_date=new.paid_date,
        written_off=new.written_off or None, write_off_kind=new.write_off_kind, description=text,
        exact_shown=list(new.terms), source=source, observed_at=clock.now(),
    )
    return True


def _write_back(*, result: PollResult, deadline: datetime | None) -> None:
    """Hand every change not yet handed over (also those of a run that died) to the Coachview write-back."""
    fresh = PaymentObservation.objects.filter(handed_over=False).order_by("id")
    latest: dict[int, tuple[int, str]] = {}  # export id → its latest observation's id and status
    for pk, export_id, status in fresh.values_list("id", "export_id", "status"):
        latest[export_id] = (pk, status)
    # Counted per invoice: the fallback may observe one twice (open, then paid when the sync replays).
    result.changed += len(latest)
    for _pk, status in latest.values():
        result.by_status[status] = result.by_status.get(status, 0) + 1
    try:
        from sync.services.writeback import payment_status_write, writebacks_flush
    except ImportError:  # the Coachview write-back is not part of this build yet
        return
    # Only the latest state of each invoice is told: Coachview shows one status.
    ids = sorted(pk for pk, _status in latest.values())
    for start in range(0, len(ids), CHUNK):
        chunk = PaymentObservation.objects.filter(pk__in=ids[start : start + CHUNK]).select_related("export__invoice")
        for observation in chunk.order_by("id"):
            if payment_status_write(export=observation.export, text=observation.description):
                result.written += 1
            PaymentObservation.objects.filter(export_id=observation.export_id, handed_over=False).update(
                handed_over=True
            )
    flushed = writebacks_flush(deadline=deadline)
    result.written += flushed.delivered
    result.write_pending = flushed.pending


def _date(value) -> date | None:
    moment = _datetime(value)
    return moment.date() if moment else None


def _datetime(value) -> datetime | None:
    """Exact's /Date(ms)/ (or ISO) as an aware UTC datetime."""
    if value in (None, ""):
        return None
    match = _MS_DATE.fullmatch(str(value))
    if match:
        return datetime.fromtimestamp(int(match.group(1)) / 1000, tz=UTC)
    parsed = datetime.fromisoformat(str(value).rstrip("Z"))
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)
