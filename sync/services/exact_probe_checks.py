"""What the Exact go-live check verifies against Exact's freshly read lists: options, mappings, periods, codes.

Each check returns (findings, confirmed): findings carry a catalogue code (the fix a person reads is
that entry's), a message in the active language and a few examples; confirmed lines say what holds.
"""

from dataclasses import dataclass, field
from decimal import Decimal

from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop, ngettext

from mappings.models import MappingKind

EXAMPLES = 5  # examples shown per finding


@dataclass
class Finding:
    code: str  # a catalogue code: the fix is that entry's
    message: str
    examples: list[str] = field(default_factory=list)
    count: int = 0

    def as_json(self) -> dict:
        return {"code": self.code, "message": self.message, "examples": self.examples[:EXAMPLES], "count": self.count}


def journal_findings(*, resolver) -> tuple[list[Finding], list[str]]:
    """The sales journal (and the credit-note journal when set) exist in Exact and are usable sales journals."""
    options = resolver.options
    chosen = [("sales", options.sales_journal.strip())]
    if options.credit_note_journal.strip():
        chosen.append(("credit", options.credit_note_journal.strip()))
    if not chosen[0][1]:
        return [Finding("preflight.journal_missing", _("No sales journal is chosen in the coupling's options."))], []
    blockers, confirmed = [], []
    for which, code in chosen:
        journal = resolver.journals.get(code)
        if journal is None or not journal.is_usable_for_sales():
            why = _("it does not exist") if journal is None else (
                _("it is blocked") if journal.is_blocked else _("it is not a sales journal (type %s)") % journal.journal_type
            )  # fmt: skip
            blockers.append(Finding(
                "preflight.journal_invalid",
                _("Journal %(code)s (%(which)s) cannot be used: %(why)s.") % {"code": code, "which": _which(which), "why": why},
                [code],
            ))  # fmt: skip
        else:
            confirmed.append(_("Journal %(code)s (%(which)s) exists and is a sales journal.") % {"code": code, "which": _which(which)})
    return blockers, confirmed


def _which(which: str) -> str:
    return _("sales journal") if which == "sales" else _("credit-note journal")


def payment_condition_findings(*, resolver) -> tuple[list[Finding], list[str]]:
    condition = resolver.options.default_payment_condition.strip()
    if not condition:
        return [], [_("No default payment condition is chosen: the account's or the administration's default applies.")]
    if condition not in resolver.payment_conditions:
        return [Finding(
            "preflight.payment_condition_invalid", _("Payment condition %s does not exist in Exact.") % condition, [condition]
        )], []  # fmt: skip
    return [], [_("Payment condition %s exists.") % condition]


def period_findings(*, resolver, invoices: list) -> tuple[list[Finding], list[str]]:
    """Every invoice waiting for export has a financial period in Exact for its date."""
    missing = sorted({(invoice.invoice_date, invoice.number) for invoice in invoices
                      if invoice.invoice_date and resolver.period_for(invoice.invoice_date) is None})  # fmt: skip
    if missing:
        days = sorted({day for day, _number in missing})
        return [Finding(
            "preflight.no_financial_period",
            ngettext(
                "Exact has no financial period for %(count)d invoice waiting for export (from %(first)s to %(last)s).",
                "Exact has no financial period for %(count)d invoices waiting for export (from %(first)s to %(last)s).",
                len(missing),
            ) % {"count": len(missing), "first": days[0].isoformat(), "last": days[-1].isoformat()},
            [f"{number} ({day.isoformat()})" for day, number in missing],
            len(missing),
        )], []  # fmt: skip
    if not invoices:
        return [], [_("No invoices wait for export yet: the financial periods are checked again by the pre-flight.")]
    return [], [_("Exact has a financial period for every invoice waiting for export.")]


LINE_CODES = {
    MappingKind.VAT_CODE: "vat_code",
    MappingKind.GL_ACCOUNT: "gl_account_code",
    MappingKind.COST_CENTER: "cost_center_code",
}
KIND_LABELS = {
    MappingKind.VAT_CODE: gettext_noop("VAT code"),
    MappingKind.GL_ACCOUNT: gettext_noop("G/L account"),
    MappingKind.COST_CENTER: gettext_noop("cost centre"),
}


def _expected_rate(rate: Decimal) -> Decimal:
    """Coachview's line rate as a fraction (Coachview writes 21 for 21 %; Exact's list has 0.21)."""
    rate = Decimal(rate or 0)
    return rate / 100 if rate > 1 else rate


