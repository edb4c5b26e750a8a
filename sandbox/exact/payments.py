"""Payments in the simulated Exact: bank payments, write-offs, credit notes settled, and undoing matches.

What a bookkeeper does in Exact's bank screen, on the receivables of `sandbox/exact/receivables.py`.
Each operation saves the receivables it touches again, which gives them a new Timestamp (the division's
row version, monotonic), so `sync/Cashflow/PaymentTerms` reports them as changed.
"""

from dataclasses import dataclass, field
from decimal import Decimal

from django.conf import settings

from sandbox import clock, seedcodes
from sandbox.exact import store
from sandbox.exact.receivables import (
    AR_ACCOUNT,
    BANK,
    BANK_ACCOUNT,
    ENTRIES,
    EXCHANGE_DIFFERENCE,
    MATCHED,
    OPEN,
    PAYMENT_DIFFERENCE,
    RECEIPT,
    RECEIVABLES,
    WRITE_OFF_ACCOUNTS,
    WRITE_OFF_TYPES,
    account_row,
    line_add,
    row_save,
    terms_ensure,
    today,
)
from sandbox.exact.values import cents, money, new_guid, store_datetime
from sandbox.models import ExactPaymentMatch


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


def _invoice_terms(division: int, number: str) -> tuple[dict, list[dict]]:
    """The sales entry booked for Coachview invoice `number` (its YourRef) and its receivables."""
    # Narrowed in the database: scanning every entry and receivable per payment was N² (bench).
    entries = store.rows(division=division, storage=ENTRIES, where={"data__YourRef": str(number)})
    if not entries:
        raise PaymentError(f"No sales entry with YourRef {number} in the Exact sandbox.")
    entry = entries[-1]
    terms = [
        row for row in store.rows(
            division=division, storage=RECEIVABLES, where={"data__TransactionEntryID": entry["EntryID"]}
        )
        if row.get("_Invoice")
    ]
    return entry, terms


def _open(terms: list[dict]) -> list[dict]:
    return [t for t in terms if t.get("Status") != MATCHED]


def _settle(row: dict, *, match: ExactPaymentMatch, day: str) -> dict:
    # ASSUMPTION: a matched receivable's LastPaymentDate and EndDate are the day it was matched.
    row.update(Status=MATCHED, IsFullyPaid=True, LastPaymentDate=day, EndDate=day, _Match=match.pk)
    return row_save(RECEIVABLES, row)


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
        if settings.SANDBOX_EXACT_PARTIAL_IN_PLACE:
            # Exact may also reduce a partly paid receivable in place: one open term, its
            # amount the rest; what this match took is kept so that undoing it adds it back.
            reduced = {**(term.get("_Reduced") or {}), str(match.pk): float(left)}
            term.update(AmountDC=float(sign * (size - left)), AmountFC=float(sign * (size - left)),
                        LastPaymentDate=day, _Reduced=reduced)
            outcome.terms.add(row_save(RECEIVABLES, term)["ID"])
            left = Decimal(0)
            continue
        # A receivable split: the paid part is matched, the rest stays open under a new EntryID (§4.10).
        part = {**term, "ID": new_guid(), "EntryID": new_guid(), "AmountDC": float(sign * left),
                "AmountFC": float(sign * left), "Created": store_datetime(clock.now())}
        outcome.terms.add(_settle(part, match=match, day=day)["ID"])
        term.update(AmountDC=float(sign * (size - left)), AmountFC=float(sign * (size - left)))
        outcome.terms.add(row_save(RECEIVABLES, term)["ID"])
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
    outcome, day = Outcome(), today()
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
    account = account_row(division, first.get("Customer"))
    single_ref = found[0][0] if len(found) == 1 else None  # Exact fills YourRef for a line matched with one invoice
    description = f"Betaling {', '.join(n for n, _e, _t in found)}"
    line_add(division, entry_id=bank_id, number=1, kind=BANK, amount=total, gl_code=BANK_ACCOUNT, account=None,
          date_=day, journal=seedcodes.BANK_JOURNAL, your_ref=single_ref, description=description)
    ar = line_add(division, entry_id=bank_id, number=2, kind=BANK, amount=-total, gl_code=AR_ACCOUNT,
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
    account = account_row(division, entry.get("Customer"))
    words = {PAYMENT_DIFFERENCE: "Betalingsverschil", EXCHANGE_DIFFERENCE: "Koersverschil"}[kind]
    description = f"{words} {number}"
    line_add(division, entry_id=entry_id, number=1, kind=kind, amount=-rest, gl_code=WRITE_OFF_ACCOUNTS[kind],
          account=None, date_=day, journal="90", your_ref=number, description=description)
    ar = line_add(division, entry_id=entry_id, number=2, kind=kind, amount=rest, gl_code=AR_ACCOUNT, account=account,
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
    outcome, day = Outcome(), today()
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
            reduced = dict(row.get("_Reduced") or {})
            back = reduced.pop(str(match.pk), None)
            if back is not None:  # reduced in place by this match: the amount comes back
                sign = -1 if money(row["AmountDC"]) < 0 else 1
                amount = abs(money(row["AmountDC"])) + money(back)
                row.update(AmountDC=float(sign * amount), AmountFC=float(sign * amount), _Reduced=reduced)
            # ASSUMPTION: undoing a match leaves split receivables split (each part open again); the
            # bank receipt and any write-off become open items of the customer.
            row.update(Status=OPEN, IsFullyPaid=False, LastPaymentDate=None, EndDate=None, _Match=None)
            outcome.terms.add(row_save(RECEIVABLES, row)["ID"])
        match.undone_at = clock.now()
        match.save(using="sandbox", update_fields=["undone_at"])
        outcome.undone += 1
    return outcome
