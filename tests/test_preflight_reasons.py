"""Each reason the pre-flight check finds, with a factory-built invoice; and an invoice with none."""

from datetime import date
from decimal import Decimal

import pytest

from mappings.models import CostCenterMapping, CouplingOptions, ExactGLAccount, ExactJournal
from sync.services.preflight import invoice_preflight
from tests.factories import DebtorFactory, InvoiceExportFactory, InvoiceFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("exact_mirror")]


def codes(export, **kwargs) -> list[str]:
    return [reason["code"] for reason in invoice_preflight(export=export, **kwargs)]


def export_of(**invoice) -> object:
    return InvoiceExportFactory(invoice=InvoiceFactory(**invoice))


def test_it_finds_no_reason_for_a_correct_invoice():
    assert invoice_preflight(export=export_of()) == []


def test_each_reason_has_a_code_values_and_a_message():
    [found] = invoice_preflight(export=export_of(lines=[{"vat_code": "5"}]))
    assert found["code"] == "preflight.vat_code_inclusive"
    # `vat_code` is the value the catalogue's title names ("VAT code {vat_code} is inclusive").
    assert found["values"] == {"line": 1, "coachview_code": "5", "exact_code": "5", "vat_code": "5"}
    assert "5" in found["message"]


def test_it_holds_an_invoice_with_an_inclusive_vat_code():
    assert codes(export_of(lines=[{"vat_code": "5"}])) == ["preflight.vat_code_inclusive"]


def test_it_holds_an_invoice_with_an_unmapped_vat_code():
    assert codes(export_of(lines=[{"vat_code": "77"}])) == ["preflight.vat_code_unmapped"]


def test_it_holds_an_invoice_with_a_blocked_vat_code():
    from mappings.models import ExactVatCode

    ExactVatCode.objects.filter(code="2  ").update(is_blocked=True)
    assert codes(export_of()) == ["preflight.vat_code_blocked"]


def test_it_holds_an_invoice_with_a_purchase_vat_code():
    assert codes(export_of(lines=[{"vat_code": "4"}])) == ["preflight.vat_code_not_sales"]


def test_it_holds_an_invoice_with_an_unmapped_gl_account():
    assert codes(export_of(lines=[{"gl_account_code": "9999"}])) == ["preflight.gl_account_unmapped"]


def test_it_holds_an_invoice_with_a_blocked_gl_account():
    assert codes(export_of(lines=[{"gl_account_code": "8900"}])) == ["preflight.gl_account_blocked"]


def test_it_holds_an_invoice_on_a_gl_account_that_is_not_revenue():
    assert codes(export_of(lines=[{"gl_account_code": "1300", "cost_center_code": ""}])) == [
        "preflight.gl_account_not_revenue"
    ]


def test_it_holds_an_invoice_with_an_unknown_cost_centre():
    assert codes(export_of(lines=[{"cost_center_code": "Intern"}])) == ["preflight.cost_center_unmapped"]


def test_it_accepts_a_cost_centre_mapped_to_none():
    CostCenterMapping.objects.create(administration="test:1234567", coachview_code="Intern", exact_code="")
    assert codes(export_of(lines=[{"cost_center_code": "Intern"}])) == []


def test_it_holds_an_invoice_with_an_ended_cost_centre():
    assert codes(export_of(lines=[{"cost_center_code": "900"}])) == ["preflight.cost_center_ended"]


def test_it_holds_a_line_without_cost_centre_on_a_gl_account_that_requires_one():
    ExactGLAccount.objects.filter(code="8000").update(use_cost_center=ExactGLAccount.CostCenterUse.MANDATORY)
    assert codes(export_of(lines=[{"cost_center_code": ""}])) == ["preflight.cost_center_required"]


def test_it_holds_every_invoice_while_no_sales_journal_is_chosen():
    CouplingOptions.objects.update(sales_journal="")
    assert codes(export_of()) == ["preflight.journal_missing"]


def test_it_holds_an_invoice_when_the_sales_journal_is_not_a_sales_journal():
    CouplingOptions.objects.update(sales_journal="90")
    assert codes(export_of()) == ["preflight.journal_invalid"]


def test_it_books_a_credit_invoice_in_the_credit_note_journal_when_set():
    CouplingOptions.objects.update(credit_note_journal="99")
    credit = dict(is_credit=True, total_excl_vat=Decimal("-100.00"), total_vat=Decimal("-21.00"))
    lines = [{"amount_excl_vat": Decimal("-100.00"), "vat_amount": Decimal("-21.00")}]
    assert codes(export_of(lines=lines, total_incl_vat=Decimal("-121.00"), **credit)) == [
        "preflight.journal_invalid"
    ]
    CouplingOptions.objects.update(credit_note_journal="71")
    assert codes(export_of(lines=lines, total_incl_vat=Decimal("-121.00"), **credit)) == []


def test_it_holds_an_invoice_when_the_payment_condition_does_not_exist():
    CouplingOptions.objects.update(default_payment_condition="60")
    assert codes(export_of()) == ["preflight.payment_condition_invalid"]


def test_it_holds_an_invoice_dated_outside_exacts_financial_periods():
    assert codes(export_of(invoice_date=date(2031, 1, 5))) == ["preflight.no_financial_period"]


def test_it_holds_an_invoice_whose_debtor_number_is_not_numeric():
    assert codes(export_of(debtor=DebtorFactory(number="K-100"))) == ["preflight.debtor_code_invalid"]


def test_it_holds_an_invoice_whose_debtor_code_is_too_long_after_the_prefix():
    CouplingOptions.objects.update(debtor_number_prefix="99")
    assert codes(export_of(debtor=DebtorFactory(number="1234567890123456789"[:17]))) == [
        "preflight.debtor_code_invalid"
    ]


