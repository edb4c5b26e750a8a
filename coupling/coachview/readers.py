"""Coachview records read into neutral shapes, by the profile's field names (case-insensitive).

A reader never raises on bad data: it collects what is wrong (the fetch keeps the record and holds its
invoice with that text) and fills a neutral default.
"""

from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from typing import Any

from coupling.coachview.profile import ProfileView
from coupling.coachview.records import MISSING, day_parse, moment_parse, path_get


class _Reader:
    """Reads typed values at dotted paths of one JSON object and collects what is wrong."""

    def __init__(self, record: dict, where: str):
        self.record = record
        self.where = where
        self.problems: list[str] = []

    def _get(self, path: str, required: bool):
        value = path_get(self.record, path, MISSING) if path else MISSING
        if value is MISSING or (required and value is None):
            if required:
                self.problems.append(f"{self.where}: field '{path}' is missing")
            return None
        return value

    def text(self, path: str, required: bool = False) -> str:
        value = self._get(path, required)
        if value is None:
            return ""
        if isinstance(value, bool) or not isinstance(value, str | int):
            self.problems.append(f"{self.where}: field '{path}' should be text, got {value!r}")
            return ""
        return str(value)

    def boolean(self, path: str, required: bool = False) -> bool:
        value = self._get(path, required)
        if value is None:
            return False
        if not isinstance(value, bool):
            self.problems.append(f"{self.where}: field '{path}' should be true or false, got {value!r}")
            return False
        return value

    def number(self, path: str, required: bool = False, places: int | None = 2) -> Decimal | None:
        value = self._get(path, required)
        if value is None:
            return None
        if isinstance(value, bool) or not isinstance(value, int | float | Decimal):
            self.problems.append(f"{self.where}: field '{path}' should be a number, got {value!r}")
            return None
        try:
            number = Decimal(str(value)) if isinstance(value, float) else Decimal(value)
        except InvalidOperation:
            self.problems.append(f"{self.where}: field '{path}' is not a number: {value!r}")
            return None
        if not number.is_finite():
            self.problems.append(f"{self.where}: field '{path}' is not a number: {value!r}")
            return None
        if places is not None and number != number.quantize(Decimal(1).scaleb(-places)):
            self.problems.append(f"{self.where}: field '{path}' has more than {places} decimals: {value}")
        return number

    def day(self, path: str, required: bool = False) -> date | None:
        value = self._get(path, required)
        if value is None:
            return None
        day = day_parse(value)
        if day is None:
            self.problems.append(f"{self.where}: field '{path}' is not a date (yyyy-mm-dd): {value!r}")
        return day


@dataclass
class InvoiceLineData:
    sequence: int
    description: str
    quantity: Decimal
    unit_price: Decimal
    amount_excl_vat: Decimal | None
    vat_code: str
    vat_rate: Decimal
    vat_amount: Decimal
    gl_account_code: str
    cost_center_code: str
    period_from: date | None
    period_to: date | None


@dataclass
class InvoiceData:
    coachview_id: str
    number: str
    invoice_date: date | None
    due_date: date | None
    status: str
    is_credit: bool
    debtor_coachview_id: str
    customer_reference: str
    payment_reference: str
    description: str
    currency: str
    total_excl_vat: Decimal
    total_vat: Decimal
    total_incl_vat: Decimal
    changed_at: datetime | None
    lines: list[InvoiceLineData] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)


def record_id(record: Any, profile: ProfileView) -> str | None:
    value = path_get(record, profile.field("id")) if isinstance(record, dict) else None
    return value if isinstance(value, str) and value else None


def changed_moment(record: Any, profile: ProfileView) -> datetime | None:
    return moment_parse(path_get(record, profile.field("changed"))) if isinstance(record, dict) else None


def invoice_read(record: Any, profile: ProfileView, lines: list | None = None) -> InvoiceData | None:
    """The invoice's fields we use, with what is wrong; None when it has no id at all.

    `lines`: the line records when they are a resource of their own (else they are embedded).
    """
    coachview_id = record_id(record, profile)
    if coachview_id is None:
        return None
    f = profile.field
    r = _Reader(record, "factuur")
    zero = Decimal("0.00")
    data = InvoiceData(
        coachview_id=coachview_id,
        number=r.text(f("invoice_number"), required=True),
        invoice_date=r.day(f("invoice_date"), required=True),
        due_date=r.day(f("due_date")),
        status=r.text(f("status"), required=True),
        is_credit=r.boolean(f("is_credit")),
        debtor_coachview_id=r.text(f("debtor_id"), required=True),
        customer_reference=r.text(f("customer_reference")),
        payment_reference=r.text(f("payment_reference")),
        description=r.text(f("description")),
        currency=r.text(f("currency")) or "EUR",
        total_excl_vat=r.number(f("total_excl_vat"), required=True) or zero,
        total_vat=r.number(f("total_vat"), required=True) or zero,
        total_incl_vat=r.number(f("total_incl_vat"), required=True) or zero,
        changed_at=changed_moment(record, profile),
    )
    if lines is None:
        raw_lines = path_get(record, profile["lines_field"])
        if not isinstance(raw_lines, list):
            r.problems.append(f"factuur: field '{profile['lines_field']}' should be a list, got {raw_lines!r}")
            raw_lines = []
    else:
        raw_lines = lines
    for index, raw in enumerate(raw_lines, start=1):
        if not isinstance(raw, dict):
            r.problems.append(f"factuurregel {index}: not an object: {raw!r}")
            continue
        line, problems = _line_read(raw, index, profile)
        data.lines.append(line)
        r.problems.extend(problems)
    data.lines.sort(key=lambda line: line.sequence)
    if len({line.sequence for line in data.lines}) != len(data.lines):
        r.problems.append(f"factuur: two lines share one '{f('line_sequence')}'")
        for index, line in enumerate(data.lines, start=1):
            line.sequence = index
    data.problems = r.problems
    return data


