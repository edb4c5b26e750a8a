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

from django.conf import settings

from coupling.coachview.client import CoachviewError
from coupling.exact import odata
from coupling.exact.errors import ExactError
from sync.errorcatalogue.matching import titled_reason
from sync.models import ExportState, InvoiceExport
from sync.services import export_ports as ports
from sync.services.exact_payloads import (
    PayloadError,
    attachment_payload,
    document_payload,
    sales_entry_payload,
)
from sync.services.export_accounts import account_details_ensure, account_ensure
from sync.services.export_claims import entry_found, export_finish, export_retry_later, export_store
from sync.services.export_context import RunContext, created_before, export_call, run_context

logger = logging.getLogger(__name__)

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
        return export_retry_later(export)
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
        found = created_before(
            ctx, export, "document", "documents/Documents",
            f"Subject eq {odata.string(payload['Subject'])} and Account eq {odata.guid(account_id)}",
        )  # fmt: skip
        if found is None:
            found = export_call(ctx, export, "document", payload, lambda: ctx.client.post("documents/Documents", payload))
        export_store(export, document_id=found["ID"])
    found = created_before(
        ctx, export, "attachment", "documents/DocumentAttachments", f"Document eq {odata.guid(export.document_id)}"
    )
    if found is None:
        payload = attachment_payload(invoice=invoice, document_id=export.document_id, pdf=pdf)
        found = export_call(
            ctx, export, "attachment", payload, lambda: ctx.client.post("documents/DocumentAttachments", payload)
        )
    export_store(export, attachment_id=found["ID"])
    return export.document_id


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
        export_retry_later(export)
    return export.state
