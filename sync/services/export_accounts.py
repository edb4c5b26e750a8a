"""Debtors to Exact customers: found in batches, created once, updated only when allowed, never a
relation that is not a customer; a new customer's bank account and contact made once, also after a fault.
"""

from coupling.exact import odata
from coupling.exact.errors import ExactError
from sync.errorcatalogue.matching import titled_reason
from sync.models import ExportAttempt, ExportState, InvoiceExport
from sync.services import export_ports as ports
from sync.services.exact_payloads import (
    account_payload,
    account_update_payload,
    bank_account_payload,
    contact_payload,
)
from sync.services.export_claims import (
    account_created,
    account_creation_claim,
    account_creation_end,
    export_finish,
    export_store,
)
from sync.services.export_context import RunContext, export_call, export_lookup
from sync.services.lookup import accounts_by_code


def account_ensure(ctx: RunContext, export: InvoiceExport, invoice):
    """The Exact customer for the invoice's debtor: found (updated when allowed) or created; None: held."""
    debtor = invoice.debtor
    code = ports.debtor_code(debtor=debtor, options=ctx.options)  # PayloadError: held
    if code not in ctx.accounts:
        ctx.accounts.update({code: None, **accounts_by_code(client=ctx.client, codes=[code], on_call=ctx.count_call)})
    existing = ctx.accounts.get(code)
    if existing is not None and (existing.get("Status") or "").strip() != "C":
        # Never change a relation that is not a customer (supplier, prospect, suspect).
        status = existing.get("Status") or ""
        held = titled_reason(
            "preflight.debtor_not_customer", f"{code} {existing.get('Name', '')}", debtor_code=code, status=status
        )
        export_finish(export, ExportState.HELD, reasons=[held])
        return None
    if existing is None:
        lease = {"administration": ctx.administration, "debtor": debtor, "worker": ctx.worker}
        known = account_created(administration=ctx.administration, debtor=debtor)
        if known:
            # Another worker created it after our look-up: use it, never post it a second time.
            ctx.accounts[code] = {"ID": known, "Code": code, "Status": "C"}
            ctx.updated_codes.add(code)
            return account_ensure(ctx, export, invoice)
        if not account_creation_claim(**lease):
            # Another worker is creating this debtor's account now: the invoice waits for the next
            # run instead of a second POST that Exact would refuse.
            export_finish(export, ExportState.READY)
            return None
        payload = account_payload(debtor=debtor, code=code, options=ctx.options)
        try:
            created = export_call(ctx, export, "account", payload, lambda: ctx.client.post("crm/Accounts", payload))
        except BaseException as exc:
            account_creation_end(**lease)  # the next try, by any worker, may create it
            # A lost answer may have created the account, and another worker may have created it
            # meanwhile ("Gegeven bestaat reeds"): never post it twice, look it up instead.
            ctx.accounts.pop(code, None)
            if not isinstance(exc, ExactError) or exc.outcome_unknown or not _already_exists(exc):
                raise
            ctx.accounts.update(accounts_by_code(client=ctx.client, codes=[code], on_call=ctx.count_call))
            if ctx.accounts.get(code) is None:
                raise
            return account_ensure(ctx, export, invoice)  # the found account, with the customer check
        account_id = created["ID"]
        account_creation_end(**lease, account_id=account_id)
        ctx.accounts[code] = {**payload, "ID": account_id}
        ctx.updated_codes.add(code)
        export_store(export, account_id=account_id)
        account_details_ensure(ctx, export, invoice, account_id)
        return account_id
    account_id = existing["ID"]
    if ctx.options.update_existing_customers and code not in ctx.updated_codes:
        changes = account_update_payload(debtor=debtor, exact_account=existing)
        if changes:
            export_call(ctx, export, "account_update", changes, lambda: ctx.client.put("crm/Accounts", account_id, changes))
            existing.update(changes)
        ctx.updated_codes.add(code)
    export_store(export, account_id=account_id)
    account_details_ensure(ctx, export, invoice, account_id)  # when found after our own create lost its answer
    return account_id


def account_details_ensure(ctx: RunContext, export: InvoiceExport, invoice, account_id) -> None:
    """The bank account and contact of a customer this export created: each once, also after a fault.

    Resumed by the next claim after a 5xx or a lost answer (the account id is stored by then). Where
    there is any doubt (an earlier try of this detail, or our create's answer was lost) Exact is asked
    first, so two exports of one new debtor never both add them.
    """
    last = dict(
        export.attempts.filter(action__in=["account", "bank_account", "contact"])
        .order_by("id")
        .values_list("action", "outcome")
    )
    maybe_sent = [ExportAttempt.Outcome.UNKNOWN, ExportAttempt.Outcome.PENDING]
    created = last.get("account")
    if created != ExportAttempt.Outcome.OK:
        if created not in maybe_sent:
            return  # an existing customer, or one another invoice created: never touched here
        other_created = ExportAttempt.objects.filter(
            action="account", outcome=ExportAttempt.Outcome.OK, export__account_id=account_id
        ).exclude(export=export)
        if other_created.exists():
            return  # our create's answer was lost, but another export's create went through: its job
    # ASSUMPTION: on an account this export created, any bank account or contact is ours.
    owner = f"Account eq {odata.guid(account_id)}"
    details = [
        ("bank_account", "crm/BankAccounts", bank_account_payload(debtor=invoice.debtor, account_id=account_id)),
        ("contact", "crm/Contacts", contact_payload(debtor=invoice.debtor, account_id=account_id)),
    ]
    for action, resource, payload in details:
        if not payload or last.get(action) == ExportAttempt.Outcome.OK:
            continue
        doubt = created != ExportAttempt.Outcome.OK or last.get(action) is not None
        if doubt and export_lookup(ctx, export, action, resource, owner):
            continue
        export_call(ctx, export, action, payload, lambda resource=resource, payload=payload: ctx.client.post(resource, payload))


def _already_exists(exc) -> bool:
    """Exact refused a create because the record exists (catalogue entry exact.data_already_exists)."""
    texts = list(getattr(exc, "messages", None) or [str(exc)])
    return ports.attempt_catalogue_code(texts=texts) == "exact.data_already_exists"
