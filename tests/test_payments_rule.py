"""The payment rule as pure functions: open, partly paid, paid; write-offs; credit invoices."""

from datetime import date
from decimal import Decimal as D

import pytest

from sync.services.payment_rule import (
    EXCHANGE_DIFFERENCE,
    PAYMENT_DIFFERENCE,
    PaymentState,
    Term,
    cents,
    euro,
    is_matched,
    payment_description,
    payment_state,
)


def term(amount, matched=False, kind=20, paid=None, term_id="t"):
    return Term(term_id=term_id, amount=D(amount), matched=matched, transaction_type=kind, last_payment_date=paid)


def test_nothing_is_known_before_exact_showed_a_term():
    assert payment_state(terms=[], total=D("121.00")) is None


def test_an_unmatched_receivable_is_open_for_its_whole_amount():
    state = payment_state(terms=[term("-121.00")], total=D("121.00"))
    assert (state.status, state.outstanding) == ("open", D("121.00"))


def test_a_matched_receivable_with_nothing_outstanding_is_paid_on_the_payment_date():
    state = payment_state(terms=[term("-121.00", matched=True, paid=date(2024, 3, 12))], total=D("121.00"))
    assert (state.status, state.outstanding, state.paid_date) == ("paid", D("0.00"), date(2024, 3, 12))
    assert payment_description(state) == "Betaald op 12-03-2024"


def test_a_split_receivable_with_one_part_matched_is_partly_paid_with_the_rest_outstanding():
    terms = [term("-250.00", matched=True, paid=date(2024, 3, 1)), term("-750.00")]
    state = payment_state(terms=terms, total=D("1000.00"))
    assert (state.status, state.outstanding) == ("partial", D("750.00"))
    assert payment_description(state) == "Deels betaald: € 750,00 openstaand"


def test_an_undone_match_makes_a_paid_invoice_open_again():
    terms = [term("-250.00"), term("-750.00")]  # both parts back to open after the undo
    state = payment_state(terms=terms, total=D("1000.00"))
    assert (state.status, state.outstanding) == ("open", D("1000.00"))
    assert payment_description(state) == "Openstaand"


def test_a_difference_written_off_as_payment_difference_counts_as_paid():
    terms = [term("-120.98", matched=True, paid=date(2024, 3, 12)), term("-0.02", matched=True)]
    write_offs = [term("0.02", matched=True, kind=PAYMENT_DIFFERENCE)]
    state = payment_state(terms=terms, write_offs=write_offs, total=D("121.00"))
    assert (state.status, state.written_off, state.write_off_kind) == ("paid", D("0.02"), "payment")
    assert payment_description(state) == "Verschil € 0,02 afgeboekt als betalingsverschil"


def test_a_difference_written_off_as_exchange_rate_difference_is_described_as_koersverschil():
    terms = [term("-100.00", matched=True, paid=date(2024, 3, 12))]
    write_offs = [term("1.37", matched=True, kind=EXCHANGE_DIFFERENCE)]
    state = payment_state(terms=terms, write_offs=write_offs, total=D("100.00"))
    assert payment_description(state) == "Verschil € 1,37 afgeboekt als koersverschil"


def test_a_write_off_whose_match_was_undone_does_not_count():
    terms = [term("-121.00")]
    write_offs = [term("0.02", matched=False, kind=PAYMENT_DIFFERENCE)]
    state = payment_state(terms=terms, write_offs=write_offs, total=D("121.00"))
    assert (state.status, state.written_off) == ("open", D("0.00"))


def test_a_credit_invoice_settled_against_an_invoice_is_paid_like_an_invoice():
    state = payment_state(terms=[term("50.00", matched=True, kind=21, paid=date(2024, 4, 2))], total=D("-50.00"))
    assert (state.status, state.paid_date) == ("paid", date(2024, 4, 2))


def test_a_partly_settled_credit_invoice_shows_the_amount_still_open():
    terms = [term("20.00", matched=True, kind=21), term("30.00", kind=21)]
    state = payment_state(terms=terms, total=D("-50.00"))
    assert (state.status, state.outstanding) == ("partial", D("30.00"))


def test_a_term_counts_as_settled_when_matched_or_marked_fully_paid():
    assert is_matched(status=50, is_fully_paid=False)
    assert is_matched(status=20, is_fully_paid=True)
    assert not is_matched(status=20, is_fully_paid=False)
    assert not is_matched(status=None, is_fully_paid=False)


def test_money_is_written_the_dutch_way():
    assert euro(D("1250")) == "€ 1.250,00"
    assert euro(D("0.015")) == "€ 0,02"


def test_a_paid_state_without_a_known_date_still_says_paid():
    assert payment_description(PaymentState(status="paid", outstanding=D("0"))) == "Betaald"


@pytest.mark.parametrize("terms", [
    [term("-250.00", matched=True, paid=date(2024, 3, 1)), term("-750.00")],  # split: a matched part and the rest
    [term("-750.00")],  # reduced in place: one open term smaller than the entry
])
def test_partly_paid_is_read_from_the_amounts_whether_the_receivable_was_split_or_reduced_in_place(terms):
    state = payment_state(terms=terms, total=D("1000.00"))
    assert (state.status, state.outstanding) == ("partial", D("750.00"))


