"""Export: debtors to Exact customers, invoices to sales entries with their PDF — once, to the cent.

The order per invoice: account (looked up in batches; created or updated) → bank account and
contact → PDF document and attachment → sales entry → write-back. Every call gets an attempt row
written before it and completed after it; every Exact id is stored as soon as Exact returns it.
A POST of the entry whose answer is lost leaves `lookup_before_post` set: the next claim looks the
entry up by YourRef (and the EntryID we sent) before anything is posted again. The account step is
in export_accounts.py.
"""

import logging
import uuid
from dataclasses import dataclass, field
from datetime import timedelta

from django.conf import settings

from coupling import clock
from coupling.coachview.client import CoachviewError
from coupling.exact import odata
from coupling.exact.errors import ExactError
from sync.errorcatalogue.matching import titled_reason
from sync.errorcatalogue.reasons import worded_reason
from sync.models import ExportAttempt, ExportState, InvoiceExport
from sync.services import export_ports as ports
from sync.services.exact_payloads import (
    PayloadError,
    attachment_payload,
    document_payload,
    redacted,
    sales_entry_payload,
)
from sync.services.export_claims import export_finish, export_store

logger = logging.getLogger(__name__)

# Transient failures wait longer each time (minutes), then stay at the last step.
BACKOFF_MINUTES = [1, 5, 15, 60, 240]


class StopRun(Exception):
    """The budget or an endpoint block says stop: leave the rest for the next run."""

    def __init__(self, message: str, *, code: str = ""):
        super().__init__(f"{code}: {message}" if code else message)
        self.code = code  # connection.budget_daily_spent, connection.budget_minute_spent, ...


@dataclass
class RunContext:
    """What one run shares between invoices: the client, options, and what it learnt from Exact."""

    client: object
    administration: str
    options: object
    resolver: object
    worker: str
    accounts: dict[str, dict | None] = field(default_factory=dict)  # code → Exact account (None: absent)
    closed_periods: set[tuple[int, int]] = field(default_factory=set)  # (year, period) Exact refused as closed
    updated_codes: set[str] = field(default_factory=set)
    calls: int = 0
    user: object = None

    def count_call(self) -> None:
        self.calls += 1


# --- calls with their history ------------------------------------------------------------------


def export_call(ctx: RunContext, export: InvoiceExport, action: str, sent, fn):
    """Record the attempt, make the call, complete the attempt; Exact's errors are re-raised."""
    from coupling.exact.errors import ExactBudgetExhausted, ExactEndpointBlocked

    attempt = ExportAttempt.objects.create(
        export=export, action=action, sent=redacted(sent) if sent is not None else None, triggered_by=ctx.user
    )
    try:
        ctx.count_call()
        received = fn()
    except (ExactBudgetExhausted, ExactEndpointBlocked) as exc:
        ctx.calls -= 1  # refused before sending: no call was made
        _complete(attempt, ExportAttempt.Outcome.TRANSIENT, error_text=f"not sent: {exc}")
        raise StopRun(str(exc), code=exc.code) from exc
    except ExactError as exc:
        outcome = (
            ExportAttempt.Outcome.UNKNOWN
            if getattr(exc, "outcome_unknown", False)
            else ExportAttempt.Outcome.FAILED
            if getattr(exc, "permanent", False)
            else ExportAttempt.Outcome.TRANSIENT
        )
        texts = list(getattr(exc, "messages", None) or [str(exc)])
        _complete(
            attempt,
            outcome,
            http_status=getattr(exc, "status", None),
            error_text="\r\n".join(texts),
            catalogue_code=ports.attempt_catalogue_code(texts=texts) if outcome == ExportAttempt.Outcome.FAILED else "",
        )
        raise
    _complete(attempt, ExportAttempt.Outcome.OK, received=redacted(received) if received is not None else None)
    return received


def _complete(attempt: ExportAttempt, outcome: str, **fields) -> None:
    attempt.outcome = outcome
    attempt.finished_at = clock.now()
    for name, value in fields.items():
        setattr(attempt, name, value)
    attempt.save()


