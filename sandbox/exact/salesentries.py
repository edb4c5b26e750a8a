"""Sales entries as Exact books them: reference checks with Exact's texts, VAT per line, totals, numbers.

Business errors are HTTP 500 in the user's language (Dutch by default). Texts come from
docs/reference/exact-online-api.md §7 and reference/coachview.md §6; the ones marked ASSUMPTION
were not found verbatim and follow the same "<Kind>: <Caption>" pattern.
"""

from datetime import timedelta
from decimal import Decimal

from django.conf import settings

from sandbox import clock
from sandbox.exact import entities, store
from sandbox.exact.errors import BusinessErrors
from sandbox.exact.values import cents, money, new_guid, parse_datetime, store_datetime
from sandbox.exact.writes import by_code, save
from sandbox.models import ExactRecord

ENTRIES = "salesentry/SalesEntries"
LINES = "salesentry/SalesEntryLines"
REVENUE_TYPES = {110, 111, 120, 121, 140, 160}  # ASSUMPTION: P&L types Exact accepts on a sales line
SALES_JOURNAL_TYPES = {20, 21}


def _division_row(division: int) -> dict:
    record = store.get_record(division=division, storage="system/Divisions", key=str(division))
    return record.data if record else {}


def _period(division: int, moment) -> dict | None:
    day = moment.date() if hasattr(moment, "date") else moment
    for row in store.rows(division=division, storage="financial/FinancialPeriods"):
        if parse_datetime(row["StartDate"]).date() <= day <= parse_datetime(row["EndDate"]).date():
            return row
    return None


def _check_line(*, division: int, line: dict, number: int, entry_date, errors: BusinessErrors) -> dict:
    """Checks one line and returns what Exact derives for it (GL code, VAT percentage and type)."""
    derived: dict = {}
    if line.get("AmountFC") is None:
        errors.add("Verplicht: Bedrag", "Mandatory: Amount")  # ASSUMPTION
    gl = None
    if line.get("GLAccount") is None:
        errors.add("Verplicht: Grootboekrekening", "Mandatory: G/L account")  # ASSUMPTION
    else:
        record = store.get_record(division=division, storage="financial/GLAccounts", key=line["GLAccount"])
        gl = record.data if record else None
        if gl is None:
            errors.add("Ongeldige referentie: Grootboekrekening", "Invalid reference: G/L account")  # ASSUMPTION
        elif gl.get("IsBlocked"):
            # EN as Booking Experts quotes it; NL is an ASSUMPTION in the same shape.
            errors.add(
                f"Geblokkeerd: Grootboekrekening: {gl['Code']} - {gl['Description']}",
                f"Blocked: Ledger account: {gl['Code']} - {gl['Description']}",
            )
        elif gl.get("Type") not in REVENUE_TYPES:
            errors.add("Ongeldig: Grootboekrekeningtype", "Invalid: G/L account type")  # EN: ASSUMPTION
    if gl:
        derived.update(GLAccountCode=gl["Code"], GLAccountDescription=gl["Description"])
    vat_code = line.get("VATCode") or (gl or {}).get("VATCode")
    vat = None
    if vat_code:
        vat = by_code(division=division, storage="vat/VATCodes", code=vat_code)
        if vat is None:
            errors.add("Ongeldige referentie: Btw-code", "Invalid reference: VAT code")  # EN: ASSUMPTION
        elif vat.get("IsBlocked") or vat.get("VATTransactionType") == "P":
            errors.add("Niet toegestaan: Btw-code", "Not allowed: VAT code")  # NL: ASSUMPTION
        elif vat.get("Type") == "I":
            # The XML API's text for excl.-VAT lines with an inclusive code (Coachview, reference §4.4).
            # ASSUMPTION: REST answers with the same text; "17" is taken to be the line's input number.
            shown = vat["Code"].strip()
            errors.add(
                f"Invoer {number}: Het bedrag van de BTW regel met BTW code {shown} komt niet overeen met het "
                "totaal aan BTW-bedragen in de grondslagregels.",
                f"Input {number}: The amount of the VAT line with VAT code {shown} does not correspond to the "
                "total amount of VAT in the basic payment rules.",
            )
        if vat:
            derived.update(VATCode=vat["Code"], VATCodeDescription=vat["Description"],
                           VATPercentage=vat.get("Percentage") or 0.0)
    cost_center = line.get("CostCenter")
    use = (gl or {}).get("UseCostcenter", 0)
    if cost_center:
        center = by_code(division=division, storage="hrm/Costcenters", code=cost_center)
        if center is None:
            # Exact's REST text for an unknown cost *unit* is "Invalid reference: Cost unit" (picqer #325).
            errors.add("Ongeldige referentie: Kostenplaats", "Invalid reference: Cost center")
        elif center.get("EndDate") and parse_datetime(center["EndDate"]) < entry_date:
            errors.add("Ongeldig: Kostenplaats", "Invalid: Cost center")  # ASSUMPTION
        elif use == 2:
            derived["CostCenter"] = None  # ASSUMPTION: ignored when the GL account takes no cost centre
        else:
            derived.update(CostCenter=center["Code"], CostCenterDescription=center["Description"])
    elif use == 1:
        errors.add("Verplicht: Kostenplaats", "Mandatory: Cost center")  # ASSUMPTION
    return derived


