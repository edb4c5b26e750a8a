"""Bad data never stops the line: hostile Coachview records beside valid ones, on both databases.

Each hostile record is either adjusted harmlessly (cut or cleaned, noted, booked) or held with a catalogued
reason naming the Coachview field and the value; the valid invoices of the same run are booked; after the
record is corrected in Coachview the invoice is booked once.
"""


import pytest
from django.core.management import call_command

from sandbox.exact.dump import dump_exact
from sync.models import Debtor, ExportState, Invoice, InvoiceExport
from tests.coachview_data import debtor_record, invoice_record, line_record, put_debtor, put_invoice

pytestmark = pytest.mark.django_db(databases=["default", "sandbox"])


def _address(**fields):
    base = {"adres1": "Grote Markt 1", "adres2": None, "adres3": None, "postcode": "9711 LV", "plaats": "Groningen",
            "landCode": "NL"}
    return {"factuurAdres": dict(base, **fields)}


def _line(**fields):
    return {"lines": [line_record(1, "1250.00", **fields)]}


# name → (debtor fields, invoice fields, expected): expected is ("held", code, field) or ("noted", field).
HOSTILE = {
    "debtor name over 255": ({"naam": "N" * 300}, {}, ("noted", "Debiteuren.naam")),
    # NUL itself cannot even be stored by the simulated Coachview on PostgreSQL (jsonb): see the unit test below.
    "control characters in the name": ({"naam": "Klant\x1b B.V.\x07"}, {}, ("noted", "Debiteuren.naam")),
    "city over 100": (_address(plaats="P" * 150), {}, ("noted", "plaats")),
    "control characters in the description": ({}, {"omschrijving": "Cursus\x0b maart\x1f"}, ("noted", "Facturen.omschrijving")),
    "invoice number of 41": ({}, {"factuurnummer": "9" * 41}, ("held", "preflight.value_too_long", "factuurnummer")),
    "three-letter country": (_address(landCode="NLD"), {}, ("held", "preflight.value_too_long", "landCode")),
    "country that does not exist": (_address(landCode="XX"), {}, ("held", "preflight.country_unknown", "landCode")),
    "postcode over 20": (_address(postcode="9" * 30), {}, ("held", "preflight.value_too_long", "postcode")),
    "e-mail over 254": ({"emailadres": "a" * 250 + "@example.nl"}, {}, ("held", "preflight.value_too_long", "emailadres")),
    "phone over 60": ({"telefoonnummer": "0" * 80}, {}, ("held", "preflight.value_too_long", "telefoonnummer")),
    "IBAN over 40": ({"iban": "NL" + "1" * 50}, {}, ("held", "preflight.value_too_long", "iban")),
    "debtor number over 40": ({"debiteurnummer": "1" * 50}, {}, ("held", "preflight.value_too_long", "debiteurnummer")),
    "total that overflows": ({}, {"totaalInclBtw": 1e15}, ("held", "preflight.value_out_of_range", "totaalInclBtw")),
    "currency of four letters": ({}, {"valutaCode": "EURO"}, ("held", "preflight.value_too_long", "valutaCode")),
    "payment reference over 60": ({}, {"betalingskenmerk": "1" * 70}, ("held", "preflight.value_too_long", "betalingskenmerk")),
    "VAT rate that overflows": ({}, _line(btwPercentage=123456.0), ("held", "preflight.value_out_of_range", "btwPercentage")),
    "negative line number": ({}, {"lines": [line_record(-1, "1250.00")]}, ("held", "preflight.value_out_of_range", "volgnummer")),
    "quantity that overflows": ({}, _line(aantal=1e12), ("held", "preflight.value_out_of_range", "aantal")),
    "VAT code over 10": ({}, _line(btwCode="B" * 15), ("held", "preflight.value_too_long", "btwCode")),
    "GL account over 20": ({}, _line(grootboekrekeningNummer="8" * 25), ("held", "preflight.value_too_long", "grootboekrekeningNummer")),
    "cost centre over 20": ({}, _line(kostenplaatsCode="C" * 25), ("held", "preflight.value_too_long", "kostenplaatsCode")),
}
VALID = (8101, 8102, 8103)


def _put(number: int, debtor_fields: dict, invoice_fields: dict, second: int) -> dict:
    debtor = put_debtor(debtor_record(30000 + number % 1000, **debtor_fields), "2026-02-01T08:00:00")
    invoice_fields = dict(invoice_fields)
    lines = invoice_fields.pop("lines", None)
    record = invoice_record(number, debtor, lines=lines)
    record.update(invoice_fields)
    return put_invoice(record, f"2026-03-01T10:{second // 60:02d}:{second % 60:02d}")


