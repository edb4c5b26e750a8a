"""Payments in the simulated Exact: receivables per booked sales entry, matching, write-offs, undo.

Every booked sales entry has a receivable (payment term, reference §4.10) in "cashflow/Receivables",
derived when payment data is first read, and its lines in "financialtransaction/TransactionLines".
The operations below are what a bookkeeper does in Exact's bank screen; each saves the receivables it
touches again, which gives them a new Timestamp (the division's row version, monotonic), so
`sync/Cashflow/PaymentTerms` reports them as changed.

ASSUMPTION (sign): a receivable's AmountDC is negative for an invoice and TransactionAmountDC positive
(observed by an integrator, reference §4.10); a receipt, a credit note and a write-off carry the other
sign, so the amounts of one match add up to zero.
"""

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from sandbox import clock, seedcodes
from sandbox.exact import entities, store
from sandbox.exact.values import cents, money, new_guid, store_datetime
from sandbox.exact.writes import by_code, save
from sandbox.models import ExactPaymentMatch

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


class PaymentError(ValueError):
    """The operation cannot be done (unknown invoice, nothing outstanding, bad amount)."""


@dataclass
class Outcome:
    matches: list[ExactPaymentMatch] = field(default_factory=list)
    paid: Decimal = Decimal("0.00")
    written_off: Decimal = Decimal("0.00")
    settled: Decimal = Decimal("0.00")
    undone: int = 0
    terms: set = field(default_factory=set)

    def summary(self) -> str:
        parts = []
        if self.paid:
            parts.append(f"paid {self.paid}")
        if self.written_off:
            parts.append(f"wrote off {self.written_off}")
        if self.settled:
            parts.append(f"settled {self.settled} against a credit note")
        if self.undone:
            parts.append(f"undid {self.undone} match(es)")
        return f"Exact sandbox: {', '.join(parts) or 'nothing done'}; {len(self.terms)} payment terms changed."


# -- the rows ------------------------------------------------------------------------------------


def _entity(name: str):
    return entities.entity(name)


def _save(name: str, row: dict) -> dict:
    row = {k: v for k, v in row.items() if k != "Timestamp"}
    row["Modified"] = store_datetime(clock.now())
    return save(division=row["Division"], entity=_entity(name), row=row, key=row["ID"])


def _today() -> str:
    return store_datetime(clock.now().replace(hour=0, minute=0, second=0, microsecond=0))


def _gl(division: int, code: str) -> dict:
    return by_code(division=division, storage="financial/GLAccounts", code=code) or {"Code": code}


def _account(division: int, account_id: str | None) -> dict:
    record = store.get_record(division=division, storage="crm/Accounts", key=str(account_id or ""))
    return record.data if record else {}


def _line(division: int, *, entry_id: str, number: int, kind: int, amount: Decimal, gl_code: str,
          account: dict | None, date_: str, journal: str, your_ref: str | None, description: str,
          entry_number: int | None = None) -> dict:
    gl = _gl(division, gl_code)
    row = {
        "ID": new_guid(), "EntryID": entry_id, "LineNumber": number, "Type": kind, "Division": division,
        "AmountDC": float(amount), "AmountFC": float(amount), "Currency": seedcodes.CURRENCY, "Date": date_,
        "GLAccount": gl.get("ID"), "GLAccountCode": gl.get("Code"), "GLAccountDescription": gl.get("Description"),
        "JournalCode": journal, "YourRef": your_ref, "Description": description, "EntryNumber": entry_number,
        "Status": MATCHED if kind != 20 else OPEN, "Created": store_datetime(clock.now()),
    }
    if account:
        row.update(Account=account.get("ID"), AccountCode=account.get("Code"), AccountName=account.get("Name"))
    return _save(LINES, row)


def terms_ensure(*, division: int) -> int:
    """Give every booked sales entry its receivable and transaction lines (idempotent); returns how many."""
    have = {row.get("TransactionEntryID") for row in store.rows(division=division, storage=RECEIVABLES)}
    made = 0
    for entry in store.rows(division=division, storage=ENTRIES):
        if entry["EntryID"] in have:
            continue
        _entry_booked(division, entry)
        made += 1
    return made