def _line_read(raw: dict, index: int, profile: ProfileView) -> tuple[InvoiceLineData, list[str]]:
    f = profile.field
    lr = _Reader(raw, f"factuurregel {index}")
    sequence = lr.number(f("line_sequence"), places=0)
    line = InvoiceLineData(
        sequence=int(sequence) if sequence is not None else index,
        description=lr.text(f("line_description")),
        quantity=lr.number(f("line_quantity"), places=None) or Decimal("1"),
        unit_price=lr.number(f("line_unit_price"), places=4) or Decimal("0"),
        amount_excl_vat=lr.number(f("line_amount"), required=True),
        vat_code=lr.text(f("line_vat_code"), required=True),
        vat_rate=lr.number(f("line_vat_rate"), places=4) or Decimal("0"),
        vat_amount=lr.number(f("line_vat_amount"), required=True) or Decimal("0.00"),
        gl_account_code=lr.text(f("line_gl_account"), required=True),
        cost_center_code=lr.text(f("line_cost_center")),
        period_from=lr.day(f("line_period_from")),
        period_to=lr.day(f("line_period_to")),
    )
    return line, lr.problems


@dataclass
class DebtorData:
    coachview_id: str
    number: str
    number_external: str
    extern_id: str
    extern_source: str
    name: str
    is_private: bool
    vat_number: str
    coc_number: str
    email: str
    phone: str
    iban: str
    bic: str
    account_holder: str
    address1: str
    address2: str
    address3: str
    postcode: str
    city: str
    country: str
    contact: dict | None
    changed_at: datetime | None
    # The company or person this debtor is (profile: debtor_company_field / debtor_person_field).
    company_id: str = ""
    person_id: str = ""
    problems: list[str] = field(default_factory=list)


def debtor_read(record: Any, profile: ProfileView) -> DebtorData | None:
    """The debtor's fields we use, with what is wrong; None when it has no id at all."""
    coachview_id = record_id(record, profile)
    if coachview_id is None:
        return None
    f = profile.field
    r = _Reader(record, "debiteur")
    address = path_get(record, f("debtor_address")) or {}
    if not isinstance(address, dict):
        r.problems.append(f"debiteur: field '{f('debtor_address')}' should be an object, got {address!r}")
        address = {}
    a = _Reader(address, f"debiteur.{f('debtor_address')}")
    data = DebtorData(
        coachview_id=coachview_id,
        number=r.text(f("debtor_number"), required=True),
        number_external=r.text(f("debtor_number_external")),
        extern_id=r.text(f("extern_id")),
        extern_source=r.text(f("extern_source")),
        name=r.text(f("debtor_name"), required=True),
        is_private=r.boolean(f("debtor_is_private")),
        vat_number=r.text(f("debtor_vat_number")),
        coc_number=r.text(f("debtor_coc_number")),
        email=r.text(f("debtor_email")),
        phone=r.text(f("debtor_phone")),
        iban=r.text(f("debtor_iban")),
        bic=r.text(f("debtor_bic")),
        account_holder=r.text(f("debtor_account_holder")),
        address1=a.text(f("address_line1")),
        address2=a.text(f("address_line2")),
        address3=a.text(f("address_line3")),
        postcode=a.text(f("address_postcode")),
        city=a.text(f("address_city")),
        country=a.text(f("address_country")),
        contact=_contact_read(path_get(record, f("debtor_contact")), profile),
        changed_at=changed_moment(record, profile),
        company_id=_link(record, profile["debtor_company_field"]),
        person_id=_link(record, profile["debtor_person_field"]),
    )
    data.problems = r.problems + a.problems
    return data


def _link(record: dict, path: str) -> str:
    value = path_get(record, path) if path else None
    return value if isinstance(value, str) else ""


def _contact_read(contact: Any, profile: ProfileView) -> dict | None:
    """The contact person in neutral names (first/middle/last name, gender, e-mail)."""
    if not isinstance(contact, dict):
        return None
    names = {
        "id": profile.field("id"),
        "first_name": profile.field("contact_first_name"),
        "middle_name": profile.field("contact_middle_name"),
        "last_name": profile.field("contact_last_name"),
        "gender": profile.field("contact_gender"),
        "email": profile.field("contact_email"),
    }
    return {ours: path_get(contact, theirs) for ours, theirs in names.items()}


def extern_read(record: Any, profile: ProfileView) -> tuple[str, str]:
    """(externId, externSource) of a company or person record (empty when absent)."""
    if not isinstance(record, dict):
        return "", ""
    extern_id = path_get(record, profile.field("extern_id"))
    source = path_get(record, profile.field("extern_source"))
    return (
        str(extern_id) if isinstance(extern_id, str | int) and not isinstance(extern_id, bool) else "",
        source if isinstance(source, str) else "",
    )