def test_hostile_records_are_held_or_noted_and_never_stop_the_valid_invoices(sandbox_flow):
    for second, number in enumerate(VALID):
        _put(number, {}, {}, second)
    numbers = {}
    for index, (name, (debtor_fields, invoice_fields, _expected)) in enumerate(HOSTILE.items()):
        numbers[name] = 8200 + index
        fields = dict(invoice_fields)
        fields.setdefault("factuurnummer", str(numbers[name]))
        _put(numbers[name], debtor_fields, fields, 10 + index)

    call_command("export_invoices")  # exits 0: the run completed

    exports = {
        e.invoice.coachview_id: e
        for e in InvoiceExport.objects.filter(administration=sandbox_flow).select_related("invoice")
    }
    dump = dump_exact()
    booked = [entry["YourRef"] for entry in dump["sales_entries"]]
    for number in VALID:
        assert booked.count(str(number)) == 1
    for name, (_debtor, _invoice, expected) in HOSTILE.items():
        invoice = Invoice.objects.get(coachview_id=invoice_record(numbers[name], {"id": ""})["id"])
        export = exports[invoice.coachview_id]
        if expected[0] == "noted":
            assert export.state == ExportState.EXPORTED, (name, export.reasons)
            notes = invoice.data_notes + (invoice.debtor.data_notes if invoice.debtor else "")
            assert expected[1] in notes, (name, notes)
            continue
        _held, code, field = expected
        assert export.state == ExportState.HELD, (name, export.state, export.reasons)
        reasons = [r for r in export.reasons if r["code"] == code]
        assert reasons and field in reasons[0]["values"]["field"], (name, export.reasons)
        assert reasons[0]["values"]["value"], name
        assert booked.count(invoice.number) == 0, name


def test_a_held_record_corrected_in_coachview_is_booked_once(sandbox_flow):
    _put(8300, {}, {"factuurnummer": "9" * 41}, 1)
    call_command("export_invoices")
    assert InvoiceExport.objects.get(administration=sandbox_flow).state == ExportState.HELD

    _put(8300, {}, {"factuurnummer": "8300"}, 2)  # corrected: a later change time
    call_command("export_invoices")
    call_command("export_invoices")
    assert [e["YourRef"] for e in dump_exact()["sales_entries"]].count("8300") == 1
    assert InvoiceExport.objects.get(administration=sandbox_flow).state == ExportState.EXPORTED


def test_a_record_the_database_refuses_is_kept_raw_and_held_and_the_fetch_goes_on(sandbox_flow, monkeypatch):
    from django.db import DataError

    from sync.services import fetch_store

    real = fetch_store._invoice_write

    def refuse_one(key, values, lines, is_new, counts):
        if values.get("number") == "8401" and lines:
            raise DataError("value too long for type character varying(40)")
        return real(key, values, lines, is_new, counts)

    monkeypatch.setattr(fetch_store, "_invoice_write", refuse_one)
    _put(8401, {}, {}, 1)
    _put(8402, {}, {}, 2)
    call_command("export_invoices")
    held = InvoiceExport.objects.get(invoice__number="8401")
    assert held.state == ExportState.HELD and held.reasons[0]["code"] == "preflight.record_unstorable"
    assert held.invoice.snapshot["factuurnummer"] == "8401"  # the raw record is kept
    assert InvoiceExport.objects.get(invoice__number="8402").state == ExportState.EXPORTED


def test_a_debtor_that_does_not_fit_holds_its_invoices_with_the_field_named(sandbox_flow):
    _put(8501, {"iban": "NL" + "1" * 50}, {}, 1)
    call_command("export_invoices")
    export = InvoiceExport.objects.get(invoice__number="8501")
    assert export.state == ExportState.HELD
    assert any("iban" in r["values"].get("field", "") for r in export.reasons)
    assert Debtor.objects.get(number=str(30501)).data_unfit


def test_a_credit_invoice_with_a_positive_total_is_held_not_booked_the_wrong_way(sandbox_flow):
    _put(8601, {}, {"isCreditfactuur": True}, 1)  # positive lines, marked credit
    call_command("export_invoices")
    export = InvoiceExport.objects.get(invoice__number="8601")
    assert export.state == ExportState.HELD and export.reasons[0]["code"] == "preflight.credit_sign"
    assert not [e for e in dump_exact()["sales_entries"] if e["YourRef"] == "8601"]


def test_a_pdf_over_exacts_limit_is_held_before_any_document_is_made(sandbox_flow, settings):
    settings.EXACT_ATTACHMENT_MAX_BYTES = 100
    _put(8701, {}, {}, 1)
    call_command("export_invoices")
    export = InvoiceExport.objects.get(invoice__number="8701")
    assert export.state == ExportState.HELD and export.reasons[0]["code"] == "preflight.pdf_too_large"
    assert "MB" in export.reasons[0]["message"] and export.document_id is None
    assert dump_exact()["documents"] == []


def test_nul_and_other_control_characters_never_reach_the_database():
    """PostgreSQL refuses NUL in text and in jsonb: it is cleaned from values and from the kept snapshot."""
    from sync.models import Invoice
    from sync.services.fetch_fit import Fit, text_clean, values_fit

    fit = Fit()
    values = values_fit(Invoice, {"description": "Cursus\x00 maart", "number": "F\x002026"}, labels={}, fit=fit)
    assert values == {"description": "Cursus maart", "number": "F2026"}
    assert len(fit.notes) == 2 and not fit.unfit
    assert text_clean({"naam\x00": ["a\x00b", {"c": "\x07d"}]}) == {"naam": ["ab", {"c": "d"}]}
