"""Re-checking one invoice now: the pre-flight, with the Exact-side reasons it was held for.

A reason one cheap read can decide (is the debtor's relation a customer now? is the G/L account still
blocked?) is looked up in Exact, recorded as an attempt like the export's own calls and within the same
budget. A reason only Exact's answer to a post can decide (a closed period, an entry with the same number)
is kept, and the person is told that only the next export can tell.
"""

from dataclasses import dataclass, field
from datetime import timedelta

from django.utils.translation import gettext as _

from coupling import clock
from coupling.exact.client import ExactClient
from coupling.exact.errors import ExactError
from sync.errorcatalogue.matching import titled_reason
from sync.models import InvoiceExport
from sync.services import export_ports as ports
from sync.services.exact_payloads import PayloadError
from sync.services.export_context import export_call, run_context
from sync.services.lookup import accounts_by_code
from sync.services.preflight_reasons import kept_exact_reasons

NOT_CUSTOMER = "preflight.debtor_not_customer"
# Held for what Exact's list said of a G/L account: one read of those accounts decides it again.
GL_ACCOUNT_PROBLEMS = ("preflight.gl_account_blocked", "preflight.gl_account_not_revenue", "preflight.cost_center_required")
PERIOD_CLOSED = "exact.period_closed"
NUMBER_TAKEN = "exact.entry_number_taken"
# A person waits for the look-up in the browser: never for Exact's minute window.
LOOKUP_DEADLINE = timedelta(seconds=15)


@dataclass
class Recheck:
    """What the re-check found: the reasons the invoice is held for now, and per Exact-side reason what
    was looked up (or why only the next export can tell), in words."""

    reasons: list[dict] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    noted_codes: set[str] = field(default_factory=set)


def export_rechecked(*, export: InvoiceExport, client=None, user=None) -> Recheck:
    """The pre-flight for this invoice, with its Exact-side reasons looked up where one read decides them."""
    held_for = {r.get("code"): r for r in export.reasons or [] if isinstance(r, dict)}
    found = Recheck()
    exact_accounts = None
    if NOT_CUSTOMER in held_for:
        exact_accounts = _account_checked(export, held_for[NOT_CUSTOMER], client, user, found)
    gl_held = [r for r in export.reasons or [] if isinstance(r, dict) and r.get("code") in GL_ACCOUNT_PROBLEMS]
    if gl_held:
        _gl_accounts_checked(export, gl_held, client, user, found)
    found.reasons = ports.preflight_reasons(export=export, exact_accounts=exact_accounts)
    kept = kept_exact_reasons(export)
    if PERIOD_CLOSED in held_for:
        kept.append(held_for[PERIOD_CLOSED])
    for reason in kept:
        if reason.get("code") in {r.get("code") for r in found.reasons}:
            continue
        found.reasons.append(reason)
        found.noted_codes.add(reason.get("code"))
        found.notes.append(_only_the_export_tells(reason))
    return found


def _account_checked(export: InvoiceExport, held: dict, client, user, found: Recheck) -> dict | None:
    """{code: Exact's account} for the pre-flight's customer check; the old answer when Exact cannot be asked."""
    values = held.get("values") or {}
    options = ports.coupling_options(administration=export.administration)
    try:
        code = ports.debtor_code(debtor=export.invoice.debtor, options=options)
    except PayloadError:
        return None  # the pre-flight names the debtor's problem itself
    found.noted_codes.add(NOT_CUSTOMER)
    remembered = {code: {"Status": values.get("status") or "", "IsSupplier": values.get("is_supplier")}}
    try:
        account = _account_lookup(export, code, client, user)
    except Exception as exc:  # noqa: BLE001 - whatever stopped the look-up, the old answer stands
        found.notes.append(
            _(
                "Exact could not be asked now whether relation %(code)s is a customer (%(why)s): it stays held "
                "for that; only the next export can tell."
            )
            % {"code": code, "why": _why(exc)}
        )
        return remembered
    if account is None:
        found.notes.append(
            _("Exact has no relation %(code)s now: the next export creates it as a customer.") % {"code": code}
        )
        return {}
    if (account.get("Status") or "").strip() == "C":
        found.notes.append(_("Looked up in Exact just now: relation %(code)s is a customer now.") % {"code": code})
    else:
        found.notes.append(
            _("Looked up in Exact just now: relation %(code)s is still not a customer (%(kind)s).")
            % {"code": code, "kind": _("a supplier") if account.get("IsSupplier") else _("another kind of relation")}
        )
    return {code: account}


