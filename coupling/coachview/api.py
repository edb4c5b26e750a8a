"""Every Coachview path and field name the coupling uses, and nothing else of Coachview's vocabulary.

The invoice, debtor, PDF and status endpoints are not publicly documented; the shapes are our
working assumption (../shared/docs/coachview-api.md). A tenant's Swagger page (training first) can
confirm or correct them here, in one place. ASSUMPTION: everything marked "undocumented" below.
"""

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import Decimal, InvalidOperation
from typing import Any
from zoneinfo import ZoneInfo

# --- environments and authentication (documented) ---
LIVE_BASE_URL = "https://secure.coachview.net"
TRAINING_BASE_URL = "https://training.coachview.net"
TOKEN_PATH = "/auth/connect/token"
API_PREFIX = "/api/v1/"
# ASSUMPTION (undocumented): the scope names for invoices and debtors follow <Resource>.Lezen/.Schrijven.
SCOPE_GENERAL = "api"
DEFAULT_SCOPES = "api Facturen.Lezen Facturen.Schrijven Debiteuren.Lezen"

# --- rate limit headers (documented) ---
HEADER_LIMIT = "X-Rate-Limit-Limit"
HEADER_REMAINING = "X-Rate-Limit-Remaining"
HEADER_RESET = "X-Rate-Limit-Reset"
HEADER_ROW_COUNT = "RowCount"

# --- list parameters (documented) ---
PARAM_WHERE = "where"
PARAM_ORDERBY = "orderby"
PARAM_SKIP = "skip"
PARAM_TAKE = "take"
PARAM_COUNT = "Count"
MAX_TAKE = 100
WHERE_CHANGED = "audittrail.gewijzigddatumtijd"
WHERE_ID = "id"
# ASSUMPTION: Coachview's change times are local Dutch time without offset.
COACHVIEW_TIMEZONE = ZoneInfo("Europe/Amsterdam")

# --- resources (undocumented) ---
INVOICES = "Facturen"
DEBTORS = "Debiteuren"
INVOICE_PDF = "Facturen/{id}/Pdf"
INVOICE_BOOKING_STATUS = "Facturen/{id}/Boekingsstatus"
INVOICE_PAYMENT_STATUS = "Facturen/{id}/Betaalstatus"

# The scope a 403 on a path most likely lacks, by (method, first path segment).
READ_SCOPES = {INVOICES: "Facturen.Lezen", DEBTORS: "Debiteuren.Lezen"}
WRITE_SCOPES = {INVOICES: "Facturen.Schrijven", DEBTORS: "Debiteuren.Schrijven"}

# --- field names (undocumented) ---
ID = "id"
AUDITTRAIL = "audittrail"
CHANGED = "gewijzigdDatumTijd"
CREATED = "aangemaaktDatumTijd"
STATUS_SENT = "Verzonden"
INVOICE_DEBTOR_ID = "debiteurId"
# Fields our own write-back changes: a difference in these is not a change of the invoice.
WRITEBACK_FIELDS = ("bevestigd", "bevestigdOmschrijving", "betaald", "betaaldOmschrijving", "betaaldDatum")
# ASSUMPTION: the length Coachview keeps of a status description.
STATUS_TEXT_MAX = 255


def where_changed_after(moment: datetime | None) -> str | None:
    """`where` for records changed strictly after a Coachview-local second (None: everything)."""
    if moment is None:
        return None
    return f"{WHERE_CHANGED}>{format_moment(moment)}"


def where_changed_at(moment: datetime) -> str:
    """`where` for records changed within exactly one second (a range from that second to itself)."""
    return f"{WHERE_CHANGED}={format_moment(moment)},{format_moment(moment)}"


def where_ids(ids: list[str]) -> str:
    return f"{WHERE_ID}={','.join(ids)}"


def orderby_changed() -> str:
    return f"{WHERE_CHANGED} asc"


def orderby_id() -> str:
    return f"{WHERE_ID} asc"


def format_moment(moment: datetime) -> str:
    return moment.strftime("%d-%m-%Y %H:%M:%S")


