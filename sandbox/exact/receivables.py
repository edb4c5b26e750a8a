"""The simulated Exact's receivables (payment terms) and transaction lines, kept with the booked entries.

Every booked sales entry has a receivable in "cashflow/Receivables", derived when payment data is first
read, and its lines in "financialtransaction/TransactionLines" (reference §4.10). The endpoints of
`ENDPOINTS` are served from these rows by the generic views (`rows_for`); `sandbox/exact/payments.py`
changes them as a bookkeeper's matching does.

ASSUMPTION (sign): a receivable's AmountDC is negative for an invoice and TransactionAmountDC positive
(observed by an integrator, reference §4.10); a receipt, a credit note and a write-off carry the other
sign, so the amounts of one match add up to zero.
"""

from datetime import date
from decimal import Decimal

from sandbox import clock, seedcodes
from sandbox.exact import entities, store
from sandbox.exact.values import cents, money, new_guid, store_datetime
from sandbox.exact.writes import by_code, save

RECEIVABLES = "cashflow/Receivables"
LINES = "financialtransaction/TransactionLines"
ENTRIES = "salesentry/SalesEntries"
OPEN, MATCHED = 20, 50  # Receivables Status
RECEIPT = 20  # PaymentTerms LineType (22 = payment to a supplier)
BANK, EXCHANGE_DIFFERENCE, PAYMENT_DIFFERENCE = 40, 82, 83  # TransactionLines Type
WRITE_OFF_TYPES = {"payment": PAYMENT_DIFFERENCE, "exchange": EXCHANGE_DIFFERENCE}
# G/L accounts of the seed: receivables, bank, and where differences are written off.
AR_ACCOUNT, BANK_ACCOUNT = "1300", "1100"
WRITE_OFF_ACCOUNTS = {PAYMENT_DIFFERENCE: "8910", EXCHANGE_DIFFERENCE: "8920"}
# Endpoints served from the rows kept here (the engine maps bulk/sync names onto their storage).
ENDPOINTS = {
    "cashflow/Receivables", "bulk/Cashflow/Receivables", "sync/Cashflow/PaymentTerms",
    "read/financial/ReceivablesList",
    "financialtransaction/TransactionLines", "bulk/Financial/TransactionLines", "sync/Financial/TransactionLines",
}
RECEIVABLES_LIST = "read/financial/ReceivablesList"


# -- the rows ------------------------------------------------------------------------------------


def _entity(name: str):
    return entities.entity(name)


def row_save(name: str, row: dict) -> dict:
    row = {k: v for k, v in row.items() if k != "Timestamp"}
    row["Modified"] = store_datetime(clock.now())
    return save(division=row["Division"], entity=_entity(name), row=row, key=row["ID"])


def today() -> str:
    return store_datetime(clock.now().replace(hour=0, minute=0, second=0, microsecond=0))


def _gl(division: int, code: str) -> dict:
    return by_code(division=division, storage="financial/GLAccounts", code=code) or {"Code": code}


def account_row(division: int, account_id: str | None) -> dict:
    record = store.get_record(division=division, storage="crm/Accounts", key=str(account_id or ""))
    return record.data if record else {}


def line_add(division: int, *, entry_id: str, number: int, kind: int, amount: Decimal, gl_code: str,
          account: dict | None, date_: str, journal: str, your_ref: str | None, description: str,
          entry_number: int | None = None) -> dict:
    gl = _gl(division, gl_code)
    row = {
        "ID": new_guid(), "EntryID": entry_id, "LineNumber": number, "Type": kind, "Division": division,
        "AmountDC": float(amount), "AmountFC": float(amount), "Currency": seedcodes.CURRENCY, "Date": date_,
        "GLAccount": gl.get("ID"), "GLAccountCode": gl.get("Code"), "GLAccountDescription": gl.get("Description"),
        "JournalCode": journal, "YourRef": your_ref, "Description": description, "EntryNumber": entry_number,
        "Status": OPEN if kind in (20, 21) else MATCHED, "Created": store_datetime(clock.now()),
    }
    if account:
        row.update(Account=account.get("ID"), AccountCode=account.get("Code"), AccountName=account.get("Name"))
    return row_save(LINES, row)


def terms_ensure(*, division: int) -> int:
    """Give every booked sales entry its receivable and transaction lines (idempotent); returns how many."""
    # Keys only: this runs before every payment and every read of these endpoints (bench: N²).
    have = set(store.values(division=division, storage=RECEIVABLES, path="TransactionEntryID"))
    missing_keys = [key for key in store.values(division=division, storage=ENTRIES, path="EntryID") if key not in have]
    if not missing_keys:
        return 0
    missing = [entry for entry in store.rows(division=division, storage=ENTRIES) if entry["EntryID"] not in have]
    # The lines grouped once per entry: scanning all lines for each entry was quadratic (bench).
    lines_by_entry: dict[str, list[dict]] = {}
    for line in store.rows(division=division, storage="salesentry/SalesEntryLines"):
        lines_by_entry.setdefault(line.get("EntryID"), []).append(line)
    for entry in missing:
        _entry_booked(division, entry, lines_by_entry.get(entry["EntryID"], []))
    return len(missing)