def _gl_accounts_checked(export: InvoiceExport, held: list[dict], client, user, found: Recheck) -> None:
    """Read the G/L accounts the invoice is held for from Exact and update their mirror rows (one read)."""
    from mappings.services import gl_accounts_query, gl_accounts_refresh

    codes = sorted({str((r.get("values") or {}).get("exact_code") or (r.get("values") or {}).get("gl_account") or "")
                    for r in held} - {""})  # fmt: skip
    if not codes:
        return
    # What is said of the account itself; a line without the cost centre it requires stays the check's finding.
    found.noted_codes.update(r.get("code") for r in held if r.get("code") != "preflight.cost_center_required")
    endpoint, select, filter_ = gl_accounts_query(codes)
    try:
        ctx = _context(export, client, user)
        rows = export_call(
            ctx, export, "gl_account_lookup", {"filter": filter_},
            lambda: ctx.client.get_list(endpoint, select=select, filter=filter_),
        )  # fmt: skip
    except Exception as exc:  # noqa: BLE001 - whatever stopped the look-up, Exact's list as last read stands
        found.notes.append(
            _(
                "Exact could not be asked now about G/L account %(code)s (%(why)s): the check used Exact's lists "
                "as last read."
            )
            % {"code": ", ".join(codes), "why": _why(exc)}
        )
        return
    refreshed = gl_accounts_refresh(administration=export.administration, rows=rows)
    for code in codes:
        account = refreshed.get(code.strip())
        if account is None:
            found.notes.append(
                _("Exact did not return G/L account %(code)s: refresh Exact's lists, then check again.") % {"code": code}
            )
        elif account.is_blocked:
            found.notes.append(_("Looked up in Exact just now: G/L account %(code)s is still blocked.") % {"code": code})
        elif account.problem_code():
            found.notes.append(
                _("Looked up in Exact just now: G/L account %(code)s is still not a revenue account.") % {"code": code}
            )
        else:
            found.notes.append(
                _("Looked up in Exact just now: G/L account %(code)s is not blocked and takes sales lines.")
                % {"code": code}
            )


def _context(export: InvoiceExport, client, user):
    """A run context for this invoice's look-ups: the client of the export's own administration."""
    client = client or ExactClient(deadline=clock.now() + LOOKUP_DEADLINE)
    if client.administration != export.administration:
        raise ExactError(_("Exact is connected to another administration"), permanent=True)
    return run_context(client=client, administration=export.administration, worker="recheck", user=user)


def _account_lookup(export: InvoiceExport, code: str, client, user) -> dict | None:
    """The Exact account with this code (one read, recorded as an attempt of this export), or None."""
    from coupling.exact import odata
    ctx = _context(export, client, user)
    sent = {"filter": f"Code eq {odata.account_code(code)}"}
    rows = export_call(
        ctx, export, "account_lookup", sent, lambda: accounts_by_code(client=ctx.client, codes=[code])
    )
    return rows.get(code)


def _why(exc: Exception) -> str:
    """The catalogue's title of what stopped the look-up (not connected, budget spent), else Exact's text."""
    code = getattr(exc, "code", "")
    titled = titled_reason(code)["message"] if code else ""
    if titled and titled != code:
        return titled
    return "; ".join(getattr(exc, "messages", None) or []) or _("Exact did not answer")


def _only_the_export_tells(reason: dict) -> str:
    values = reason.get("values") or {}
    if reason.get("code") == NUMBER_TAKEN:
        return _(
            "Exact has another entry with this invoice's number: that waits for your decision (it is this "
            "invoice, or book under a new number); 'Retry at the next export run' looks it up again."
        )
    return _(
        "Exact answered that period %(period)s is closed. Only the next export can tell whether it is open "
        "again: choose 'Retry at the next export run' to send it then."
    ) % {"period": values.get("period") or "?"}
