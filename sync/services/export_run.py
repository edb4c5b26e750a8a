"""One export run over many invoices: prepare, pre-flight, claim in chunks, look up, export, summarise."""

import logging
import os
import socket
import uuid
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.db.models import Q

from coupling import clock
from coupling.exact.errors import ExactError
from sync.errorcatalogue.reasons import worded_reason
from sync.models import ExportRun, ExportState, InvoiceExport
from sync.services import export_ports as ports
from sync.services.exact_payloads import PayloadError
from sync.services.export import invoice_export
from sync.services.export_claims import BACKOFF_MINUTES, claim_release, claim_renew, claimable, export_claim
from sync.services.export_context import RunContext, StopRun, run_context
from sync.services.export_dry_run import dry_run_report
from sync.services.export_progress import ExportProgress
from sync.services.export_resolve import exports_resolve
from sync.services.export_state import state_move
from sync.services.lookup import BATCH, accounts_by_code

logger = logging.getLogger(__name__)


@dataclass
class ExportRunResult:
    run: ExportRun
    report: list[str] = field(default_factory=list)  # the dry run's lines, per invoice

    @property
    def summary(self) -> str:
        return self.run.summary()


def default_worker() -> str:
    return f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:8]}"


def exports_prepare(*, administration: str, options) -> int:
    """Give every sent invoice an export row in this administration; those before the cut-off are excluded."""
    from sync.services.fetch import exports_ensure

    created = exports_ensure(administration=administration)
    export_from = options.export_from_date
    if export_from:
        # Never sent, dated before the cut-off: booked by hand before the coupling started.
        state_move(
            InvoiceExport.objects.filter(
                administration=administration,
                invoice__invoice_date__lt=export_from,
                attempts__isnull=True,
                actions__isnull=True,  # a person who included it again decided otherwise
            ),
            to=ExportState.EXCLUDED,
            from_states=[ExportState.NEW, ExportState.HELD, ExportState.READY],
            reasons=[worded_reason("export.before_cutoff", f"before {export_from}")],
        )
    return created


# How long Exact's "this code is not a customer" is trusted before the account is looked up again.
NON_CUSTOMER_RECHECK = timedelta(days=1)
# How long Exact's "period is closed" is trusted before an invoice of that period is sent again.
CLOSED_PERIOD_RECHECK = timedelta(days=1)


def _held_recently_for(administration: str, code: str, recheck: timedelta):
    """(state, invoice date, reasons) of exports held for `code` within `recheck`, or retried by a person
    (`ready` with the reason still on them); the text match is a superset, callers check the code."""
    return (
        InvoiceExport.objects.filter(
            Q(state=ExportState.HELD, state_changed_at__gte=clock.now() - recheck) | Q(state=ExportState.READY),
            administration=administration,
        )
        .with_reason(code)
        .values_list("state", "invoice__invoice_date", "reasons")
    )


def known_non_customers(*, administration: str) -> dict[str, dict]:
    """Codes Exact recently showed as relations that are not customers (from the held reasons, no call).

    Given to the pre-flight so those invoices stay held without a lookup every run; after a day, or
    when a person retries, the account is looked up again.
    """
    known, retried = {}, set()
    rows = _held_recently_for(administration, "preflight.debtor_not_customer", NON_CUSTOMER_RECHECK)
    for state, _day, reasons in rows:
        for reason in reasons or []:
            code = str((reason.get("values") or {}).get("debtor_code") or "").strip()
            if reason.get("code") != "preflight.debtor_not_customer" or not code:
                continue
            if state == ExportState.READY:
                retried.add(code)  # a person asked to try again: look the account up
            else:
                known[code] = {"Status": (reason.get("values") or {}).get("status") or ""}
    return {code: account for code, account in known.items() if code not in retried}


def known_closed_periods(*, administration: str, resolver) -> set[tuple[int, int]]:
    """(year, period) Exact recently refused as closed (from the held reasons, no call).

    Their invoices stay held without a refused POST each (which would also count toward Exact's
    error block); after a day, or when a person retries one of them, Exact is asked again.
    """
    closed, retried = set(), set()
    for state, day, reasons in _held_recently_for(administration, "exact.period_closed", CLOSED_PERIOD_RECHECK):
        period = resolver.period_for(day)
        if period is None or not any(r.get("code") == "exact.period_closed" for r in reasons or []):
            continue
        (retried if state == ExportState.READY else closed).add((period.year, period.period))
    return closed - retried