def test_a_receivable_paid_in_parts_is_paid_on_the_date_of_the_last_payment():
    terms = [
        term("-250.00", matched=True, paid=date(2024, 3, 1), term_id="a"),
        term("-750.00", matched=True, paid=date(2024, 4, 15), term_id="b"),
        term("-0.00", matched=True, paid=date(2024, 2, 1), term_id="c"),
    ]
    state = payment_state(terms=terms, total=D("1000.00"))
    assert (state.status, state.paid_date) == ("paid", date(2024, 4, 15))
    assert payment_description(state) == "Betaald op 15-04-2024"


def test_without_a_payment_date_the_paid_date_is_the_day_the_receivable_stopped_being_outstanding():
    settled = Term(term_id="t", amount=D("-121.00"), matched=True, end_date=date(2024, 5, 6))
    assert payment_state(terms=[settled], total=D("121.00")).paid_date == date(2024, 5, 6)
    both = Term(term_id="t", amount=D("-121.00"), matched=True, end_date=date(2024, 5, 6),
                last_payment_date=date(2024, 5, 2))
    assert payment_state(terms=[both], total=D("121.00")).paid_date == date(2024, 5, 2)
    undated = Term(term_id="t", amount=D("-121.00"), matched=True)
    state = payment_state(terms=[undated], total=D("121.00"))
    assert (state.status, state.paid_date) == ("paid", None)


def test_one_cent_still_owed_is_partly_paid_not_paid():
    terms = [term("-120.99", matched=True, paid=date(2024, 3, 12)), term("-0.01")]
    state = payment_state(terms=terms, total=D("121.00"))
    assert (state.status, state.outstanding, state.paid_date) == ("partial", D("0.01"), None)
    assert payment_description(state) == "Deels betaald: € 0,01 openstaand"


def test_a_write_off_whose_match_was_undone_does_not_count_on_a_paid_invoice_either():
    terms = [term("-121.00", matched=True, paid=date(2024, 3, 12))]
    write_offs = [term("0.02", matched=True, kind=PAYMENT_DIFFERENCE), term("0.05", kind=EXCHANGE_DIFFERENCE)]
    state = payment_state(terms=terms, write_offs=write_offs, total=D("121.00"))
    assert (state.status, state.written_off, state.write_off_kind) == ("paid", D("0.02"), "payment")
    undone = payment_state(terms=terms, write_offs=[term("0.05", kind=EXCHANGE_DIFFERENCE)], total=D("121.00"))
    assert (undone.written_off, undone.write_off_kind) == (D("0.00"), "")
    assert payment_description(undone) == "Betaald op 12-03-2024"


def test_only_payment_and_exchange_rate_differences_count_as_written_off():
    terms = [term("-121.00", matched=True, paid=date(2024, 3, 12))]
    state = payment_state(terms=terms, write_offs=[term("0.02", matched=True, kind=20)], total=D("121.00"))
    assert (state.written_off, state.write_off_kind) == (D("0.00"), "")


def test_the_write_off_kind_is_that_of_the_largest_write_off_whatever_its_sign():
    terms = [term("-121.00", matched=True, paid=date(2024, 3, 12))]
    write_offs = [term("0.02", matched=True, kind=PAYMENT_DIFFERENCE), term("-1.37", matched=True, kind=EXCHANGE_DIFFERENCE)]
    state = payment_state(terms=terms, write_offs=write_offs, total=D("121.00"))
    assert (state.written_off, state.write_off_kind) == (D("1.35"), "exchange")
    assert payment_description(state) == "Verschil € 1,35 afgeboekt als koersverschil"
    write_offs = [term("-0.02", matched=True, kind=EXCHANGE_DIFFERENCE), term("-1.37", matched=True, kind=PAYMENT_DIFFERENCE)]
    state = payment_state(terms=terms, write_offs=write_offs, total=D("121.00"))
    assert (state.written_off, state.write_off_kind) == (D("1.39"), "payment")


def test_a_written_off_amount_of_an_unknown_kind_is_described_as_paid():
    state = PaymentState(status="paid", outstanding=D("0.00"), paid_date=date(2024, 3, 12), written_off=D("0.02"))
    assert payment_description(state) == "Betaald op 12-03-2024"


def test_without_the_entry_total_the_whole_amount_is_the_sum_of_its_terms():
    assert payment_state(terms=[term("-750.00")]).status == "open"
    assert payment_state(terms=[term("50.00", kind=21)]).status == "open"  # a credit invoice, other sign
    split = payment_state(terms=[term("20.00", matched=True, kind=21), term("30.00", kind=21)])
    assert (split.status, split.outstanding) == ("partial", D("30.00"))


def test_nothing_outstanding_and_nothing_settled_is_open_not_partly_paid():
    state = payment_state(terms=[term("0.00")], total=D("121.00"))
    assert (state.status, state.outstanding) == ("open", D("0.00"))


@pytest.mark.parametrize("terms, status", [
    ([term("-121.00", matched=True, paid=date(2024, 3, 12))], "paid"),
    ([term("-21.00", matched=True, term_id="a"), term("-100.00", term_id="b")], "partial"),
    ([term("-121.00")], "open"),
])
def test_the_state_keeps_the_terms_exact_showed_as_evidence(terms, status):
    state = payment_state(terms=terms, total=D("121.00"))
    assert (state.status, state.terms) == (status, tuple(terms))


def test_amounts_are_rounded_half_up_to_cents():
    assert cents(D("0.125")) == D("0.13")
    assert cents(D("-0.125")) == D("-0.13")
    assert cents(D("2.5049")) == D("2.50")
    assert euro(D("0.125")) == "€ 0,13"
