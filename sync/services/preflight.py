"""The pre-flight check: every reason Exact would refuse an invoice, found before anything is sent.

Each reason is {"code": "preflight.…" (the catalogue entry), "values": {...}, "message": text}.
An invoice with reasons is `held`; one without is `ready`. `exports_preflight` checks a batch
with a constant number of queries (one resolver per run, lines prefetched, one bulk update).
"""

from dataclasses import dataclass
from decimal import Decimal

from django.utils.translation import gettext as _

from coupling import clock
from mappings.models import MappingKind
from mappings.resolver import MappingResolver
from sync.errorcatalogue.reasons import worded_reason
from sync.models import ExportState, Invoice, InvoiceExport
from sync.services.chunks import queryset_chunks
from sync.services.debtor_codes import DEFAULT_SOURCE_ORDER, DebtorCodeInvalid, debtor_exact_code
from sync.services.export_state import states_bulk_write
from sync.services.preflight_reasons import data_reasons, kept_exact_reasons, period_closed_reason
from sync.services.preflight_totals import spread_revenue_reasons, total_reasons, vat_amount_exact

CENT = Decimal("0.01")
CHECKED_STATES = [ExportState.NEW, ExportState.HELD, ExportState.READY]
CHUNK = 500  # exports checked (and held in memory) at a time



@dataclass(frozen=True)
class CoachviewSettings:
    """What the pre-flight needs of the Coachview connection: the debtor-number order, and whether PDFs exist."""

    source_order: tuple[str, ...] = DEFAULT_SOURCE_ORDER
    extern_source: str | None = "Exact"
    pdf_available: bool = True  # the Coachview profile names a PDF endpoint


def coachview_settings_load() -> CoachviewSettings:
    """The debtor-number source order and the PDF endpoint from the Coachview connection, or the defaults."""
    from coupling.models import CoachviewConnection, CoachviewProfile

    # `.first()`, not `load()`: a check must not create the connection row.
    connection = CoachviewConnection.objects.first()
    if connection is None:
        return CoachviewSettings()
    profile = CoachviewProfile.objects.filter(connection=connection).first()
    pdf_available = bool(profile.view["pdf_path"]) if profile is not None else True
    # The connection keeps the order as Coachview's names joined by commas, e.g. "externId,debiteurnummer".
    order = tuple(name.strip() for name in connection.debtor_number_source.split(",") if name.strip())
    return CoachviewSettings(order or DEFAULT_SOURCE_ORDER, connection.extern_source, pdf_available)


def invoice_preflight(
    *,
    export: InvoiceExport,
    resolver: MappingResolver | None = None,
    exact_accounts: dict | None = None,
    pdf_fetched: bool = False,
    coachview_settings: CoachviewSettings | None = None,
    closed_periods: set[tuple[int, int]] | None = None,
) -> list[dict]:
    """Every reason this invoice would be refused in the export's administration ([] when none).

    `exact_accounts` maps account codes to {"Status", "IsSupplier"} (one batched lookup by the
    export); without it the customer check is skipped. `pdf_fetched`: the PDF was fetched, so an
    empty one is a reason when the options attach PDFs. `closed_periods`: (year, period) Exact
    recently refused as closed; Exact's list does not say so, its answer does.
    """
    resolver = resolver or MappingResolver(administration=export.administration)
    coachview_settings = coachview_settings or coachview_settings_load()
    invoice = export.invoice
    options = resolver.options
    lines = list(invoice.lines.all())
    reasons = []

    reasons += data_reasons(invoice, lines)
    reasons += _debtor_reasons(invoice, options, exact_accounts, coachview_settings)
    journal, journal_reasons = _journal_reasons(invoice, resolver)
    reasons += journal_reasons
    condition = options.default_payment_condition.strip()
    if condition and condition not in resolver.payment_conditions:
        reasons.append(
            worded_reason(
                "preflight.payment_condition_invalid",
                _("Payment condition %s does not exist in Exact.") % condition,
                payment_condition=condition,
            )
        )
    period = resolver.period_for(invoice.invoice_date)
    if period is None:
        reasons.append(
            worded_reason(
                "preflight.no_financial_period",
                _("Exact has no financial period for the invoice date %s.") % invoice.invoice_date,
                date=invoice.invoice_date.isoformat() if invoice.invoice_date else None,
            )
        )
    elif closed_periods and (period.year, period.period) in closed_periods:
        reasons.append(period_closed_reason(year=period.year, period=period.period))
    if journal is not None and not journal.allows_currency(invoice.currency):
        reasons.append(
            worded_reason(
                "preflight.currency_not_allowed",
                _("Journal %(journal)s does not allow currency %(currency)s.")
                % {"journal": journal.code, "currency": invoice.currency},
                currency=invoice.currency,
                journal=journal.code,
            )
        )
    line_reasons, exact_vat = _line_reasons(invoice, lines, resolver)
    reasons += line_reasons
    reasons += total_reasons(invoice, lines, exact_vat)
    reasons += spread_revenue_reasons(invoice, lines, resolver)
    if options.attach_pdf and not coachview_settings.pdf_available:
        reasons.append(
            worded_reason(
                "preflight.pdf_endpoint_missing",
                _("The Coachview profile names no endpoint for the invoice PDF, and 'attach PDF' is on."),
            )
        )
    elif pdf_fetched and options.attach_pdf and not invoice.pdf_sha256:
        reasons.append(worded_reason("preflight.pdf_missing", _("Coachview returned no PDF for this invoice.")))
    return reasons