def _line_row(*, division: int, entry_id: str, line: dict, derived: dict, number: int, rate: Decimal) -> dict:
    amount = cents(money(line.get("AmountFC")))
    percentage = money(derived.get("VATPercentage"))
    if line.get("VATAmountFC") is not None:
        vat = cents(money(line["VATAmountFC"]))
    else:
        # ASSUMPTION: Exact computes VAT per line as amount × percentage, rounded half up to cents.
        vat = cents(amount * percentage)
    row = {**line, **derived}
    row.update(
        ID=new_guid(), EntryID=entry_id, LineNumber=number, Division=division,
        AmountFC=float(amount), AmountDC=float(cents(amount * rate)),
        VATAmountFC=float(vat), VATAmountDC=float(cents(vat * rate)),
        VATBaseAmountFC=float(amount), VATBaseAmountDC=float(cents(amount * rate)),
        VATPercentage=float(percentage),
    )
    return row


def _entry_number(division: int, journal: str, year: int) -> int:
    used = ExactRecord.objects.using("sandbox").filter(
        division=division, entity=ENTRIES, data__Journal=journal
    ).values_list("data__EntryNumber", flat=True)
    numbers = [number for number in used if isinstance(number, int)]
    if numbers:
        return max(numbers) + 1
    # ASSUMPTION: Exact's first free number is year (2 digits) + journal + a 4-digit sequence.
    prefix = f"{year % 100:02d}{journal.strip()}" if journal.strip().isdigit() else ""
    return int(f"{prefix}0001") if prefix else 1


def _number_taken(division: int, journal: str, number: int, *, field: str = "EntryNumber") -> bool:
    return ExactRecord.objects.using("sandbox").filter(
        division=division, entity=ENTRIES, data__Journal=journal, **{f"data__{field}": number}
    ).exists()