def mapping_findings(*, resolver, invoices: list) -> tuple[list[Finding], list[str]]:
    """Every code the waiting invoices use, and every explicit mapping, resolves to a usable Exact code."""
    used: dict[str, dict[str, list]] = {kind: {} for kind in LINE_CODES}
    for invoice in invoices:
        for line in invoice.lines.all():
            for kind, attribute in LINE_CODES.items():
                code = (getattr(line, attribute) or "").strip()
                if code or kind != MappingKind.COST_CENTER:
                    used[kind].setdefault(code, []).append((invoice, line))
    for kind in LINE_CODES:
        for code in resolver.mapped_codes(kind):
            used[kind].setdefault(code, [])
    problems: dict[str, Finding] = {}
    confirmed = []
    for kind, codes in used.items():
        good = 0
        for code, uses in sorted(codes.items()):
            if kind == MappingKind.COST_CENTER and not code:
                continue
            on = uses[0][0].invoice_date if uses else None
            resolution = resolver.resolve(kind, code, on=on)
            example = f"{code or '—'} → {(resolution.exact_code or '').strip() or '—'}"
            if uses:
                example += " (" + ", ".join(sorted({invoice.number for invoice, _line in uses})[:3]) + ")"
            if not resolution.ok:
                _add(problems, resolution.problem_code, example, len({invoice.number for invoice, _line in uses}))
                continue
            if kind == MappingKind.VAT_CODE and uses and resolution.entry is not None:
                rates = {_expected_rate(line.vat_rate) for _invoice, line in uses}
                if any(rate != Decimal(resolution.entry.percentage) for rate in rates):
                    _add(problems, "golive.vat_rate_differs", f"{example}: {sorted(rates)} ≠ {resolution.entry.percentage}",
                         len({invoice.number for invoice, _line in uses}))
                    continue
            good += 1
        if good:
            confirmed.append(_("%(count)d %(kind)s codes resolve to usable codes in Exact.") % {"count": good, "kind": _(KIND_LABELS[kind])})
    for finding in problems.values():
        finding.message = _("%(count)d invoices would be held: %(what)s (e.g. %(example)s).") % {
            "count": finding.count, "what": _finding_text(finding.code), "example": finding.examples[0],
        }  # fmt: skip
    return list(problems.values()), confirmed


def _add(problems: dict, code: str, example: str, invoices: int) -> None:
    finding = problems.setdefault(code, Finding(code, ""))
    finding.examples.append(example)
    finding.count += invoices


FINDING_TEXTS = {
    "preflight.vat_code_unmapped": gettext_noop("a VAT code has no Exact VAT code"),
    "preflight.vat_code_inclusive": gettext_noop("a VAT code is inclusive in Exact (lines are sent excluding VAT)"),
    "preflight.vat_code_blocked": gettext_noop("a VAT code is blocked in Exact"),
    "preflight.vat_code_not_sales": gettext_noop("a VAT code is for purchases only in Exact"),
    "golive.vat_rate_differs": gettext_noop("a VAT code's rate in Exact differs from Coachview's"),
    "preflight.gl_account_unmapped": gettext_noop("a G/L account does not exist in Exact"),
    "preflight.gl_account_blocked": gettext_noop("a G/L account is blocked in Exact"),
    "preflight.gl_account_not_revenue": gettext_noop("a G/L account is not a revenue account in Exact"),
    "preflight.cost_center_unmapped": gettext_noop("a cost centre does not exist in Exact"),
    "preflight.cost_center_ended": gettext_noop("a cost centre has ended in Exact"),
}


def _finding_text(code: str) -> str:
    return _(FINDING_TEXTS.get(code, code))


def debtor_findings(*, codes: dict[str, str], accounts: dict) -> tuple[list[Finding], list[str]]:
    """The relation codes Coachview's debtors will get do not belong to a supplier, prospect or suspect."""
    taken = []
    for number, code in sorted(codes.items()):
        account = accounts.get(code)
        if account is not None and account.get("Status") != "C":
            kind = _("supplier") if account.get("IsSupplier") else _("status %s") % (account.get("Status") or "—")
            taken.append((code, number, kind))
    if taken:
        relations = sorted({code for code, _number, _kind in taken})
        return [Finding(
            "preflight.debtor_not_customer",
            ngettext(
                "%(codes)d relation code that Coachview's debtors get belongs to a relation that is not a customer "
                "(%(invoices)d invoices would be held; we never change it).",
                "%(codes)d relation codes that Coachview's debtors get belong to relations that are not customers "
                "(%(invoices)d invoices would be held; we never change them).",
                len(relations),
            ) % {"codes": len(relations), "invoices": len(taken)},
            [f"{code} ({kind}, {number})" for code, number, kind in taken],
            len(taken),
        )], []  # fmt: skip
    distinct = len(set(codes.values()))
    return [], [_("%d relation codes checked: none belongs to a supplier, prospect or suspect.") % distinct]