def _debtor_reasons(
    invoice: Invoice, options, exact_accounts: dict | None, settings: CoachviewSettings
) -> list[dict]:
    if invoice.debtor is None:
        return [
            worded_reason(
                "preflight.debtor_missing",
                _("The invoice's debtor was not found in Coachview."),
                debtor_number=invoice.debtor_coachview_id,
            )
        ]
    try:
        code = debtor_exact_code(
            debtor=invoice.debtor,
            options=options,
            source_order=settings.source_order,
            extern_source=settings.extern_source,
        )
    except DebtorCodeInvalid as exc:
        return [
            worded_reason(
                "preflight.debtor_code_invalid",
                _("Debtor number %(code)s cannot be an Exact relation code (%(why)s: at most 18 digits).")
                % {"code": exc.code or "—", "why": exc.reason},
                debtor_number=exc.code,
                problem=exc.reason,
            )
        ]
    if exact_accounts is None:
        return []
    account = exact_accounts.get(code) or exact_accounts.get(code.strip())
    if account is not None and account.get("Status") != "C":
        return [
            worded_reason(
                "preflight.debtor_not_customer",
                _("Exact relation %s exists but is not a customer; we never change it.") % code.strip(),
                debtor_number=code.strip(),
                status=account.get("Status"),
                is_supplier=bool(account.get("IsSupplier")),
            )
        ]
    return []


def _journal_reasons(invoice: Invoice, resolver: MappingResolver):
    code = resolver.options.journal_for(is_credit=invoice.is_credit)
    if not code:
        return None, [
            worded_reason("preflight.journal_missing", _("No sales journal is chosen in the coupling's options."))
        ]
    journal = resolver.journals.get(code)
    if journal is None or not journal.is_usable_for_sales():
        return None, [
            worded_reason(
                "preflight.journal_invalid",
                _("Journal %s is not a usable sales journal in Exact.") % code,
                journal=code,
                blocked=bool(journal and journal.is_blocked),
                type=journal.journal_type if journal else None,
            )
        ]
    return journal, []


LINE_MESSAGES = {
    "preflight.vat_code_unmapped": "Line %(line)s: VAT code %(code)s has no mapping to an Exact VAT code.",
    "preflight.vat_code_inclusive": "Line %(line)s: VAT code %(code)s is inclusive in Exact; lines are sent excluding VAT.",
    "preflight.vat_code_blocked": "Line %(line)s: VAT code %(code)s is blocked in Exact.",
    "preflight.vat_code_not_sales": "Line %(line)s: VAT code %(code)s is for purchases only in Exact.",
    "preflight.gl_account_unmapped": "Line %(line)s: G/L account %(code)s has no mapping to an Exact G/L account.",
    "preflight.gl_account_blocked": "Line %(line)s: G/L account %(code)s is blocked in Exact.",
    "preflight.gl_account_not_revenue": "Line %(line)s: G/L account %(code)s is not a revenue account in Exact.",
    "preflight.cost_center_unmapped": "Line %(line)s: cost centre %(code)s has no mapping to an Exact cost centre.",
    "preflight.cost_center_ended": "Line %(line)s: cost centre %(code)s has ended in Exact.",
    "preflight.cost_center_required": "Line %(line)s: G/L account %(code)s requires a cost centre.",
}
LINE_FIELDS = {
    MappingKind.VAT_CODE: "vat_code",
    MappingKind.GL_ACCOUNT: "gl_account_code",
    MappingKind.COST_CENTER: "cost_center_code",
}