# --- one invoice -------------------------------------------------------------------------------


def invoice_export(*, export: InvoiceExport, client=None, ctx: RunContext | None = None) -> str:
    """Export one claimed invoice to its administration; returns the state it ends in."""

    if ctx is None:
        ctx = run_context(client=client, administration=export.administration, worker=export.claimed_by or "direct")
    invoice = export.invoice
    try:
        return _export_steps(ctx, export, invoice)
    except PayloadError as exc:
        export_finish(export, ExportState.HELD, reasons=[titled_reason(exc.code, exc.detail)])
    except ExactError as exc:
        return _exact_error(ctx, export, exc)
    except CoachviewError:
        # The PDF could not be read now: nothing was sent to Exact for the entry; try again later.
        return _retry_later(export)
    return export.state


def _export_steps(ctx: RunContext, export: InvoiceExport, invoice) -> str:
    # Build the entry once before any call: what cannot be booked (e.g. VAT beyond a cent a line)
    # is held without creating an account or a document first.
    sales_entry_payload(
        invoice=invoice, export=export, options=ctx.options, customer_id="", document_id=None, resolver=ctx.resolver
    )
    period = _period(ctx, invoice)
    if period in ctx.closed_periods:
        # Exact refused another invoice of this period as closed during this run: do not ask again.
        export_finish(export, ExportState.HELD, reasons=[ports.period_closed_reason(*period)])
        return export.state
    from sync.services.export_accounts import (  # they build on this module
        account_details_ensure,
        account_ensure,
    )

    account_id = export.account_id
    if account_id is None:
        account_id = account_ensure(ctx, export, invoice)
        if account_id is None:
            return export.state  # held (not a customer), or ready: another worker creates the account
    else:
        account_details_ensure(ctx, export, invoice, account_id)  # resumed: finish what a fault interrupted

    document_id = export.document_id
    if ctx.options.attach_pdf:
        document_id = _pdf(ctx, export, invoice, account_id)
        if document_id is None:
            return export.state

    if export.client_entry_id is None:
        export_store(export, client_entry_id=uuid.uuid4())
    payload = sales_entry_payload(
        invoice=invoice,
        export=export,
        options=ctx.options,
        customer_id=str(account_id),
        document_id=str(document_id) if document_id else None,
        resolver=ctx.resolver,
    )
    # From here until Exact answers, the entry may exist: any later claim looks it up first.
    export_store(export, lookup_before_post=True)
    entry = export_call(ctx, export, "entry", payload, lambda: ctx.client.post("salesentry/SalesEntries", payload))
    entry_found(export, entry, linked=False)
    return export.state


def _pdf(ctx: RunContext, export: InvoiceExport, invoice, account_id):
    if export.document_id and export.attachment_id:
        return export.document_id
    try:
        pdf = ports.invoice_pdf(invoice=invoice)
    except CoachviewError as exc:
        if not exc.permanent:
            raise  # transient: back off and try again
        pdf = None
    if not pdf:
        export_finish(export, ExportState.HELD, reasons=[titled_reason("preflight.pdf_missing")])
        return None
    if len(pdf) > settings.EXACT_ATTACHMENT_MAX_BYTES and not export.document_id:
        # Held before any document exists in Exact: never an empty document left behind.
        size, limit = f"{len(pdf) / 1048576:.1f} MB", f"{settings.EXACT_ATTACHMENT_MAX_BYTES / 1048576:.1f} MB"
        export_finish(export, ExportState.HELD, reasons=[titled_reason("preflight.pdf_too_large", size=size, limit=limit)])
        return None
    if not export.document_id:
        payload = document_payload(invoice=invoice, account_id=account_id)
        # An earlier POST whose answer was lost may have created it: find it before creating another.
        found = _created_before(
            ctx, export, "document", "documents/Documents",
            f"Subject eq {odata.string(payload['Subject'])} and Account eq {odata.guid(account_id)}",
        )  # fmt: skip
        if found is None:
            found = export_call(ctx, export, "document", payload, lambda: ctx.client.post("documents/Documents", payload))
        export_store(export, document_id=found["ID"])
    found = _created_before(
        ctx, export, "attachment", "documents/DocumentAttachments", f"Document eq {odata.guid(export.document_id)}"
    )
    if found is None:
        payload = attachment_payload(invoice=invoice, document_id=export.document_id, pdf=pdf)
        found = export_call(
            ctx, export, "attachment", payload, lambda: ctx.client.post("documents/DocumentAttachments", payload)
        )
    export_store(export, attachment_id=found["ID"])
    return export.document_id


