"""The pre-flight's checks of an invoice's totals and VAT, and of the option to spread revenue.

Split from `sync.services.preflight` (which calls them for every invoice); each returns reasons in the
pre-flight's shape.
"""

from decimal import ROUND_HALF_UP, Decimal

from django.utils.translation import gettext as _

from mappings.models import MappingKind
from sync.errorcatalogue.reasons import worded_reason

CENT = Decimal("0.01")


def vat_amount_exact(*, amount: Decimal, percentage: Decimal) -> Decimal:
    """The VAT Exact computes for one line: amount × percentage (a fraction), rounded to cents."""
    # ASSUMPTION: Exact rounds each line's VAT half away from zero (ROUND_HALF_UP in Decimal).
    return (amount * percentage).quantize(CENT, rounding=ROUND_HALF_UP)


def total_reasons(invoice, lines: list, exact_vat: list) -> list[dict]:
    if not lines:
        return []
    reasons = []
    lines_excl = sum((line.amount_excl_vat for line in lines), Decimal("0.00"))
    lines_vat = sum((line.vat_amount for line in lines), Decimal("0.00"))
    # Coachview rounds VAT per line and on the total, so its line VAT may differ from `totaalBtw` by up to
    # a cent per line (cent-exact, contracts.md: `totaalBtw` wins); amounts excluding VAT must match exactly.
    per_line = CENT * len(lines)
    checks = [
        ("lines_excl_vat", lines_excl, invoice.total_excl_vat, Decimal("0.00")),
        ("lines_vat", lines_vat, invoice.total_vat, per_line),
        (
            "total_incl_vat",
            invoice.total_excl_vat + invoice.total_vat,
            invoice.total_incl_vat,
            Decimal("0.00"),
        ),
    ]
    for what, computed, stated, tolerance in checks:
        if abs(computed - stated) > tolerance:
            reasons.append(
                worded_reason(
                    "preflight.totals_mismatch",
                    _("The invoice's totals do not add up (%(what)s: %(computed)s, stated %(stated)s).")
                    % {"what": what, "computed": computed, "stated": stated},
                    what=what,
                    difference=computed - stated,
                    computed=computed,
                    stated=stated,
                )
            )
    if None not in exact_vat:
        exact_total = sum(exact_vat, Decimal("0.00"))
        # Cent-exact (contracts.md): up to one cent per line is spread with VATAmountFC; more is held.
        if abs(exact_total - invoice.total_vat) > per_line:
            reasons.append(
                worded_reason(
                    "preflight.vat_difference",
                    _("Exact would compute VAT %(exact)s, Coachview says %(coachview)s.")
                    % {"exact": exact_total, "coachview": invoice.total_vat},
                    exact_vat=exact_total,
                    difference=exact_total - invoice.total_vat,
                    coachview_vat=invoice.total_vat,
                    lines=len(lines),
                )
            )
    return reasons


def spread_revenue_reasons(invoice, lines: list, resolver) -> list[dict]:
    """With "spread revenue over the course period" on, the administration must be set up for deferred revenue."""
    options = resolver.options
    if not getattr(options, "spread_revenue", False) or not any(line.period_from and line.period_to for line in lines):
        return []
    # ASSUMPTION: Exact's REST API does not show whether deferred revenue is set up; the administrator
    # names the account Exact books it on, and we check that account exists and is usable.
    code = options.deferred_revenue_gl_account.strip()
    account = resolver.mirror_entry(MappingKind.GL_ACCOUNT, code) if code else None
    if account is None or account.is_blocked:
        return [worded_reason(
            "preflight.spread_revenue_not_set_up",
            _("'Spread revenue over the course period' is on, but the deferred-revenue G/L account %s is not "
              "usable in Exact.") % (code or "—"),
            gl_account=code or None,
        )]  # fmt: skip
    return []
