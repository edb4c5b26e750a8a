"""Before posting: does the entry already exist in Exact? (a lost answer, booked by hand, or a number taken)

Looked up in batches by YourRef and by the EntryID we sent. What is found is linked only when it is the
invoice's own entry (`sync.services.export_number`); otherwise the invoice is held for a person.
"""

from coupling import clock
from sync.models import ExportAttempt, ExportState, InvoiceExport
from sync.services import export_ports as ports
from sync.services.exact_payloads import PayloadError, redacted
from sync.services.export_claims import entry_found, export_finish, export_store
from sync.services.export_context import RunContext
from sync.services.export_number import entry_conflict, looks_up_by_number, number_taken_reason
from sync.services.lookup import accounts_by_code, entries_by_reference


def needs_hand_booking_lookup(options) -> bool:
    """Without a cut-off anything may have been booked by hand: look before the first post."""
    # ASSUMPTION: an option "look up before the first post" may be added to CouplingOptions later.
    return not options.export_from_date or bool(getattr(options, "lookup_before_first_post", False))


def exports_resolve(*, ctx: RunContext, exports: list[InvoiceExport]) -> tuple[list[InvoiceExport], list]:
    """Look up, in batches, entries that may already exist; link those found. Returns (to export, linked)."""
    posted = set(ExportAttempt.objects.filter(export__in=exports, action="entry").values_list("export_id", flat=True))
    lookup_all = needs_hand_booking_lookup(ctx.options)
    started = ports.coupling_started()
    first_posts = {
        export.pk
        for export in exports
        if export.pk not in posted
        # Booked by hand? Possible without a cut-off, and for anything dated before the coupling began.
        and (lookup_all or (started and export.invoice.invoice_date and export.invoice.invoice_date < started))
    }
    pending = [export for export in exports if export.lookup_before_post or export.pk in first_posts]
    if not pending:
        return exports, []
    attempts = {
        export.pk: ExportAttempt.objects.create(
            export=export,
            action="lookup",
            sent={"YourRef": export.invoice.number, "EntryID": str(export.client_entry_id or "")},
            triggered_by=ctx.user,
        )
        for export in pending
    }
    try:
        by_ref, by_id = entries_by_reference(
            client=ctx.client,
            refs=[export.invoice.number for export in pending],
            entry_ids=[export.client_entry_id for export in pending if export.client_entry_id],
            on_call=ctx.count_call,
        )
    except Exception as exc:
        ExportAttempt.objects.filter(pk__in=[a.pk for a in attempts.values()]).update(
            outcome=ExportAttempt.Outcome.TRANSIENT, finished_at=clock.now(), error_text=str(exc)[:2000]
        )
        raise
    journals = {ctx.options.sales_journal.strip(), ctx.options.credit_note_journal.strip()}
    accounts = _accounts_of(ctx, [e for e in pending if by_ref.get(e.invoice.number) and looks_up_by_number(e)])
    rest, linked = [], []
    for export in exports:
        if export not in pending:
            rest.append(export)
            continue
        entry = by_id.get(str(export.client_entry_id).lower()) if export.client_entry_id else None
        candidates = by_ref.get(export.invoice.number, []) if looks_up_by_number(export) else []
        conflict = ""
        if entry is None and candidates:
            # An entry in our journals with this YourRef is this invoice's entry only when it is for its
            # relation and amount: the same number is not the same invoice.
            entry = next((row for row in candidates if (row.get("Journal") or "") in journals), candidates[0])
            conflict = entry_conflict(export, entry, account_id=accounts.get(export.pk))
        attempt = attempts[export.pk]
        attempt.outcome, attempt.finished_at = ExportAttempt.Outcome.OK, clock.now()
        attempt.received = redacted(entry) if entry else {"found": False}
        attempt.save()
        if conflict:
            export_finish(export, ExportState.HELD, reasons=[number_taken_reason(export, entry, conflict)])
            continue
        if entry is None:
            export_store(export, lookup_before_post=False)
            rest.append(export)
            continue
        # Found: linked, never re-posted. Ours (a lost answer) or booked by hand before the coupling.
        entry_found(export, entry, linked=export.pk not in posted)
        linked.append(export)
    return rest, linked


def _accounts_of(ctx: RunContext, exports: list[InvoiceExport]) -> dict[int, str | None]:
    """{export pk: its debtor's Exact account id} for exports whose number Exact has (one batched read)."""
    codes = {}
    for export in exports:
        if export.account_id:
            continue
        try:
            codes[export.pk] = ports.debtor_code(debtor=export.invoice.debtor, options=ctx.options)
        except PayloadError:
            codes[export.pk] = None
    missing = [code for code in codes.values() if code and code not in ctx.accounts]
    if missing:
        found = accounts_by_code(client=ctx.client, codes=missing, on_call=ctx.count_call)
        ctx.accounts.update({code: found.get(code) for code in missing})
    ids = {export.pk: str(export.account_id) for export in exports if export.account_id}
    for pk, code in codes.items():
        row = ctx.accounts.get(code) if code else None
        ids[pk] = (row or {}).get("ID")
    return ids
