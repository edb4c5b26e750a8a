"""Bad input, each on its own invoice among good ones: held with a catalogued reason, the good ones booked."""

from decimal import Decimal as D

import pytest

from sandbox.exact.dump import dump_exact
from sync.catalogue import catalogue_entry
from sync.models import ExportAttempt, ExportState, InvoiceExport
from sync.services.export_run import exports_run
from sync.services.fetch import invoices_fetch
from tests.coachview_data import line_record
from tests.faults_support import debtor, exact_flow, invoice, ledger_problems

pytestmark = [pytest.mark.faults, pytest.mark.django_db(databases=["default", "sandbox"])]


@pytest.fixture
def flow(coachview):
    return exact_flow()


def state_of(number, administration) -> InvoiceExport:
    return InvoiceExport.objects.get(invoice__number=str(number), administration=administration)


def entries_for(number) -> list[dict]:
    return [entry for entry in dump_exact()["sales_entries"] if entry["YourRef"] == str(number)]


def run():
    invoices_fetch()
    return exports_run()


BAD = {
    # number: (what is wrong, the catalogue code it is held with)
    8101: ("a VAT code nobody mapped", "preflight.vat_code_unmapped"),
    8102: ("a GL account nobody mapped", "preflight.gl_account_unmapped"),
    8103: ("a cost centre nobody mapped", "preflight.cost_center_unmapped"),
    8104: ("a debtor number of 19 digits", "preflight.debtor_code_invalid"),
    8105: ("a debtor number with letters", "preflight.debtor_code_invalid"),
    8106: ("no lines", "preflight.no_lines"),
    8107: ("lines that do not add up to the total", "preflight.totals_mismatch"),
    8108: ("a negative line on a normal invoice", "preflight.negative_line"),
    8109: ("a currency other than EUR", "preflight.currency_not_allowed"),
    8110: ("amounts that are not numbers (malformed record)", "preflight.data_problem"),
}


def bad_invoices() -> dict[int, dict]:
    good_debtor = debtor(40001)
    return {
        8101: invoice(8101, good_debtor, lines=[line_record(1, "100.00", vat_code="99")]),
        8102: invoice(8102, good_debtor, lines=[line_record(1, "100.00", grootboekrekeningNummer="9999")]),
        8103: invoice(8103, good_debtor, lines=[line_record(1, "100.00", kostenplaatsCode="ZZZ")]),
        8104: invoice(8104, debtor(40002, debiteurnummer="1234567890123456789")),
        8105: invoice(8105, debtor(40003, debiteurnummer="AB4003")),
        8106: invoice(8106, good_debtor, lines=[]),
        8107: invoice(8107, good_debtor, totaalExclBtw=1297.50, totaalInclBtw=1563.38),
        8108: invoice(8108, good_debtor, lines=[line_record(1, "100.00"), line_record(2, "-20.00")]),
        8109: invoice(8109, good_debtor, valutaCode="USD"),
        8110: invoice(8110, good_debtor, totaalInclBtw="veel", totaalExclBtw=None),
    }


def good_invoices() -> dict[int, dict]:
    good_debtor = debtor(40010)
    return {
        8201: invoice(8201, good_debtor),
        8202: invoice(8202, debtor(40011)),
        # Unicode and a description far longer than Exact's field: booked, cut, characters intact.
        8203: invoice(8203, debtor(40012, naam="Zoë’s Opleidingen — Ærø & Ğüçlü 研修 B.V."),
                      omschrijving="Cursus Leidinggeven — “Ärger über Öl” 研修 🎓 " * 8,
                      lines=[line_record(1, "100.00", omschrijving="Ünïcödé regel 🎓 " * 20)]),
    }  # fmt: skip


def test_each_bad_invoice_is_held_with_its_catalogued_reason_and_the_good_ones_are_booked_in_the_same_run(
    flow,
):
    bad, good = bad_invoices(), good_invoices()
    result = run()
    for number, (what, code) in BAD.items():
        export = state_of(number, flow)
        assert export.state == ExportState.HELD, (what, export.state, export.reasons)
        assert code in [reason["code"] for reason in export.reasons], (what, export.reasons)
        for reason in export.reasons:
            assert catalogue_entry(reason["code"]) is not None and reason["message"], (what, reason)
        assert not entries_for(number), what
    for number in good:
        assert state_of(number, flow).state == ExportState.EXPORTED, state_of(number, flow).reasons
    assert result.run.exported == len(good) and result.run.held >= len(bad)
    assert ledger_problems(records=[*bad.values(), *good.values()], administration=flow) == []


def test_unicode_and_very_long_descriptions_are_cut_to_exacts_field_and_keep_their_characters(flow):
    record = good_invoices()[8203]
    run()
    [entry] = entries_for(8203)
    assert entry["Description"].startswith("Factuur 8203") and len(entry["Description"]) <= 60
    [line] = entry["SalesEntryLines"]
    assert line["Description"].startswith("Ünïcödé regel 🎓") and len(line["Description"]) <= 60
    assert entry["AmountDC"] == D(str(record["totaalInclBtw"]))


def test_an_invoice_whose_pdf_coachview_cannot_give_is_held_and_the_others_are_booked(flow, settings):
    good = good_invoices()
    missing = invoice(8301, debtor(40020))
    settings.SANDBOX_COACHVIEW_FAULTS = {"pdf_missing_ids": [missing["id"]]}
    run()
    export = state_of(8301, flow)
    assert export.state == ExportState.HELD and [r["code"] for r in export.reasons] == [
        "preflight.pdf_missing"
    ]
    assert not entries_for(8301)
    assert all(state_of(number, flow).state == ExportState.EXPORTED for number in good)


def test_a_coachview_answer_that_is_not_json_costs_a_run_and_loses_nothing(flow, settings):
    records = list(good_invoices().values())
    settings.SANDBOX_COACHVIEW_FAULTS = {"seed": 1, "malformed_json_rate": 1.0}
    first = invoices_fetch()
    assert first.stopped  # said, not swallowed
    assert not InvoiceExport.objects.exists()
    settings.SANDBOX_COACHVIEW_FAULTS = {}
    run()
    assert ledger_problems(records=records, administration=flow) == []


def test_an_exact_answer_that_is_not_json_leaves_the_invoice_to_be_looked_up_and_booked_once(flow, settings):
    good = good_invoices()
    odd = invoice(8401, debtor(40030))
    settings.SANDBOX_FAULTS = {"not_json_your_refs": ["8401"]}
    first = run()
    export = state_of(8401, flow)
    assert export.state in (ExportState.UNKNOWN, ExportState.READY), export.state
    attempt = export.attempts.filter(action="entry").latest("id")
    assert attempt.outcome != ExportAttempt.Outcome.OK and attempt.http_status == 500
    assert not entries_for(8401) and first.run.exported == len(good)
    settings.SANDBOX_FAULTS = {}
    settings.CLOCK_OFFSET_SECONDS = 3600  # past the retry pause
    exports_run()
    assert state_of(8401, flow).state == ExportState.EXPORTED
    assert ledger_problems(records=[odd, *good.values()], administration=flow) == []