def exports_run(
    *,
    administration: str | None = None,
    limit: int | None = None,
    dry_run: bool = False,
    deadline: datetime | None = None,
    worker: str | None = None,
    user=None,
    client=None,
) -> ExportRunResult:
    """Export what is ready in the connected administration, within the budget; keep the run's summary."""
    if client is None:
        from coupling.exact.client import ExactClient

        client = ExactClient(deadline=deadline)
    connected = client.administration
    if administration and administration != connected:
        raise ValueError(f"Exact is connected to {connected}, not {administration}")
    worker = worker or default_worker()
    run = ExportRun.objects.create(
        administration=connected, started_at=clock.now(), dry_run=dry_run, worker=worker
    )
    ctx = run_context(client=client, administration=connected, worker=worker, user=user)
    exports_prepare(administration=connected, options=ctx.options)
    if dry_run:
        result = ExportRunResult(run=run, report=dry_run_report(ctx=ctx, run=run, limit=limit))
        run.finished_at = clock.now()
        run.save()
        return result

    ctx.closed_periods.update(known_closed_periods(administration=connected, resolver=ctx.resolver.mappings))
    ports.preflight_all(
        administration=connected,
        exact_accounts=known_non_customers(administration=connected),
        closed_periods=ctx.closed_periods,
    )
    for export in InvoiceExport.objects.filter(
        administration=connected, state=ExportState.HELD, state_changed_at__gte=run.started_at
    ):
        run.held += 1
        ports.booking_status_written(export=export)
    progress = ExportProgress(run)
    progress.write(calls=ctx.calls)

    seen: set[int] = set()
    while limit is None or len(seen) < limit:
        if deadline and clock.now() >= deadline:
            run.stopped_reason = "deadline reached"
            break
        size = BATCH if limit is None else min(BATCH, limit - len(seen))
        candidates = list(
            InvoiceExport.objects.filter(claimable(), administration=connected)
            .exclude(pk__in=seen)
            .order_by("invoice__invoice_date", "invoice_id")
            .values_list("id", "state")[:size]
        )
        if not candidates:
            break
        seen.update(pk for pk, _ in candidates)
        before = dict(candidates)
        claimed = [pk for pk, _ in candidates if export_claim(export_id=pk, worker=worker)]
        exports = list(
            InvoiceExport.objects.filter(pk__in=claimed)
            .select_related("invoice", "invoice__debtor")
            .order_by("invoice__invoice_date", "invoice_id")
        )
        try:
            _export_chunk(ctx, run, exports, progress)
        except (StopRun, ExactError) as exc:
            # Budget, endpoint block, or a failing lookup: give the claimed rest back untouched.
            run.stopped_reason = str(exc)[:255]
            run.stopped_code = getattr(exc, "code", "") or ""
            for export in exports:
                back = ExportState.UNKNOWN if before.get(export.pk) == ExportState.UNKNOWN else ExportState.READY
                claim_release(export=export, worker=worker, state=back)
            break
        progress.write(calls=ctx.calls)

    ports.writebacks_flushed(deadline=deadline)
    run.calls_used = ctx.calls
    run.waited_seconds = round(client.waited_s, 3)
    run.finished_at = clock.now()
    run.save()
    return ExportRunResult(run=run)


def _export_chunk(ctx: RunContext, run: ExportRun, exports: list[InvoiceExport], progress: ExportProgress) -> None:
    rest, linked = exports_resolve(ctx=ctx, exports=exports)
    run.linked += len(linked)
    codes = {}
    for export in rest:
        if export.account_id is None:
            try:
                code = ports.debtor_code(debtor=export.invoice.debtor, options=ctx.options)
            except PayloadError:
                continue  # held when its turn comes
            if code not in ctx.accounts:
                codes[code] = None
    if codes:
        # One call per ~40 debtors; absent codes are remembered as absent (to be created).
        codes.update(accounts_by_code(client=ctx.client, codes=list(codes), on_call=ctx.count_call))
        ctx.accounts.update(codes)
    for export in rest:
        if not claim_renew(export=export, worker=ctx.worker):
            continue  # our claim expired and another worker took it over
        try:
            state = invoice_export(export=export, ctx=ctx)
        except StopRun:
            raise
        except Exception:
            # A bug or a database error on one invoice must not stop the others; if the entry may
            # have been posted, `lookup_before_post` makes the next run look before posting again.
            logger.exception("export of invoice %s failed unexpectedly", export.invoice.number)
            state = _export_aborted(export)
        if state == ExportState.EXPORTED:
            run.exported += 1
        elif state == ExportState.HELD:
            run.held += 1
        elif state == ExportState.UNKNOWN:
            run.unknown += 1
        elif state == ExportState.FAILED:
            run.failed += 1
        elif state == ExportState.READY:
            run.retry_later += 1
        progress.tick(calls=ctx.calls)


def _export_aborted(export: InvoiceExport) -> str:
    export.refresh_from_db()
    state = ExportState.UNKNOWN if export.lookup_before_post else ExportState.READY
    state_move(
        InvoiceExport.objects.filter(pk=export.pk),
        to=state,
        from_states=[ExportState.EXPORTING],
        claimed_by="",
        claimed_until=None,
        next_attempt_at=clock.now() + timedelta(minutes=BACKOFF_MINUTES[0]),
    )
    return state


def exports_scheduled_run(*, deadline: datetime | None = None) -> ExportRunResult:
    """The scheduled job: fetch what is new in Coachview, then pre-flight and export within the budget."""
    from coupling.exact.client import ExactClient
    from sync.services.fetch import invoices_fetch
    from sync.services.golive import golive_state

    client = ExactClient(deadline=deadline)  # not connected: raise before spending Coachview calls
    invoices_fetch(deadline=deadline)
    golive = golive_state()
    if not golive.export_allowed:
        # Not saved: a run every five minutes that only says "waiting" is the front page's to show.
        return ExportRunResult(run=ExportRun(stopped_reason=golive.waiting_for()[:255], stopped_code="golive.pending"))
    if not golive.scheduled_on:
        return ExportRunResult(run=ExportRun(stopped_reason=golive.schedule_text()[:255], stopped_code="export.schedule_off"))
    return exports_run(deadline=deadline, client=client)