def _created_before(ctx: RunContext, export: InvoiceExport, action: str, resource: str, filter_: str) -> dict | None:
    """After a POST with an unknown outcome, the row it may have created (one read); None otherwise."""
    # ASSUMPTION: a document with our subject on this account (or an attachment on our document) is ours.
    last = export.attempts.filter(action=action).order_by("-id").values_list("outcome", flat=True).first()
    if last not in (ExportAttempt.Outcome.UNKNOWN, ExportAttempt.Outcome.PENDING):
        return None
    return export_lookup(ctx, export, action, resource, filter_)


def export_lookup(ctx: RunContext, export: InvoiceExport, action: str, resource: str, filter_: str) -> dict | None:
    """The first row matching `filter_` (one read, recorded as `{action}_lookup`), or None."""
    rows = export_call(
        ctx, export, f"{action}_lookup", {"filter": filter_},
        lambda: ctx.client.get_list(resource, select=["ID"], filter=filter_),
    )  # fmt: skip
    return rows[0] if rows else None


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


def _period(ctx: RunContext, invoice) -> tuple[int, int] | None:
    found = ctx.resolver.mappings.period_for(invoice.invoice_date)
    return (found.year, found.period) if found else None


def _exact_error(ctx: RunContext, export: InvoiceExport, exc) -> str:
    texts = list(getattr(exc, "messages", None) or [str(exc)])
    if getattr(exc, "outcome_unknown", False):
        # The write may have happened: nothing is re-posted before a lookup proves absence.
        export_finish(export, ExportState.UNKNOWN, lookup_before_post=True)
    elif getattr(exc, "permanent", False):
        reasons = ports.failure_reasons(texts=texts, export=export)
        if any(r.get("code") == "exact.period_closed" for r in reasons):
            # Not a failure of the invoice: it waits, held, until the period is reopened (product brief).
            period = _period(ctx, export.invoice)
            if period:
                ctx.closed_periods.add(period)
            export_finish(export, ExportState.HELD, reasons=reasons)
        else:
            export_finish(export, ExportState.FAILED, reasons=reasons)
    else:
        _retry_later(export)
    return export.state


def _retry_later(export: InvoiceExport) -> str:
    """A transient failure: back to `ready`, not before a growing pause (within the budget)."""
    step = BACKOFF_MINUTES[min(export.transient_failures, len(BACKOFF_MINUTES) - 1)]
    export_finish(
        export,
        ExportState.READY,
        transient_failures=export.transient_failures + 1,
        next_attempt_at=clock.now() + timedelta(minutes=step),
    )
    return export.state


def run_context(*, client, administration: str, worker: str, user=None) -> RunContext:
    return RunContext(
        client=client,
        administration=administration,
        options=ports.coupling_options(administration=administration),
        resolver=ports.line_resolver(administration=administration),
        worker=worker,
        user=user,
    )


def exports_run(
    *,
    administration: str | None = None,
    limit: int | None = None,
    dry_run: bool = False,
    deadline=None,
    worker: str | None = None,
    user=None,
    client=None,
):
    """Export what is ready in the connected administration (the run lives in export_run.py)."""
    from sync.services.export_run import exports_run as run

    return run(
        administration=administration, limit=limit, dry_run=dry_run, deadline=deadline, worker=worker, user=user,
        client=client,
    )  # fmt: skip
