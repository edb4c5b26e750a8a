"""Values from Coachview made to fit what we store and what Exact accepts, before anything is written.

One bad record must never stop the fetch or the export (PostgreSQL refuses what does not fit a column;
SQLite does not). Per value: control characters are removed (PostgreSQL refuses NUL in text and in
JSON); a long name, address or description is cut to the column, as Exact cuts it, with a note on the
record; a value that cannot be represented (a key too long, an amount that overflows, a country that
does not exist) is stored as far as it can be and the record is **unfit**: its invoice is held with a
catalogued reason naming the Coachview field and the value (`sync.services.preflight`).
"""

import re
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from django.db import models

from coupling.coachview.profile import ProfileView
from sync.services.countries import ISO_3166_ALPHA2

# Cutting these loses nothing Exact would keep: it cuts long names and descriptions itself.
CUT = frozenset({"name", "account_holder", "address1", "address2", "address3", "city", "customer_reference"})
CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
LINE_BREAKS = re.compile(r"[\r\n\t]+")
INT_RANGE = {models.PositiveIntegerField: (0, 2**31 - 1), models.IntegerField: (-(2**31), 2**31 - 1)}
SHOWN = 60  # characters of a refused value shown in a reason


@dataclass
class Fit:
    """What fitting one record found: notes (cut, cleaned) and unfit values (hold the invoice)."""

    notes: list[str] = field(default_factory=list)
    unfit: list[dict] = field(default_factory=list)

    def refuse(self, code: str, label: str, value, **values) -> None:
        self.unfit.append({"code": code, "field": label, "value": shown(value), **values})


def shown(value) -> str:
    text = CONTROL.sub("?", str(value))
    return text if len(text) <= SHOWN else text[:SHOWN] + "…"


def values_fit(model, values: dict, *, labels: dict, fit: Fit) -> dict:
    """`values` for `model`'s columns, each made to fit; what was cut or refused is added to `fit`."""
    fitted = {}
    for name, value in values.items():
        column = model._meta.get_field(name)
        label = labels.get(name, name)
        if isinstance(value, str):
            value = _text_fit(column, name, label, value, fit)
        elif isinstance(value, Decimal) and isinstance(column, models.DecimalField):
            value = _decimal_fit(column, label, value, fit)
        elif isinstance(value, int) and not isinstance(value, bool) and type(column) in INT_RANGE:
            low, high = INT_RANGE[type(column)]
            if not low <= value <= high:
                fit.refuse("preflight.value_out_of_range", label, value)
                value = column.default if column.has_default() else low
        elif isinstance(value, date) and not 1900 <= value.year <= 2999:
            fit.refuse("preflight.value_out_of_range", label, value.isoformat())
            value = None
        fitted[name] = value
    return fitted


def country_fit(value: str, *, label: str, fit: Fit) -> str:
    """An ISO 3166 alpha-2 code (upper case), or "" with the record unfit."""
    code = value.strip().upper()
    if code and code not in ISO_3166_ALPHA2:
        fit.refuse("preflight.country_unknown", label, value)
        return ""
    return code


def text_clean(value):
    """Any JSON-like value without control characters in its strings (PostgreSQL's jsonb refuses NUL)."""
    if isinstance(value, str):
        return CONTROL.sub("", value)
    if isinstance(value, dict):
        return {text_clean(key): text_clean(item) for key, item in value.items()}
    if isinstance(value, list):
        return [text_clean(item) for item in value]
    return value


def _text_fit(column, name: str, label: str, value: str, fit: Fit) -> str:
    clean = CONTROL.sub("", value)
    if isinstance(column, models.CharField):
        clean = LINE_BREAKS.sub(" ", clean)
    if clean != value:
        fit.notes.append(f"{label}: control characters removed")
    limit = getattr(column, "max_length", None)
    if limit and len(clean) > limit:
        if name in CUT:
            fit.notes.append(f"{label}: cut to {limit} characters")
        else:
            fit.refuse("preflight.value_too_long", label, clean, limit=limit)
        clean = clean[:limit]
    return clean


def _decimal_fit(column, label: str, value: Decimal, fit: Fit):
    whole_digits = column.max_digits - column.decimal_places
    if not value.is_finite() or abs(value) >= Decimal(10) ** whole_digits:
        fit.refuse("preflight.value_out_of_range", label, value)
        return column.default if column.has_default() and not callable(column.default) else None
    return value.quantize(Decimal(1).scaleb(-column.decimal_places))


# --- which Coachview field each of our columns comes from (named so in a reason) ---


def debtor_labels(profile: ProfileView) -> dict:
    """Our debtor columns by the Coachview field they come from, as a person finds it in Coachview."""
    f, address = profile.field, f"{profile['debtors_path']}.{profile.field('debtor_address')}"
    labels = {name: f"{profile['debtors_path']}.{f(concept)}" for name, concept in DEBTOR_CONCEPTS.items()}
    labels.update({name: f"{address}.{f(concept)}" for name, concept in ADDRESS_CONCEPTS.items()})
    return labels


def invoice_labels(profile: ProfileView) -> dict:
    return {name: f"{profile['invoices_path']}.{profile.field(concept)}" for name, concept in INVOICE_CONCEPTS.items()}


def line_labels(profile: ProfileView, sequence) -> dict:
    owner = profile["lines_path"] or f"{profile['invoices_path']}.{profile['lines_field']}"
    return {name: f"{owner}[{sequence}].{profile.field(concept)}" for name, concept in LINE_CONCEPTS.items()}


DEBTOR_CONCEPTS = {
    "number": "debtor_number", "number_external": "debtor_number_external", "extern_id": "extern_id",
    "extern_source": "extern_source", "name": "debtor_name", "vat_number": "debtor_vat_number",
    "coc_number": "debtor_coc_number", "email": "debtor_email", "phone": "debtor_phone", "iban": "debtor_iban",
    "bic": "debtor_bic", "account_holder": "debtor_account_holder",
}
ADDRESS_CONCEPTS = {
    "address1": "address_line1", "address2": "address_line2", "address3": "address_line3",
    "postcode": "address_postcode", "city": "address_city", "country": "address_country",
}
INVOICE_CONCEPTS = {
    "number": "invoice_number", "invoice_date": "invoice_date", "due_date": "due_date", "status": "status",
    "debtor_coachview_id": "debtor_id", "customer_reference": "customer_reference",
    "payment_reference": "payment_reference", "description": "description", "currency": "currency",
    "total_excl_vat": "total_excl_vat", "total_vat": "total_vat", "total_incl_vat": "total_incl_vat",
}
LINE_CONCEPTS = {
    "sequence": "line_sequence", "description": "line_description", "quantity": "line_quantity",
    "unit_price": "line_unit_price", "amount_excl_vat": "line_amount", "vat_code": "line_vat_code",
    "vat_rate": "line_vat_rate", "vat_amount": "line_vat_amount", "gl_account_code": "line_gl_account",
    "cost_center_code": "line_cost_center", "period_from": "line_period_from", "period_to": "line_period_to",
}