def test_it_holds_an_invoice_whose_debtor_number_belongs_to_a_supplier_in_exact():
    export = export_of(debtor=DebtorFactory(number="10006"))
    accounts = {"10006".rjust(18): {"Status": "", "IsSupplier": True}}
    assert codes(export, exact_accounts=accounts) == ["preflight.debtor_not_customer"]
    customer = {"10006".rjust(18): {"Status": "C", "IsSupplier": True}}
    assert codes(export, exact_accounts=customer) == []


def test_it_holds_an_invoice_without_debtor():
    assert codes(export_of(debtor=None, debtor_coachview_id="gone")) == ["preflight.debtor_missing"]


def test_it_holds_an_invoice_in_another_currency_unless_the_journal_allows_it():
    export = export_of(currency="USD")
    assert codes(export) == ["preflight.currency_not_allowed"]
    ExactJournal.objects.filter(code="70").update(allow_variable_currency=True)
    assert codes(export) == []


def test_it_holds_an_invoice_whose_lines_do_not_add_up_to_its_total():
    assert codes(export_of(total_excl_vat=Decimal("90.00"), total_incl_vat=Decimal("111.00"))) == [
        "preflight.totals_mismatch"
    ]


def test_it_holds_an_invoice_whose_total_including_vat_does_not_add_up():
    assert codes(export_of(total_incl_vat=Decimal("121.50"))) == ["preflight.totals_mismatch"]


def test_it_accepts_a_vat_difference_of_one_cent_per_line():
    # Coachview computed VAT on the total (4.21); Exact computes per line 2.11 + 2.11 = 4.22.
    lines = [
        {"amount_excl_vat": Decimal("10.05"), "vat_amount": Decimal("2.11")},
        {"amount_excl_vat": Decimal("10.05"), "vat_amount": Decimal("2.10")},
    ]
    export = export_of(
        lines=lines,
        total_excl_vat=Decimal("20.10"),
        total_vat=Decimal("4.21"),
        total_incl_vat=Decimal("24.31"),
    )
    assert codes(export) == []


def test_it_holds_an_invoice_whose_vat_differs_from_exacts_by_more_than_a_cent_per_line():
    lines = [{"amount_excl_vat": Decimal("100.00"), "vat_amount": Decimal("21.05")}]
    export = export_of(lines=lines, total_vat=Decimal("21.05"), total_incl_vat=Decimal("121.05"))
    assert codes(export) == ["preflight.vat_difference"]


def test_it_holds_an_invoice_without_lines():
    assert codes(export_of(lines=[])) == ["preflight.no_lines"]


def test_it_holds_a_negative_line_on_an_invoice_that_is_not_a_credit_invoice():
    lines = [{}, {"amount_excl_vat": Decimal("-10.00"), "vat_amount": Decimal("-2.10")}]
    export = export_of(
        lines=lines,
        total_excl_vat=Decimal("90.00"),
        total_vat=Decimal("18.90"),
        total_incl_vat=Decimal("108.90"),
    )
    assert codes(export) == ["preflight.negative_line"]


def test_it_holds_an_invoice_with_a_problem_in_coachviews_data():
    assert codes(export_of(data_problem="factuurregels missing")) == ["preflight.data_problem"]


def test_it_holds_an_invoice_whose_fetched_pdf_is_empty_when_pdfs_are_attached():
    export = export_of(pdf=b"")
    assert codes(export) == []  # not fetched yet: nothing to say
    assert codes(export, pdf_fetched=True) == ["preflight.pdf_missing"]
    CouplingOptions.objects.update(attach_pdf=False)
    assert codes(export, pdf_fetched=True) == []


def test_it_reports_every_reason_of_an_invoice_not_only_the_first():
    export = export_of(lines=[{"vat_code": "5", "gl_account_code": "8900", "cost_center_code": "Intern"}])
    assert codes(export) == [
        "preflight.vat_code_inclusive",
        "preflight.gl_account_blocked",
        "preflight.cost_center_unmapped",
    ]


def test_it_accepts_line_vat_that_differs_from_the_vat_total_by_a_cent_per_line():
    # Coachview's cent-exact case: lines 13.13 + 13.13, total VAT 26.25 (rounded on the total).
    lines = [{"amount_excl_vat": Decimal("62.50"), "vat_amount": Decimal("13.13")}] * 2
    export = export_of(
        lines=lines,
        total_excl_vat=Decimal("125.00"),
        total_vat=Decimal("26.25"),
        total_incl_vat=Decimal("151.25"),
    )
    assert codes(export) == []


def test_it_holds_line_vat_that_differs_from_the_vat_total_by_more_than_a_cent_per_line():
    lines = [{"vat_amount": Decimal("21.02")}]
    assert codes(export_of(lines=lines)) == ["preflight.totals_mismatch"]


@pytest.mark.parametrize(
    ("invoice", "key"),
    [
        ({"data_problem": "regels ontbreken"}, "detail"),
        ({"debtor": None, "debtor_coachview_id": "x"}, "debtor_number"),
        ({"lines": [{"gl_account_code": "8900"}]}, "gl_account"),
        ({"lines": [{"cost_center_code": "Intern"}]}, "cost_center"),
        ({"invoice_date": date(2031, 1, 1)}, "date"),
        ({"currency": "USD"}, "currency"),
        ({"total_incl_vat": Decimal("122.00")}, "difference"),
    ],
)
def test_each_reason_carries_the_value_its_catalogue_title_names(invoice, key):
    [found] = invoice_preflight(export=export_of(**invoice))
    assert found["values"][key] not in (None, "")