def _entry_booked(division: int, entry: dict) -> None:
    total, total_fc = cents(money(entry.get("AmountDC"))), cents(money(entry.get("AmountFC")))
    account = _account(division, entry.get("Customer"))
    kind = entry.get("Type") or (21 if total < 0 else 20)
    ar_line = _line(division, entry_id=entry["EntryID"], number=1, kind=kind, amount=total, gl_code=AR_ACCOUNT,
                    account=account, date_=entry.get("EntryDate"), journal=entry.get("Journal"),
                    your_ref=entry.get("YourRef"), description=entry.get("Description") or "",
                    entry_number=entry.get("EntryNumber"))
    for number, line in enumerate(
        store.rows(division=division, storage="salesentry/SalesEntryLines"), start=2
    ):
        if line.get("EntryID") != entry["EntryID"]:
            continue
        # Revenue lines: the other side of the receivable. ASSUMPTION (simplification): the sandbox
        # leaves the VAT lines of a sales entry out of its transaction lines.
        _line(division, entry_id=entry["EntryID"], number=number, kind=kind,
              amount=-cents(money(line.get("AmountDC"))), gl_code=line.get("GLAccountCode") or "",
              account=None, date_=entry.get("EntryDate"), journal=entry.get("Journal"),
              your_ref=entry.get("YourRef"), description=line.get("Description") or "",
              entry_number=entry.get("EntryNumber"))
    _save(RECEIVABLES, {
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


def _invoice_terms(division: int, number: str) -> tuple[dict, list[dict]]:
    """The sales entry booked for Coachview invoice `number` (its YourRef) and its receivables."""
    entries = [e for e in store.rows(division=division, storage=ENTRIES) if e.get("YourRef") == str(number)]
    if not entries:
        raise PaymentError(f"No sales entry with YourRef {number} in the Exact sandbox.")
    entry = entries[-1]
    terms = [
        row for row in store.rows(division=division, storage=RECEIVABLES)
        if row.get("TransactionEntryID") == entry["EntryID"] and row.get("_Invoice")
    ]
    return entry, terms


def _open(terms: list[dict]) -> list[dict]:
    return [t for t in terms if t.get("Status") != MATCHED]


def _settle(row: dict, *, match: ExactPaymentMatch, day: str) -> dict:
    # ASSUMPTION: a matched receivable's LastPaymentDate and EndDate are the day it was matched.
    row.update(Status=MATCHED, IsFullyPaid=True, LastPaymentDate=day, EndDate=day, _Match=match.pk)
    return _save(RECEIVABLES, row)


def _take(terms: list[dict], amount: Decimal, *, match: ExactPaymentMatch, day: str, outcome: Outcome) -> Decimal:
    """Match `amount` (positive) of these open terms, splitting the last one; returns what was matched."""
    left = amount
    for term in terms:
        if left <= 0:
            break
        size = abs(cents(money(term["AmountDC"])))
        sign = -1 if money(term["AmountDC"]) < 0 else 1
        if size <= left:
            outcome.terms.add(_settle(term, match=match, day=day)["ID"])
            left -= size
            continue
        # A receivable split: the paid part is matched, the rest stays open under a new EntryID (§4.10).
        part = {**term, "ID": new_guid(), "EntryID": new_guid(), "AmountDC": float(sign * left),
                "AmountFC": float(sign * left), "Created": store_datetime(clock.now())}
        outcome.terms.add(_settle(part, match=match, day=day)["ID"])
        term.update(AmountDC=float(sign * (size - left)), AmountFC=float(sign * (size - left)))
        outcome.terms.add(_save(RECEIVABLES, term)["ID"])
        left = Decimal(0)
    return amount - left


def _match(division: int, kind: str, numbers: list[str]) -> ExactPaymentMatch:
    return ExactPaymentMatch.objects.using("sandbox").create(
        division=division, kind=kind, numbers=[str(n) for n in numbers], created_at=clock.now()
    )


def _counter_term(division: int, *, entry_id: str, line: dict, entry: dict, amount: Decimal, kind: int,
                  your_ref: str | None, match: ExactPaymentMatch, day: str) -> dict:
    """The receivable of a bank or write-off line on the customer's account (other sign than the invoice)."""
    row = {
        "ID": new_guid(), "EntryID": new_guid(), "TransactionEntryID": entry_id, "TransactionID": line["ID"],
        "Division": division, "LineType": RECEIPT, "Account": line.get("Account"),
        "AccountCode": line.get("AccountCode"), "AccountName": line.get("AccountName"),
        "AmountDC": float(amount), "AmountFC": float(amount), "TransactionAmountDC": float(-amount),
        "TransactionAmountFC": float(-amount), "Currency": seedcodes.CURRENCY, "EntryDate": day,
        "InvoiceDate": day, "Journal": line.get("JournalCode"), "YourRef": your_ref, "TransactionType": kind,
        "TransactionStatus": 20, "TransactionIsReversal": False, "Source": 3, "GLAccountCode": AR_ACCOUNT,
        "Description": line.get("Description"), "Created": store_datetime(clock.now()),
        "InvoiceNumber": entry.get("EntryNumber") if your_ref else None,
    }
    return _settle(row, match=match, day=day)


# -- the operations ------------------------------------------------------------------------------


def payment_register(*, numbers: list[str], amount: Decimal | None = None, write_off: str | None = None,
                     division: int = seedcodes.DIVISION) -> Outcome:
    """One bank payment matched against these invoices (several = collective), optionally writing off the rest."""
    if amount is not None and len(numbers) != 1:
        raise PaymentError("--amount pays one invoice partly; give exactly one invoice number.")
    if write_off is not None and write_off not in WRITE_OFF_TYPES:
        raise PaymentError("--write-off is 'payment' or 'exchange'.")
    terms_ensure(division=division)
    found = [(str(n), *_invoice_terms(division, n)) for n in numbers]
    for number, _entry, terms in found:
        if not _open(terms):
            raise PaymentError(f"Invoice {number} has nothing outstanding in the Exact sandbox.")
    outcome, day = Outcome(), _today()
    if amount is not None or write_off is None:
        outcome.paid = _bank_payment(division, found, amount, day, outcome)
    if write_off is not None:
        for number, entry, _terms in found:
            _entry_again, terms = _invoice_terms(division, number)
            outcome.written_off += _write_off(division, number, entry, _open(terms), write_off, day, outcome)
    return outcome


def _bank_payment(division: int, found: list, amount: Decimal | None, day: str, outcome: Outcome) -> Decimal:
    match = _match(division, ExactPaymentMatch.Kind.PAYMENT, [n for n, _e, _t in found])
    bank_id, total = new_guid(), Decimal(0)
    for number, _entry, terms in found:
        opened = _open(terms)
        outstanding = abs(sum((cents(money(t["AmountDC"])) for t in opened), Decimal(0)))
        wanted = outstanding if amount is None else cents(Decimal(amount))
        if wanted <= 0 or wanted > outstanding:
            raise PaymentError(f"Invoice {number}: the amount must be above 0 and at most {outstanding}.")
        sign = Decimal(-1) if money(opened[0]["AmountDC"]) < 0 else Decimal(1)
        taken = _take(opened, wanted, match=match, day=day, outcome=outcome)
        total += -sign * taken  # what the customer paid (negative for a refunded credit note)
    first = found[0][1]
    account = _account(division, first.get("Customer"))
    single_ref = found[0][0] if len(found) == 1 else None  # Exact fills YourRef for a line matched with one invoice
    description = f"Betaling {', '.join(n for n, _e, _t in found)}"
    _line(division, entry_id=bank_id, number=1, kind=BANK, amount=total, gl_code=BANK_ACCOUNT, account=None,
          date_=day, journal=seedcodes.BANK_JOURNAL, your_ref=single_ref, description=description)
    ar = _line(division, entry_id=bank_id, number=2, kind=BANK, amount=-total, gl_code=AR_ACCOUNT,
               account=account, date_=day, journal=seedcodes.BANK_JOURNAL, your_ref=single_ref,
               description=description)
    term = _counter_term(division, entry_id=bank_id, line=ar, entry=first, amount=total, kind=BANK,
                         your_ref=single_ref, match=match, day=day)
    outcome.terms.add(term["ID"])
    match.term_keys = sorted(outcome.terms)
    match.entry_ids, match.amount = [bank_id], total
    match.save(using="sandbox")
    outcome.matches.append(match)
    return total


def _write_off(division: int, number: str, entry: dict, opened: list[dict], kind_name: str, day: str,
               outcome: Outcome) -> Decimal:
    if not opened:
        return Decimal(0)
    kind = WRITE_OFF_TYPES[kind_name]
    match = _match(division, ExactPaymentMatch.Kind.WRITE_OFF, [number])
    rest = sum((cents(money(t["AmountDC"])) for t in opened), Decimal(0))  # invoice sign
    before = set(outcome.terms)
    _take(opened, abs(rest), match=match, day=day, outcome=outcome)
    entry_id = new_guid()
    account = _account(division, entry.get("Customer"))
    words = {PAYMENT_DIFFERENCE: "Betalingsverschil", EXCHANGE_DIFFERENCE: "Koersverschil"}[kind]
    description = f"{words} {number}"
    _line(division, entry_id=entry_id, number=1, kind=kind, amount=-rest, gl_code=WRITE_OFF_ACCOUNTS[kind],
          account=None, date_=day, journal="90", your_ref=number, description=description)
    ar = _line(division, entry_id=entry_id, number=2, kind=kind, amount=rest, gl_code=AR_ACCOUNT, account=account,
               date_=day, journal="90", your_ref=number, description=description)
    term = _counter_term(division, entry_id=entry_id, line=ar, entry=entry, amount=-rest, kind=kind,
                         your_ref=number, match=match, day=day)
    outcome.terms.add(term["ID"])
    match.term_keys = sorted(outcome.terms - before)
    match.entry_ids, match.amount = [entry_id], abs(rest)
    match.save(using="sandbox")
    outcome.matches.append(match)
    return abs(rest)


def credit_settle(*, credit: str, against: str, division: int = seedcodes.DIVISION) -> Outcome:
    """Match a credit note with an invoice (either number may be the credit note) for what both have open."""
    terms_ensure(division=division)
    _entry_a, terms_a = _invoice_terms(division, credit)
    _entry_b, terms_b = _invoice_terms(division, against)
    open_a, open_b = _open(terms_a), _open(terms_b)
    sum_a = sum((cents(money(t["AmountDC"])) for t in open_a), Decimal(0))
    sum_b = sum((cents(money(t["AmountDC"])) for t in open_b), Decimal(0))
    if not open_a or not open_b or (sum_a < 0) == (sum_b < 0):
        raise PaymentError(f"{credit} and {against} must be an open credit note and an open invoice.")
    outcome, day = Outcome(), _today()
    match = _match(division, ExactPaymentMatch.Kind.CREDIT, [credit, against])
    size = min(abs(sum_a), abs(sum_b))
    _take(open_a, size, match=match, day=day, outcome=outcome)
    _take(open_b, size, match=match, day=day, outcome=outcome)
    match.term_keys, match.amount = sorted(outcome.terms), size
    match.save(using="sandbox")
    outcome.matches.append(match)
    outcome.settled = size
    return outcome


def match_undo(*, numbers: list[str], division: int = seedcodes.DIVISION) -> Outcome:
    """Undo every match that holds a receivable of these invoices: all its receivables are open again."""
    terms_ensure(division=division)
    outcome = Outcome()
    keys = set()
    for number in numbers:
        _entry, terms = _invoice_terms(division, number)
        keys |= {t["ID"] for t in terms}
    matches = [
        m for m in ExactPaymentMatch.objects.using("sandbox").filter(division=division, undone_at__isnull=True)
        if keys & set(m.term_keys)
    ]
    if not matches:
        raise PaymentError(f"No match to undo for {', '.join(numbers)}.")
    for match in matches:
        for key in match.term_keys:
            record = store.get_record(division=division, storage=RECEIVABLES, key=key)
            if record is None:
                continue
            row = dict(record.data)
            # ASSUMPTION: undoing a match leaves split receivables split (each part open again); the
            # bank receipt and any write-off become open items of the customer.
            row.update(Status=OPEN, IsFullyPaid=False, LastPaymentDate=None, EndDate=None, _Match=None)
            outcome.terms.add(_save(RECEIVABLES, row)["ID"])
        match.undone_at = clock.now()
        match.save(using="sandbox", update_fields=["undone_at"])
        outcome.undone += 1
    return outcome


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
    return _save(RECEIVABLES, {
        "ID": new_guid(), "EntryID": new_guid(), "TransactionEntryID": new_guid(), "Division": division,
        "LineType": 22, "AmountDC": float(amount), "AmountFC": float(amount), "TransactionAmountDC": float(-amount),
        "Status": OPEN, "IsFullyPaid": False, "TransactionType": 30, "EntryDate": day, "InvoiceDate": day,
        "Created": store_datetime(clock.now()),
    })