def create(*, division: int, data: dict, lang: str) -> dict:
    """POST salesentry/SalesEntries with deep-inserted lines: checks, VAT, totals, EntryNumber."""
    entity = entities.entity(ENTRIES)
    errors = BusinessErrors(lang)
    division_row = _division_row(division)

    journal = None
    if not data.get("Journal"):
        errors.add("Verplicht: Dagboek", "Mandatory: Diary")  # EN as Exact's REST API words it (picqer #325)
    else:
        journal = by_code(division=division, storage="financial/Journals", code=data["Journal"])
        if journal is None:
            errors.add("Ongeldige referentie: Journals", "Invalid reference: Journals")  # picqer #31; EN ASSUMPTION
        elif journal.get("Type") not in SALES_JOURNAL_TYPES or journal.get("IsBlocked"):
            errors.add("Ongeldig: Dagboek", "Invalid: Journal (type).")

    customer = None
    if not data.get("Customer"):
        errors.add("Verplicht: Klant", "Mandatory: Customer")  # ASSUMPTION
    else:
        record = store.get_record(division=division, storage="crm/Accounts", key=data["Customer"])
        customer = record.data if record else None
        if customer is None:
            errors.add("Ongeldige referentie: Klant", "Invalid reference: Customer")  # ASSUMPTION
        elif customer.get("Status") != "C":
            errors.add("Ongeldig: Klant (Type)", "Invalid: Customer (Type)")

    condition_code = (
        data.get("PaymentCondition")
        or (customer or {}).get("PaymentConditionSales")
        or division_row.get("_PaymentConditionSales")
    )
    condition = None
    customer_ok = customer is not None and customer.get("Status") == "C"
    if not condition_code and customer_ok:  # without a valid customer its default is unknown
        errors.add("Verplicht: Betalingsconditie", "Mandatory: Payment condition")
    elif condition_code:
        condition = by_code(division=division, storage="cashflow/PaymentConditions", code=condition_code)
        if condition is None:
            errors.add("Ongeldige referentie: Betalingsconditie", "Invalid reference: Payment condition")

    entry_date = parse_datetime(data["EntryDate"]) if data.get("EntryDate") else clock.now().replace(
        tzinfo=None, hour=0, minute=0, second=0, microsecond=0
    )
    period = _period(division, entry_date)
    if period is None:
        # EN as Simplicate quotes Exact's REST text; NL is an ASSUMPTION.
        errors.add("Onbekend: Boekjaar (Periode - datumtabel).", "Unknown: Fiscal year (Period - date table).")
    elif period.get("_Closed"):
        label = f"{period['FinYear']} - {period['FinPeriod']}"
        if settings.SANDBOX_EXACT_WORDING == "rest":
            # ASSUMPTION: REST's own wording is not published; this is the XML text without "is".
            errors.add(f"Periode afgesloten: {label}", f"Period closed: {label}")
        else:
            errors.add(f"Periode is afgesloten: {label}", f"Period is closed: {label}")  # XML (Coachview, Informat)

    currency = data.get("Currency") or division_row.get("Currency", "EUR")
    if journal and currency != division_row.get("Currency", "EUR") and not journal.get("AllowVariableCurrency"):
        errors.add("Niet toegestaan: Valuta", "Not allowed: Currency")  # ASSUMPTION

    if data.get("Document") and store.get_record(
        division=division, storage="documents/Documents", key=data["Document"]
    ) is None:
        errors.add("Ongeldige referentie: Document", "Invalid reference: Document")  # ASSUMPTION

    lines = data.get("SalesEntryLines") or []
    if not lines:
        # EN as Exact words it (picqer #352); NL is an ASSUMPTION.
        errors.add("Er is minimaal één verkoopboekingsregel vereist.", "At least one Sales Entry Line is required.")
    derived_lines = [
        _check_line(division=division, line=line, number=number, entry_date=entry_date, errors=errors)
        for number, line in enumerate(lines, start=1)
    ]

    journal_code = journal["Code"] if journal else data.get("Journal")
    if data.get("EntryNumber") is not None and journal:
        if _number_taken(division, journal_code, data["EntryNumber"]):
            if settings.SANDBOX_EXACT_WORDING == "rest":
                # Bookzo's report; ASSUMPTION: it is REST's text, and the English one.
                errors.add("In gebruik: Boekstuknummer.", "In use: Entry number.")
            else:
                # XML texts (public upload logs / Streamtime).
                errors.add(
                    f"Bestaat reeds - Boekstuknummer: {data['EntryNumber']}, Dagboek: {journal_code}",
                    f"Already exists - Entry number: {data['EntryNumber']}, Journal: {journal_code}",
                )

    entry_id = new_guid()
    if settings.SANDBOX_EXACT_HONOUR_ENTRY_ID and data.get("EntryID"):
        entry_id = data["EntryID"]
        if store.get_record(division=division, storage=ENTRIES, key=entry_id):
            errors.add("Gegeven bestaat reeds.", "Data already exists.")  # picqer #416; EN ASSUMPTION
    errors.raise_if_any()

    rate = money(data.get("Rate") or 1)
    line_rows = [
        _line_row(division=division, entry_id=entry_id, line=line, derived=derived, number=number, rate=rate)
        for number, (line, derived) in enumerate(zip(lines, derived_lines, strict=True), start=1)
    ]
    amount = sum((money(r["AmountFC"]) for r in line_rows), Decimal(0))
    vat = sum((money(r["VATAmountFC"]) for r in line_rows), Decimal(0))
    total = amount + vat
    entry = {name: value for name, value in data.items() if name != "SalesEntryLines"}
    due = entry.get("DueDate") or store_datetime(
        entry_date + timedelta(days=int((condition or {}).get("PaymentDays") or 0))
    )
    now = store_datetime(clock.now())
    entry.update(
        EntryID=entry_id,
        Journal=journal_code,
        JournalDescription=journal["Description"],
        EntryDate=store_datetime(entry_date),
        DueDate=due,
        EntryNumber=data.get("EntryNumber") or _entry_number(division, journal_code, entry_date.year),
        PaymentCondition=condition["Code"],
        PaymentConditionDescription=condition["Description"],
        PaymentConditionPaymentMethod=condition.get("PaymentMethod") or "B",
        Currency=currency,
        Rate=float(rate),
        CustomerName=customer["Name"],
        AmountFC=float(total), AmountDC=float(cents(total * rate)),
        VATAmountFC=float(vat), VATAmountDC=float(cents(vat * rate)),
        ReportingYear=period["FinYear"], ReportingPeriod=period["FinPeriod"],
        Type=21 if total < 0 else 20,
        TypeDescription="Verkoopcreditnota" if total < 0 else "Verkoopfactuur",
        Status=20, StatusDescription="Open",
        Division=division, Created=now, Modified=now,
    )
    suggested = data.get("InvoiceNumber")
    if suggested is not None and _number_taken(division, journal_code, suggested, field="InvoiceNumber"):
        # A duplicate suggestion "may be silently ignored" (ossobv): Exact's own number instead.
        entry["InvoiceNumber"] = entry["EntryNumber"]
    for line in line_rows:
        line["Type"] = entry["Type"]
    saved = save(division=division, entity=entity, row=entry)
    lines_entity = entities.entity(LINES)
    for line in line_rows:
        save(division=division, entity=lines_entity, row=line)
    return saved


