"""The dry run's report: per invoice the entry it would post, or why it would be held, in the reader's language.

It names what people know — the invoice number, the debtor's code, Coachview's codes and the Exact codes they
land on ("8900 → 8010") — never the GUIDs the entry carries.
"""

from decimal import Decimal

from django.db.models import Q
from django.utils.formats import date_format, number_format
from django.utils.translation import gettext as _

from sync.catalogue import reasons_explained
from sync.errorcatalogue.reasons import worded_reason
from sync.models import ExportRun, ExportState, InvoiceExport
from sync.services import export_ports as ports
from sync.services.exact_payloads import PayloadError, sales_entry_payload
from sync.services.lookup import accounts_by_code

DRY_RUN_STATES = [ExportState.NEW, ExportState.HELD, ExportState.READY, ExportState.UNKNOWN]


def dry_run_report(*, ctx, run: ExportRun, limit: int | None) -> list[str]:
    """Per invoice the entry it would post, or why it would be held; reads Exact's accounts, sends nothing."""
    exports = (
        InvoiceExport.objects.filter(Q(state__in=DRY_RUN_STATES), administration=ctx.administration)
        .select_related("invoice", "invoice__debtor")
        .prefetch_related("invoice__lines")
        .order_by("invoice__invoice_date", "invoice_id")
    )
    exports = list(exports[:limit] if limit else exports)
    codes = set()
    for export in exports:
        try:
            codes.add(ports.debtor_code(debtor=export.invoice.debtor, options=ctx.options))
        except PayloadError:
            pass
    # Reads only (one call per ~40 debtors): whether each code is new, a customer, or someone else.
    accounts = accounts_by_code(client=ctx.client, codes=codes, on_call=ctx.count_call) if codes else {}
    run.calls_used = ctx.calls
    report = []
    for export in exports:
        invoice = export.invoice
        reasons = ports.preflight_reasons(export=export, exact_accounts=accounts)
        if not reasons:
            try:
                code = ports.debtor_code(debtor=invoice.debtor, options=ctx.options).strip()
                entry = sales_entry_payload(
                    invoice=invoice, export=None, options=ctx.options, customer_id=f"<account {code}>",
                    document_id=None, resolver=ctx.resolver,
                )  # fmt: skip
            except PayloadError as exc:
                reasons = [worded_reason(exc.code, exc.detail)]
        if reasons:
            run.held += 1
            report.append(held_line(invoice=invoice, reasons=reasons))
            continue
        run.exported += 1
        report.append(entry_line(invoice=invoice, journal=entry["Journal"], code=code, existing=code in accounts))
        for line, sent in zip(invoice.lines.all(), entry["SalesEntryLines"], strict=True):
            report.append(line_line(line=line, sent=sent, resolver=ctx.resolver, currency=invoice.currency))
    return report


def held_line(*, invoice, reasons: list[dict]) -> str:
    """"2026001: would be held: <the catalogue's title of each reason>"."""
    texts = [item.title or item.message or item.code or "" for item in reasons_explained(reasons)]
    return _("%(number)s: would be held: %(reasons)s") % {"number": invoice.number, "reasons": "; ".join(texts)}


def entry_line(*, invoice, journal: str, code: str, existing: bool) -> str:
    customer = _("existing customer") if existing else _("new customer")
    return _(
        "%(number)s: would be booked in journal %(journal)s for customer %(code)s (%(customer)s), dated "
        "%(date)s: %(excl)s excl. VAT + %(vat)s VAT = %(incl)s"
    ) % {
        "number": invoice.number,
        "journal": journal,
        "code": code,
        "customer": customer,
        "date": date_format(invoice.invoice_date, "d-m-Y"),
        "excl": money(invoice.total_excl_vat, invoice.currency),
        "vat": money(invoice.total_vat, invoice.currency),
        "incl": money(invoice.total_incl_vat, invoice.currency),
    }


def line_line(*, line, sent: dict, resolver, currency: str) -> str:
    """One line: Coachview's codes and the Exact codes they land on, the amount and the VAT sent."""
    vat = sent.get("VATAmountFC")
    return "    " + _(
        "line %(sequence)s: G/L account %(gl)s, VAT code %(vat_code)s, cost centre %(cost_center)s, "
        "%(amount)s excl. VAT, %(vat)s VAT"
    ) % {
        "sequence": line.sequence,
        "gl": code_landing(line.gl_account_code, resolver.gl_account_code(line)),
        "vat_code": code_landing(line.vat_code, resolver.vat_code(line)),
        "cost_center": code_landing(line.cost_center_code, resolver.cost_center(line) or _("none")),
        "amount": money(line.amount_excl_vat, currency),
        "vat": money(Decimal(str(vat)) if vat is not None else line.vat_amount, currency),
    }


def code_landing(coachview: str, exact: str) -> str:
    """"8900 → 8010" where a mapping moves the code; "8000" where Exact uses Coachview's code."""
    coachview, exact = (coachview or "").strip(), (exact or "").strip()
    return exact if coachview == exact or not coachview else f"{coachview} → {exact}"


def money(amount, currency: str) -> str:
    sign = "€" if currency in ("", "EUR") else currency
    return f"{sign} {number_format(amount, decimal_pos=2, force_grouping=True)}"
