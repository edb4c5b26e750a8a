"""The pre-flight's reasons: their shape, and the reasons that come from Coachview's data as it was stored.

Each is a `Reason` ({"code": "preflight.…" (the catalogue entry), "values": {...}, "message": text}); the
catalogue renders it in the reader's language from the code and the values.
"""


from django.utils.translation import gettext as _

from sync.errorcatalogue.reasons import Reason, worded_reason


def period_closed_reason(*, year: int, period: int) -> Reason:
    """Held because Exact answered that the invoice date's period is closed (catalogue exact.period_closed)."""
    label = f"{year} - {period}"
    return worded_reason("exact.period_closed", _("Exact answered that period %s is closed.") % label, period=label)


UNFIT_MESSAGES = {
    "preflight.value_too_long": lambda u: _("Coachview's field %(field)s is longer than %(limit)s characters: %(value)s")
    % u,
    "preflight.value_out_of_range": lambda u: _("Coachview's field %(field)s has a value that cannot be booked: %(value)s")
    % u,
    "preflight.country_unknown": lambda u: _("Coachview's field %(field)s is not a country code: %(value)s") % u,
    "preflight.record_unstorable": lambda u: _("Coachview's record %(value)s could not be stored; its raw record is kept.") % u,
}


def unfit_reasons(unfit: list) -> list[Reason]:
    """One reason per value of the invoice or its debtor that did not fit (`sync.services.fetch_fit`)."""
    reasons = []
    for item in unfit or []:
        values = {"field": item.get("field", ""), "value": item.get("value", ""), "limit": item.get("limit", "")}
        message = UNFIT_MESSAGES.get(item.get("code"), UNFIT_MESSAGES["preflight.value_out_of_range"])(values)
        reasons.append(worded_reason(item.get("code") or "preflight.value_out_of_range", message, **values))
    return reasons


# Exact's answers the pre-flight cannot see itself, kept on a held invoice until a person acts on it.
KEPT_WHILE_HELD = ("exact.entry_number_taken",)


def kept_exact_reasons(export) -> list[Reason]:
    """An entry with this number for another relation or amount holds the invoice until a person decides
    (retry: looked up again; 'same invoice' or 'new number': acted on); nothing is looked up every run."""
    if export.state != "held" or export.number_decision:
        return []
    return [r for r in export.reasons or [] if r.get("code") in KEPT_WHILE_HELD]


def data_reasons(invoice, lines: list) -> list[Reason]:
    """What is wrong with Coachview's data as it was stored: incomplete, unfit, the wrong sign, no lines."""
    reasons = []
    if invoice.data_problem:
        reasons.append(
            worded_reason(
                "preflight.data_problem",
                _("Coachview's data is incomplete: %s") % invoice.data_problem,
                detail=invoice.data_problem,
            )
        )
    reasons += unfit_reasons(invoice.data_unfit)
    if invoice.debtor is not None:
        reasons += unfit_reasons(invoice.debtor.data_unfit)
    if invoice.total_incl_vat and (invoice.total_incl_vat > 0) == invoice.is_credit:
        # A credit invoice with a positive total (or an invoice with a negative one) would book the wrong way.
        reasons.append(
            worded_reason(
                "preflight.credit_sign",
                (
                    _("A credit invoice with a positive total (%(total)s).")
                    if invoice.is_credit
                    else _("An invoice (not a credit invoice) with a negative total (%(total)s).")
                )
                % {"total": invoice.total_incl_vat},
                total=invoice.total_incl_vat,
                credit=invoice.is_credit,
            )
        )
    if not lines and not invoice.data_unfit:
        reasons.append(worded_reason("preflight.no_lines", _("The invoice has no lines.")))
    return reasons
