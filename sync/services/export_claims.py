"""The export's state: claiming an export for one worker, a new debtor's account creation, and ending
the claim in a state (finished, found in Exact, backed off).

A claim is a conditional update (`exporting`, the worker, an expiry): two workers never export one
invoice; a worker whose claim expired leaves the outcome to the one that took over.
"""

import logging
from datetime import timedelta

from django.conf import settings
from django.db.models import Q

from coupling import clock
from sync.errorcatalogue.reasons import worded_reason
from sync.models import AccountCreation, Debtor, ExportState, InvoiceExport
from sync.services import export_ports as ports
from sync.services.export_state import state_mirror, state_move

logger = logging.getLogger(__name__)

RESUMABLE = [ExportState.READY, ExportState.UNKNOWN]
# Transient failures wait longer each time (minutes), then stay at the last step.
BACKOFF_MINUTES = [1, 5, 15, 60, 240]
# What claimable() takes: a resumable export, or one whose worker's claim expired.
CLAIMED_FROM = [*RESUMABLE, ExportState.EXPORTING]


# --- claiming ----------------------------------------------------------------------------------


def claimable() -> Q:
    """Exports a worker may take: ready, unknown, or `exporting` whose worker's claim has expired."""
    now = clock.now()
    due = Q(next_attempt_at__isnull=True) | Q(next_attempt_at__lte=now)
    stale = Q(state=ExportState.EXPORTING, claimed_until__lt=now)
    return (Q(state__in=RESUMABLE) & due) | stale


def export_claim(*, export_id: int, worker: str) -> bool:
    """Take one export for this worker with a conditional UPDATE; True only if it changed exactly one row."""
    now = clock.now()
    claimed = state_move(
        InvoiceExport.objects.filter(claimable(), pk=export_id)
        # Never our own live claim again. claimable() already leaves out every live claim, so dropping
        # or changing the worker or the state here changes nothing (not worth mutating); the expiry does.
        .exclude(
            claimed_by=worker,  # pragma: no mutate
            state=ExportState.EXPORTING,  # pragma: no mutate
            claimed_until__gte=now,
        ),
        to=ExportState.EXPORTING,
        from_states=CLAIMED_FROM,
        claimed_by=worker,
        claimed_until=now + timedelta(seconds=settings.EXPORT_CLAIM_SECONDS),
    )
    return claimed == 1


def claim_renew(*, export: InvoiceExport, worker: str) -> bool:
    """Extend our claim before working on it; False when another worker has taken it over."""
    now = clock.now()
    renewed = InvoiceExport.objects.filter(pk=export.pk, claimed_by=worker, state=ExportState.EXPORTING).update(
        claimed_until=now + timedelta(seconds=settings.EXPORT_CLAIM_SECONDS)
    )
    return renewed == 1


def claim_release(*, export: InvoiceExport, worker: str, state: str) -> None:
    """Give an export back untouched (run stopped): `unknown` stays unknown, the rest ready."""
    mine = InvoiceExport.objects.filter(pk=export.pk, claimed_by=worker)
    state_move(mine, to=state, from_states=[ExportState.EXPORTING], claimed_by="", claimed_until=None)


def account_creation_claim(*, administration: str, debtor: Debtor, worker: str) -> bool:
    """Take the right to create this debtor's account in the administration; False while another
    worker's create is under way (until it ends, or its time runs out should that worker die)."""
    now = clock.now()
    lease, _ = AccountCreation.objects.get_or_create(administration=administration, debtor=debtor)
    taken = (
        AccountCreation.objects.filter(pk=lease.pk)
        .filter(Q(owner=worker) | Q(owner="") | Q(until__isnull=True) | Q(until__lt=now))
        .update(owner=worker, until=now + timedelta(seconds=settings.EXPORT_CLAIM_SECONDS), account_id=None)
    )
    return taken == 1


def account_creation_end(*, administration: str, debtor: Debtor, worker: str, account_id=None) -> None:
    """End our create: with the account's id (kept for the claim time, for workers whose look-up came
    before it), or without one (it failed or its outcome is unknown), free for the next try at once."""
    ours = AccountCreation.objects.filter(administration=administration, debtor=debtor, owner=worker)
    if account_id is not None:
        ours.update(owner="", account_id=account_id)
    else:
        ours.update(owner="", until=None)  # its claim already cleared any older id


def account_created(*, administration: str, debtor: Debtor) -> str | None:
    """The id of the account another worker created for this debtor within the claim time, else None."""
    # Only an ended create has an id: a claim clears it, and the end that stores it clears the owner.
    found = (
        AccountCreation.objects.filter(administration=administration, debtor=debtor, until__gte=clock.now())
        .values_list("account_id", flat=True)
        .first()
    )
    return str(found) if found else None


# --- state changes ------------------------------------------------------------------------------


def export_finish(export: InvoiceExport, state: str, *, reasons: list | None = None, **fields) -> None:
    """End our claim in `state`, only while we still hold it (a worker that took over decides instead)."""
    now = clock.now()
    values = {"state_changed_at": now, "claimed_by": "", "claimed_until": None, "updated_at": now}
    if reasons is not None:
        values["reasons"] = reasons
    values.update(fields)
    held = InvoiceExport.objects.filter(pk=export.pk, claimed_by=export.claimed_by)
    changed = state_move(held, to=state, from_states=[ExportState.EXPORTING], **values)
    state_mirror(export, to=state, **values)
    if not changed:
        # Our claim expired and another worker took the invoice over: it looks up before posting.
        logger.warning("export %s was taken over by another worker; its outcome is left to it", export.pk)
        return
    if state in (ExportState.EXPORTED, ExportState.HELD, ExportState.FAILED):
        ports.booking_status_written(export=export)


def export_store(export: InvoiceExport, **fields) -> None:
    """Persist ids the moment Exact returns them (a retry then never creates a second one)."""
    for name, value in fields.items():
        setattr(export, name, value)
    export.save(update_fields=[*fields, "updated_at"])


def entry_found(export: InvoiceExport, entry: dict, *, linked: bool) -> None:
    """The entry exists in Exact: store it, compare its total with Coachview's, mark exported."""
    invoice = export.invoice
    total = ports.money(entry.get("AmountFC") if entry.get("AmountFC") is not None else entry.get("AmountDC"))
    reasons = []
    if linked:
        reasons.append(
            worded_reason(
                "export.linked_existing",
                f"Entry {entry.get('EntryNumber')} with YourRef {invoice.number} already existed in Exact",
                entry_number=entry.get("EntryNumber"),
            )
        )
    if total is not None and total != invoice.total_incl_vat:
        reasons.append(
            worded_reason(
                "export.total_difference",
                f"Exact holds {total}, Coachview {invoice.total_incl_vat}",
                exact=str(total),
                coachview=str(invoice.total_incl_vat),
            )
        )
    export_finish(
        export,
        ExportState.EXPORTED,
        reasons=reasons,
        entry_id=entry.get("EntryID") or export.client_entry_id,
        entry_number=entry.get("EntryNumber"),
        booked_total=total,
        lookup_before_post=False,
        linked_existing=linked,
        transient_failures=0,
        next_attempt_at=None,
    )


def export_retry_later(export: InvoiceExport) -> str:
    """A transient failure: back to `ready`, not before a growing pause (within the budget)."""
    step = BACKOFF_MINUTES[min(export.transient_failures, len(BACKOFF_MINUTES) - 1)]
    export_finish(
        export,
        ExportState.READY,
        transient_failures=export.transient_failures + 1,
        next_attempt_at=clock.now() + timedelta(minutes=step),
    )
    return export.state
