"""The payment rule as pure functions: from an entry's payment terms to open, partly paid or paid.

An invoice is paid when its receivable is matched and nothing is outstanding, also when the rest was
written off as payment difference (transaction type 83) or exchange-rate difference (82); partly paid
when some but not all is settled (split or reduced in place: read from the amounts); open otherwise,
also after a match was undone. Credit invoices settle the same way (their amounts carry the other
sign). Reference §4.10.
"""

from dataclasses import dataclass, field
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

CENT = Decimal("0.01")
MATCHED = 50  # Receivables Status: "50 = matched"
RECEIPT = 20  # PaymentTerms LineType: "in case of receipt the value is 20"
EXCHANGE_DIFFERENCE = 82
PAYMENT_DIFFERENCE = 83
WRITE_OFF_KINDS = {PAYMENT_DIFFERENCE: "payment", EXCHANGE_DIFFERENCE: "exchange"}
WRITE_OFF_WORDS = {"payment": "betalingsverschil", "exchange": "koersverschil"}


@dataclass(frozen=True)
class Term:
    """One payment term (receivable) as Exact shows it; `amount` is AmountDC with Exact's sign."""

    term_id: str
    amount: Decimal
    matched: bool
    transaction_type: int | None = None
    end_date: date | None = None
    last_payment_date: date | None = None


@dataclass(frozen=True)
class PaymentState:
    status: str  # "open" | "partial" | "paid" (PaymentStatus values)
    outstanding: Decimal
    paid_date: date | None = None
    written_off: Decimal = Decimal("0.00")
    write_off_kind: str = ""  # "payment" | "exchange" | ""
    terms: tuple = field(default=(), compare=False)


def cents(value: Decimal) -> Decimal:
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


def is_matched(*, status: int | None, is_fully_paid: bool) -> bool:
    """A term is settled when Exact matched it (Status 50) or marks it fully paid."""
    return status == MATCHED or bool(is_fully_paid)


def payment_state(*, terms: list[Term], write_offs: list[Term] = (), total: Decimal | None = None) -> PaymentState | None:
    """The payment status of one entry from all its receipt terms (None: Exact showed nothing yet).

    `write_offs` are the terms of write-off entries (types 82/83) that name this invoice; only matched ones
    count. `total` is the entry's amount (TransactionAmountDC); without it the terms' sum is used.
    """
    if not terms:
        return None
    outstanding = cents(abs(sum((t.amount for t in terms if not t.matched), Decimal(0))))
    whole = cents(abs(total if total is not None else sum(t.amount for t in terms)))  # terms is not empty here
    settled = [t for t in terms if t.matched]
    counted = [t for t in write_offs if t.matched and t.transaction_type in WRITE_OFF_KINDS]
    written_off = cents(abs(sum((t.amount for t in counted), Decimal(0))))
    kind = ""
    if counted:
        biggest = max(counted, key=lambda t: abs(t.amount))
        kind = WRITE_OFF_KINDS[biggest.transaction_type]
    if outstanding == 0 and settled:
        # ASSUMPTION: the paid date is the settled terms' LastPaymentDate (else EndDate, "since when the
        # receivable is no longer an outstanding item"), the latest of them.
        dates = [d for t in settled for d in (t.last_payment_date or t.end_date,) if d]
        return PaymentState(
            status="paid", outstanding=Decimal("0.00"), paid_date=max(dates) if dates else None,
            written_off=written_off, write_off_kind=kind, terms=tuple(terms),
        )
    # Partly paid is read from the amounts: Exact may split the receivable (a matched part and an open
    # rest) or reduce it in place (one open term smaller than the entry), reference §4.10.
    if outstanding == 0 or outstanding >= whole:
        return PaymentState(status="open", outstanding=outstanding, terms=tuple(terms))
    return PaymentState(status="partial", outstanding=outstanding, terms=tuple(terms))


def euro(amount: Decimal) -> str:
    """Dutch money notation: € 1.250,00."""
    text = f"{cents(amount):,.2f}"
    return "€ " + text.replace(",", "_").replace(".", ",").replace("_", ".")


def payment_description(state: PaymentState) -> str:
    """The short betaaldOmschrijving Coachview shows (Dutch, as finance reads it)."""
    if state.status == "paid":
        if state.written_off and state.write_off_kind:
            return f"Verschil {euro(state.written_off)} afgeboekt als {WRITE_OFF_WORDS[state.write_off_kind]}"
        return f"Betaald op {state.paid_date:%d-%m-%Y}" if state.paid_date else "Betaald"
    if state.status == "partial":
        return f"Deels betaald: {euro(state.outstanding)} openstaand"
    return "Openstaand"