def _entry_booked(division: int, entry: dict, lines: list[dict]) -> None:
    total, total_fc = cents(money(entry.get("AmountDC"))), cents(money(entry.get("AmountFC")))
    account = account_row(division, entry.get("Customer"))
    kind = entry.get("Type") or (21 if total < 0 else 20)
    ar_line = line_add(division, entry_id=entry["EntryID"], number=1, kind=kind, amount=total, gl_code=AR_ACCOUNT,
                    account=account, date_=entry.get("EntryDate"), journal=entry.get("Journal"),
                    your_ref=entry.get("YourRef"), description=entry.get("Description") or "",
                    entry_number=entry.get("EntryNumber"))
    for number, line in enumerate(lines, start=2):
        # Revenue lines: the other side of the receivable. ASSUMPTION (simplification): the sandbox
        # leaves the VAT lines of a sales entry out of its transaction lines.
        line_add(division, entry_id=entry["EntryID"], number=number, kind=kind,
              amount=-cents(money(line.get("AmountDC"))), gl_code=line.get("GLAccountCode") or "",
              account=None, date_=entry.get("EntryDate"), journal=entry.get("Journal"),
              your_ref=entry.get("YourRef"), description=line.get("Description") or "",
              entry_number=entry.get("EntryNumber"))
    row_save(RECEIVABLES, {
        "ID": new_guid(), "EntryID": new_guid(), "TransactionEntryID": entry["EntryID"],
        "TransactionID": ar_line["ID"], "Division": division, "LineType": RECEIPT,
        "Account": account.get("ID"), "AccountCode": account.get("Code"), "AccountName": account.get("Name"),
        "AmountDC": float(-total), "AmountFC": float(-total_fc),
        "TransactionAmountDC": float(total), "TransactionAmountFC": float(total_fc),
        "Currency": entry.get("Currency") or seedcodes.CURRENCY, "Description": entry.get("Description"),
        "DueDate": entry.get("DueDate"), "TransactionDueDate": entry.get("DueDate"),
        "EntryDate": entry.get("EntryDate"), "InvoiceDate": entry.get("EntryDate"),
        "EntryNumber": entry.get("EntryNumber"), "InvoiceNumber": entry.get("EntryNumber"),
        "Journal": entry.get("Journal"), "JournalDescription": entry.get("JournalDescription"),
        "PaymentCondition": entry.get("PaymentCondition"),
        "PaymentConditionDescription": entry.get("PaymentConditionDescription"),
        "PaymentMethod": entry.get("PaymentConditionPaymentMethod") or "B",
        "PaymentReference": entry.get("PaymentReference"), "YourRef": entry.get("YourRef"),
        "Status": OPEN, "IsFullyPaid": False, "TransactionType": kind, "TransactionStatus": 20,
        "TransactionIsReversal": False, "TransactionReportingYear": entry.get("ReportingYear"),
        "TransactionReportingPeriod": entry.get("ReportingPeriod"), "Source": 1,
        "GLAccountCode": AR_ACCOUNT, "Created": store_datetime(clock.now()), "_Invoice": True,
    })


# -- views and dump ------------------------------------------------------------------------------


def rows_for(*, entity_name: str, division: int) -> list[dict] | None:
    """Rows an endpoint derives rather than stores (None: serve the stored rows); terms made first."""
    if entity_name not in ENDPOINTS:
        return None
    terms_ensure(division=division)
    if entity_name in ("cashflow/Receivables", "bulk/Cashflow/Receivables"):
        # Payments to suppliers share the storage; only the sync endpoint returns both (§4.10).
        return [row for row in store.rows(division=division, storage=RECEIVABLES) if row.get("LineType") == RECEIPT]
    if entity_name != RECEIVABLES_LIST:
        return None
    # The outstanding items: one row per open receivable; Amount shows what is still open (§4.10).
    found = []
    for row in store.rows(division=division, storage=RECEIVABLES):
        if row.get("Status") == MATCHED:
            continue
        found.append({
            "HID": row["Timestamp"], "AccountId": row.get("Account"), "AccountCode": row.get("AccountCode"),
            "AccountName": row.get("AccountName"), "Amount": row.get("AmountDC"), "AmountInTransit": 0.0,
            "CurrencyCode": row.get("Currency"), "Description": row.get("Description"),
            "DueDate": row.get("DueDate"), "EntryNumber": row.get("EntryNumber"),
            "InvoiceDate": row.get("InvoiceDate"), "InvoiceNumber": row.get("InvoiceNumber"),
            "JournalCode": row.get("Journal"), "JournalDescription": row.get("JournalDescription"),
            "YourRef": row.get("YourRef") if row.get("_Invoice") else None,
        })
    return found


def payment_terms_dump(*, division: int = seedcodes.DIVISION) -> list[dict]:
    """The receivables for `sandbox_dump` (contracts.md: exact.payment_terms)."""
    terms_ensure(division=division)
    rows = sorted(store.rows(division=division, storage=RECEIVABLES), key=lambda row: row["Timestamp"])
    return [
        {
            "TransactionEntryID": row.get("TransactionEntryID"), "EntryID": row.get("EntryID"),
            "YourRef": row.get("YourRef"), "LineType": row.get("LineType"),
            "AmountDC": cents(money(row.get("AmountDC"))), "IsFullyPaid": bool(row.get("IsFullyPaid")),
            "Status": row.get("Status"),
        }
        for row in rows
    ]


def supplier_payment_add(*, amount: Decimal, division: int = seedcodes.DIVISION, on: date | None = None) -> dict:
    """A payment term to a supplier (LineType 22), which the sync returns alongside the receipts."""
    day = store_datetime(clock.now()) if on is None else on.isoformat() + "T00:00:00"
    return row_save(RECEIVABLES, {
        "ID": new_guid(), "EntryID": new_guid(), "TransactionEntryID": new_guid(), "Division": division,
        "LineType": 22, "AmountDC": float(amount), "AmountFC": float(amount), "TransactionAmountDC": float(-amount),
        "Status": OPEN, "IsFullyPaid": False, "TransactionType": 30, "EntryDate": day, "InvoiceDate": day,
        "Created": store_datetime(clock.now()),
    })
