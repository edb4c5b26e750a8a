from decimal import Decimal as D

from sync.services.vat import LineVat, exact_line_vat, vat_plan


def test_exact_rounds_each_line_half_up_to_cents():
    assert exact_line_vat(amount=D("10.05"), rate=D("0.21")) == D("2.11")  # 2.1105
    assert exact_line_vat(amount=D("0.50"), rate=D("0.09")) == D("0.05")  # 0.045 -> half up
    assert exact_line_vat(amount=D("-0.50"), rate=D("0.09")) == D("-0.05")  # away from zero on credits


def test_it_sends_nothing_extra_when_exact_computes_coachviews_vat():
    plan = vat_plan(lines=[(D("1250.00"), D("0.21"), D("262.50"))], total_vat=D("262.50"))
    assert not plan.held
    assert [line.corrected for line in plan.lines] == [False]
    assert plan.total_vat == plan.exact_total == D("262.50")


def test_it_spreads_a_total_computed_on_the_invoice_over_the_lines():
    # Coachview computed 21 % over the total (3 × 0.10 → 0.063 → 0.06); Exact per line gives 3 × 0.02.
    lines = [(D("0.10"), D("0.21"), D("0.02"))] * 3
    plan = vat_plan(lines=lines, total_vat=D("0.06"))
    assert not plan.held
    assert sum(line.booked for line in plan.lines) == D("0.06")
    assert sum(1 for line in plan.lines) == 3 and plan.exact_total == D("0.06")

    lines = [(D("0.15"), D("0.21"), D("0.03"))] * 3  # 0.0315 each → 0.03; on the total 0.0945 → 0.09
    plan = vat_plan(lines=lines, total_vat=D("0.10"))
    assert not plan.held
    assert sum(line.booked for line in plan.lines) == D("0.10")
    assert [line.corrected for line in plan.lines].count(True) == 1
    assert all(abs(line.booked - line.exact) <= D("0.01") for line in plan.lines)


def test_it_uses_coachviews_line_vat_when_it_is_a_cent_off():
    plan = vat_plan(lines=[(D("10.05"), D("0.21"), D("2.10")), (D("100"), D("0.09"), D("9.00"))], total_vat=D("11.10"))
    assert not plan.held
    assert [line.booked for line in plan.lines] == [D("2.10"), D("9.00")]
    assert [line.corrected for line in plan.lines] == [True, False]


def test_it_holds_when_a_line_differs_by_more_than_a_cent():
    plan = vat_plan(lines=[(D("100.00"), D("0.21"), D("21.02"))], total_vat=D("21.02"))
    assert plan.held
    assert "21.02" in plan.detail and "21.00" in plan.detail


def test_it_holds_when_the_total_cannot_be_reached_within_a_cent_per_line():
    plan = vat_plan(lines=[(D("100.00"), D("0.21"), D("21.00")), (D("50.00"), D("0.09"), D("4.50"))], total_vat=D("25.53"))
    assert plan.held


def test_it_never_puts_vat_on_a_zero_rate_line():
    plan = vat_plan(lines=[(D("100.00"), D("0"), D("0.00")), (D("10.00"), D("0.21"), D("2.10"))], total_vat=D("2.11"))
    assert not plan.held
    assert plan.lines[0].booked == D("0.00")
    assert plan.lines[1].booked == D("2.11")
    plan = vat_plan(lines=[(D("100.00"), D("0"), D("0.01"))], total_vat=D("0.01"))
    assert plan.held


def test_credit_invoices_spread_negative_cents():
    lines = [(D("-0.15"), D("0.21"), D("-0.03"))] * 3
    plan = vat_plan(lines=lines, total_vat=D("-0.10"))
    assert not plan.held
    assert sum(line.booked for line in plan.lines) == D("-0.10")


def test_lines_off_in_both_directions_are_rebuilt_from_exacts_computation():
    lines = [(D("100.00"), D("0.21"), D("21.02")), (D("100.00"), D("0.21"), D("20.98"))]
    plan = vat_plan(lines=lines, total_vat=D("42.00"))
    assert not plan.held
    assert [line.booked for line in plan.lines] == [D("21.00"), D("21.00")]
    assert not any(line.corrected for line in plan.lines)


def test_every_line_with_vat_is_sent_with_its_amount_and_zero_rate_lines_never():
    plan = vat_plan(lines=[(D("1250.00"), D("0.21"), D("262.50")), (D("40.00"), D("0"), D("0.00"))], total_vat=D("262.50"))
    assert [line.send for line in plan.lines] == [True, False]
    assert [line.corrected for line in plan.lines] == [False, False]


def test_the_correcting_cent_goes_to_the_largest_line_wherever_it_stands():
    # Exact: 0.0315 → 0.03, 2.10, 0.21 = 2.34; Coachview's total 2.35 needs one cent more. On the
    # 10.00 line a cent is 0.1 % of VAT; on the 0.15 line it would be booked at 26.7 %.
    lines = [(D("0.15"), D("0.21"), D("0.03")), (D("10.00"), D("0.21"), D("2.10")), (D("1.00"), D("0.21"), D("0.21"))]
    plan = vat_plan(lines=lines, total_vat=D("2.35"))
    assert [line.booked for line in plan.lines] == [D("0.03"), D("2.11"), D("0.21")]
    assert [line.corrected for line in plan.lines] == [False, True, False]


def test_a_line_already_a_cent_off_takes_no_second_cent():
    # Coachview's own VAT puts the 100.00 line a cent above Exact's 21.00; the missing cent then goes
    # to the next line, never making the first two cents off.
    lines = [(D("100.00"), D("0.21"), D("21.01")), (D("10.00"), D("0.21"), D("2.10"))]
    plan = vat_plan(lines=lines, total_vat=D("23.12"))
    assert [line.booked for line in plan.lines] == [D("21.01"), D("2.11")]


def test_coachviews_line_vat_in_more_decimals_is_rounded_half_up():
    # 2.105 on the small line is 2.11 (half up), which makes Coachview's total without moving a cent;
    # half-even (2.10) would move a cent onto the large line instead.
    lines = [(D("100.00"), D("0.21"), D("21.00")), (D("10.00"), D("0.21"), D("2.105"))]
    plan = vat_plan(lines=lines, total_vat=D("23.11"))
    assert [line.booked for line in plan.lines] == [D("21.00"), D("2.11")]


def test_a_held_plan_books_exacts_own_vat_and_says_by_how_much_it_differs():
    plan = vat_plan(lines=[(D("10.00"), D("0.21"), D("2.50"))], total_vat=D("2.50"))
    assert plan.held is True
    assert plan.lines == [LineVat(exact=D("2.10"), booked=D("2.10"), rate=D("0.21"))]
    assert (plan.total_vat, plan.exact_total, plan.difference) == (D("2.50"), D("2.10"), D("0.40"))
    assert plan.detail == "VAT 2.50 vs Exact's 2.10 over 1 lines"


def test_a_plan_that_reaches_the_total_is_not_held_and_keeps_its_rates():
    plan = vat_plan(lines=[(D("10.00"), D("0.09"), D("0.90"))], total_vat=D("0.90"))
    assert plan.held is False
    assert plan.lines == [LineVat(exact=D("0.90"), booked=D("0.90"), rate=D("0.09"))]
    assert (plan.total_vat, plan.exact_total) == (D("0.90"), D("0.90"))


def test_an_invoice_without_lines_has_exacts_total_in_cents():
    plan = vat_plan(lines=[], total_vat=D("0.00"))
    assert (plan.held, plan.lines, str(plan.exact_total)) == (False, [], "0.00")