def _catalogue_key(code: str) -> str:
    """The value the catalogue's title names the code by ({vat_code}, {gl_account}, {cost_center})."""
    if code.startswith("preflight.vat_code"):
        return "vat_code"
    if code.startswith("preflight.gl_account") or code == "preflight.cost_center_required":
        return "gl_account"
    return "cost_center"


def _line_reason(code: str, line, coachview_code: str, exact_code: str | None) -> dict:
    message = _(LINE_MESSAGES[code]) % {"line": line.sequence, "code": coachview_code or "—"}
    exact = (exact_code or "").strip() or None
    return worded_reason(
        code,
        message,
        line=line.sequence,
        coachview_code=coachview_code,
        exact_code=exact,
        **{_catalogue_key(code): exact or coachview_code},
    )


def _line_reasons(invoice: Invoice, lines: list, resolver: MappingResolver):
    """Reasons per line, and Exact's own VAT per line (None when a VAT code could not be resolved)."""
    reasons, exact_vat = [], []
    for line in lines:
        resolved = {}
        for kind, field in LINE_FIELDS.items():
            coachview_code = (getattr(line, field) or "").strip()
            resolution = resolver.resolve(kind, coachview_code, on=invoice.invoice_date)
            resolved[kind] = resolution
            if not resolution.ok:
                reasons.append(
                    _line_reason(resolution.problem_code, line, coachview_code, resolution.exact_code)
                )
        gl, cost_center = resolved[MappingKind.GL_ACCOUNT], resolved[MappingKind.COST_CENTER]
        if (
            gl.entry is not None
            and gl.entry.use_cost_center == gl.entry.CostCenterUse.MANDATORY
            and cost_center.ok
            and not cost_center.exact_code
        ):
            reasons.append(
                _line_reason(
                    "preflight.cost_center_required", line, line.gl_account_code.strip(), gl.exact_code
                )
            )
        if not invoice.is_credit and line.amount_excl_vat < 0:
            reasons.append(
                worded_reason(
                    "preflight.negative_line",
                    _("Line %(line)s has a negative amount on an invoice that is not a credit invoice.")
                    % {"line": line.sequence},
                    line=line.sequence,
                    amount=line.amount_excl_vat,
                )
            )
        vat = resolved[MappingKind.VAT_CODE]
        exact_vat.append(
            vat_amount_exact(amount=line.amount_excl_vat, percentage=vat.entry.percentage)
            if vat.entry is not None
            else None
        )
    return reasons, exact_vat


@dataclass
class PreflightSummary:
    checked: int = 0
    ready: int = 0
    held: int = 0


def exports_preflight(
    *,
    administration: str,
    limit: int | None = None,
    exact_accounts: dict | None = None,
    pdf_fetched: bool = False,
    closed_periods: set[tuple[int, int]] | None = None,
) -> PreflightSummary:
    """Check the exports that are new, held or ready; move each to `held` (with reasons) or `ready`.

    In chunks of CHUNK (by id), each written when checked: a backlog of 10,000 is never in memory at
    once.
    """
    exports = (
        InvoiceExport.objects.filter(administration=administration, state__in=CHECKED_STATES)
        .select_related("invoice__debtor")
        .prefetch_related("invoice__lines")
    )
    resolver = MappingResolver(administration=administration)
    coachview_settings = coachview_settings_load()
    now = clock.now()
    summary = PreflightSummary()
    for chunk in queryset_chunks(exports, size=CHUNK, limit=limit):
        moves = []
        for export in chunk:
            reasons = invoice_preflight(
                export=export,
                resolver=resolver,
                exact_accounts=exact_accounts,
                pdf_fetched=pdf_fetched,
                coachview_settings=coachview_settings,
                closed_periods=closed_periods,
            )
            reasons += kept_exact_reasons(export)
            summary.checked += 1
            summary.held += bool(reasons)
            summary.ready += not reasons
            moves.append((export, ExportState.HELD if reasons else ExportState.READY, {"reasons": reasons}))
        # Only rows still waiting are written: a worker may have claimed one meanwhile.
        states_bulk_write(moves, from_states=CHECKED_STATES, now=now)
    return summary