def add_line(*, division: int, data: dict, lang: str) -> dict:
    """POST salesentry/SalesEntryLines: a line added to an existing entry; the totals follow."""
    errors = BusinessErrors(lang)
    record = store.get_record(division=division, storage=ENTRIES, key=data.get("EntryID") or "")
    if record is None:
        errors.add("Ongeldige referentie: Boeking", "Invalid reference: Entry")  # ASSUMPTION
        errors.raise_if_any()
    entry = dict(record.data)
    entry_date = parse_datetime(entry["EntryDate"])
    lines = entry_lines(division=division, entry_id=entry["EntryID"])
    number = len(lines) + 1
    derived = _check_line(division=division, line=data, number=number, entry_date=entry_date, errors=errors)
    errors.raise_if_any()
    rate = money(entry.get("Rate") or 1)
    line = _line_row(division=division, entry_id=entry["EntryID"], line=data, derived=derived, number=number, rate=rate)
    line["Type"] = entry["Type"]
    saved = save(division=division, entity=entities.entity(LINES), row=line)
    _totals_save(division, entry, [*lines, line])
    return saved


def _totals_save(division: int, entry: dict, lines: list[dict]) -> None:
    rate = money(entry.get("Rate") or 1)
    amount = sum((money(r["AmountFC"]) + money(r["VATAmountFC"]) for r in lines), Decimal(0))
    vat = sum((money(r["VATAmountFC"]) for r in lines), Decimal(0))
    entry.update(AmountFC=float(amount), AmountDC=float(cents(amount * rate)),
                 VATAmountFC=float(vat), VATAmountDC=float(cents(vat * rate)))
    save(division=division, entity=entities.entity(ENTRIES), row=entry, key=entry["EntryID"])


def line_deleted(*, division: int, entry_id: str) -> None:
    """After a DELETE of a line: the header's amounts follow; without lines the entry is deleted (as Exact does)."""
    record = store.get_record(division=division, storage=ENTRIES, key=str(entry_id or "").lower())
    if record is None:
        return
    lines = entry_lines(division=division, entry_id=record.data["EntryID"])
    if lines:
        _totals_save(division, dict(record.data), lines)
    else:
        record.delete(using="sandbox")


def close_period(*, division: int, year: int, period: int, closed: bool = True) -> None:
    """Mark a financial period closed (or open again) in the sandbox."""
    for record in ExactRecord.objects.using("sandbox").filter(division=division, entity="financial/FinancialPeriods"):
        if record.data.get("FinYear") == year and record.data.get("FinPeriod") == period:
            record.data["_Closed"] = closed
            record.save(using="sandbox", update_fields=["data"])


def entry_lines(*, division: int, entry_id: str) -> list[dict]:
    """The lines of one entry, in line order."""
    found = store.rows(division=division, storage=LINES, where={"data__EntryID": entry_id})
    return sorted(found, key=lambda row: row.get("LineNumber") or 0)