def parse_moment(value: Any) -> datetime | None:
    """A Coachview timestamp (ISO, local, no offset) as a naive datetime to the second."""
    if not isinstance(value, str) or not value:
        return None
    try:
        moment = datetime.fromisoformat(value.replace("Z", ""))
    except ValueError:
        return None
    return moment.replace(tzinfo=None, microsecond=0)


def changed_moment(record: dict) -> datetime | None:
    audit = record.get(AUDITTRAIL) if isinstance(record, dict) else None
    return parse_moment(audit.get(CHANGED)) if isinstance(audit, dict) else None


def aware(moment: datetime | None) -> datetime | None:
    return moment.replace(tzinfo=COACHVIEW_TIMEZONE) if moment else None


def one_second_before(moment: datetime) -> datetime:
    return moment - timedelta(seconds=1)


def booking_status_body(*, confirmed: bool, text: str) -> dict:
    return {"bevestigd": confirmed, "bevestigdOmschrijving": text[:STATUS_TEXT_MAX]}


def payment_status_body(*, paid: bool, text: str, paid_on: date | None) -> dict:
    return {
        "betaald": paid,
        "betaaldOmschrijving": text[:STATUS_TEXT_MAX],
        "betaaldDatum": paid_on.isoformat() if paid_on else None,
    }


# --- reading records into neutral shapes ---


class _Reader:
    """Reads typed values from one JSON object and collects what is wrong, instead of raising."""

    def __init__(self, record: dict, where: str):
        self.record = record
        self.where = where
        self.problems: list[str] = []

    def _get(self, name: str, required: bool):
        if name not in self.record or (required and self.record[name] is None):
            if required:
                self.problems.append(f"{self.where}: field '{name}' is missing")
            return None
        return self.record[name]

    def text(self, name: str, required: bool = False) -> str:
        value = self._get(name, required)
        if value is None:
            return ""
        if isinstance(value, bool) or not isinstance(value, str | int):
            self.problems.append(f"{self.where}: field '{name}' should be text, got {value!r}")
            return ""
        return str(value)

    def boolean(self, name: str, required: bool = False) -> bool:
        value = self._get(name, required)
        if value is None:
            return False
        if not isinstance(value, bool):
            self.problems.append(f"{self.where}: field '{name}' should be true or false, got {value!r}")
            return False
        return value

    def number(self, name: str, required: bool = False, places: int | None = 2) -> Decimal | None:
        value = self._get(name, required)
        if value is None:
            return None
        if isinstance(value, bool) or not isinstance(value, int | float | Decimal):
            self.problems.append(f"{self.where}: field '{name}' should be a number, got {value!r}")
            return None
        try:
            number = Decimal(str(value)) if isinstance(value, float) else Decimal(value)
        except InvalidOperation:
            self.problems.append(f"{self.where}: field '{name}' is not a number: {value!r}")
            return None
        if places is not None and number != number.quantize(Decimal(1).scaleb(-places)):
            self.problems.append(f"{self.where}: field '{name}' has more than {places} decimals: {value}")
        return number

    def day(self, name: str, required: bool = False) -> date | None:
        value = self._get(name, required)
        if value is None:
            return None
        try:
            return date.fromisoformat(str(value)[:10])
        except ValueError:
            self.problems.append(f"{self.where}: field '{name}' is not a date (yyyy-mm-dd): {value!r}")
            return None


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


def invoice_read(record: Any) -> InvoiceData | None:
    """The invoice's fields we use, with a list of what is wrong; None when it has no id at all."""
    if not isinstance(record, dict) or not isinstance(record.get(ID), str) or not record.get(ID):
        return None
    r = _Reader(record, "factuur")
    zero = Decimal("0.00")
    data = InvoiceData(
        coachview_id=record[ID],
        number=r.text("factuurnummer", required=True),
        invoice_date=r.day("factuurdatum", required=True),
        due_date=r.day("vervaldatum"),
        status=r.text("status", required=True),
        is_credit=r.boolean("isCreditfactuur"),
        debtor_coachview_id=r.text(INVOICE_DEBTOR_ID, required=True),
        customer_reference=r.text("referentieKlant"),
        payment_reference=r.text("betalingskenmerk"),
        description=r.text("omschrijving"),
        currency=r.text("valutaCode") or "EUR",
        total_excl_vat=r.number("totaalExclBtw", required=True) or zero,
        total_vat=r.number("totaalBtw", required=True) or zero,
        total_incl_vat=r.number("totaalInclBtw", required=True) or zero,
        changed_at=changed_moment(record),
    )
    raw_lines = record.get("factuurregels")
    if not isinstance(raw_lines, list):
        r.problems.append(f"factuur: field 'factuurregels' should be a list, got {raw_lines!r}")
        raw_lines = []
    for index, raw in enumerate(raw_lines, start=1):
        if not isinstance(raw, dict):
            r.problems.append(f"factuurregel {index}: not an object: {raw!r}")
            continue
        lr = _Reader(raw, f"factuurregel {index}")
        sequence = lr.number("volgnummer", places=0)
        data.lines.append(
            InvoiceLineData(
                sequence=int(sequence) if sequence is not None else index,
                description=lr.text("omschrijving"),
                quantity=lr.number("aantal", places=None) or Decimal("1"),
                unit_price=lr.number("prijsExclBtw", places=4) or Decimal("0"),
                amount_excl_vat=lr.number("bedragExclBtw", required=True),
                vat_code=lr.text("btwCode", required=True),
                vat_rate=lr.number("btwPercentage", places=4) or Decimal("0"),
                vat_amount=lr.number("btwBedrag", required=True) or zero,
                gl_account_code=lr.text("grootboekrekeningNummer", required=True),
                cost_center_code=lr.text("kostenplaatsCode"),
                period_from=lr.day("periodeVan"),
                period_to=lr.day("periodeTot"),
            )
        )
        r.problems.extend(lr.problems)
    if len({line.sequence for line in data.lines}) != len(data.lines):
        r.problems.append("factuur: two lines share one 'volgnummer'")
        for index, line in enumerate(data.lines, start=1):
            line.sequence = index
    data.problems = r.problems
    return data


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
    problems: list[str] = field(default_factory=list)


def debtor_read(record: Any) -> DebtorData | None:
    """The debtor's fields we use, with a list of what is wrong; None when it has no id at all."""
    if not isinstance(record, dict) or not isinstance(record.get(ID), str) or not record.get(ID):
        return None
    r = _Reader(record, "debiteur")
    address = record.get("factuurAdres") or {}
    if not isinstance(address, dict):
        r.problems.append(f"debiteur: field 'factuurAdres' should be an object, got {address!r}")
        address = {}
    a = _Reader(address, "debiteur.factuurAdres")
    contact = record.get("contactpersoon")
    data = DebtorData(
        coachview_id=record[ID],
        number=r.text("debiteurnummer", required=True),
        number_external=r.text("debiteurnummerExtern"),
        extern_id=r.text("externId"),
        extern_source=r.text("externSource"),
        name=r.text("naam", required=True),
        is_private=r.boolean("particulier"),
        vat_number=r.text("btwNummer"),
        coc_number=r.text("kvkNummer"),
        email=r.text("emailadres"),
        phone=r.text("telefoonnummer"),
        iban=r.text("iban"),
        bic=r.text("bicCode"),
        account_holder=r.text("naamRekeninghouder"),
        address1=a.text("adres1"),
        address2=a.text("adres2"),
        address3=a.text("adres3"),
        postcode=a.text("postcode"),
        city=a.text("plaats"),
        country=a.text("landCode"),
        contact=_contact_read(contact),
        changed_at=changed_moment(record),
    )
    data.problems = r.problems + a.problems
    return data


def _contact_read(contact: Any) -> dict | None:
    """The contact person in neutral names (first/middle/last name, gender, e-mail)."""
    if not isinstance(contact, dict):
        return None
    names = {
        "id": "id",
        "first_name": "voornaam",
        "middle_name": "tussenvoegsels",
        "last_name": "achternaam",
        "gender": "geslacht",
        "email": "emailadres",
    }
    return {ours: contact.get(theirs) for ours, theirs in names.items()}


def invoice_content(record: dict) -> dict:
    """The invoice without what our own write-back and the audit trail change (for change detection)."""
    return {key: value for key, value in record.items() if key not in WRITEBACK_FIELDS and key != AUDITTRAIL}
