"""`sandbox_load` of a file in coachview-api.md's shape, then `fetch_invoices`: the same data, to the cent."""

import base64
import json
from decimal import Decimal

import pytest
from django.core.management import call_command

from sandbox.coachview.pdf import invoice_pdf
from sandbox.models import CoachviewInvoice
from sync.models import Debtor, Invoice
from sync.services.fetch import invoice_pdf_fetch

pytestmark = pytest.mark.django_db(databases=["default", "sandbox"])

DOCUMENTED = """
{"debiteuren": [{
  "id": "0d5e7a9c-1b2f-4e3d-8c7b-a1b2c3d4e5f6", "debiteurnummer": "00042", "debiteurnummerExtern": null,
  "externId": null, "externSource": null, "naam": "Opleidingen Noord B.V.", "particulier": false,
  "btwNummer": "NL001234567B01", "kvkNummer": "12345678", "emailadres": "crediteuren@noord.example",
  "telefoonnummer": "050-1234567", "iban": "NL91ABNA0417164300", "bicCode": "ABNANL2A",
  "naamRekeninghouder": "Opleidingen Noord B.V.",
  "factuurAdres": {"adres1": "Grote Markt 1", "adres2": null, "adres3": null, "postcode": "9711 LV",
                   "plaats": "Groningen", "landCode": "NL"},
  "contactpersoon": {"id": "c1", "voornaam": "Anna", "tussenvoegsels": "de", "achternaam": "Vries",
                     "geslacht": "V", "emailadres": "anna@noord.example"},
  "audittrail": {"aangemaaktDatumTijd": "2024-01-01T09:00:00", "gewijzigdDatumTijd": "2024-01-01T09:00:00"}}],
 "facturen": [{
  "id": "6f1c2b1e-8d2a-4c59-9a57-6b3f0f1d2c11", "factuurnummer": "20240017", "factuurdatum": "2024-03-01",
  "vervaldatum": "2024-03-31", "status": "Verzonden", "isCreditfactuur": false,
  "debiteurId": "0d5e7a9c-1b2f-4e3d-8c7b-a1b2c3d4e5f6", "referentieKlant": "PO-4471",
  "betalingskenmerk": "1234 5678 9012 3456", "omschrijving": "Cursus Leidinggeven maart 2024",
  "valutaCode": "EUR", "totaalExclBtw": 1287.45, "totaalBtw": 265.87, "totaalInclBtw": 1553.32,
  "bevestigd": false, "bevestigdOmschrijving": null, "betaald": false, "betaaldOmschrijving": null,
  "betaaldDatum": null,
  "factuurregels": [
    {"volgnummer": 1, "omschrijving": "Cursus Leidinggeven, 2 deelnemers", "aantal": 2, "prijsExclBtw": 625.00,
     "bedragExclBtw": 1250.00, "btwCode": "2", "btwPercentage": 0.21, "btwBedrag": 262.50,
     "grootboekrekeningNummer": "8000", "kostenplaatsCode": "Intern", "periodeVan": "2024-03-04",
     "periodeTot": "2024-03-08"},
    {"volgnummer": 2, "omschrijving": "Lesmateriaal", "aantal": 1.5, "prijsExclBtw": 24.9667,
     "bedragExclBtw": 37.45, "btwCode": "1", "btwPercentage": 0.09, "btwBedrag": 3.37,
     "grootboekrekeningNummer": "8000", "kostenplaatsCode": "100", "periodeVan": null, "periodeTot": null}],
  "audittrail": {"aangemaaktDatumTijd": "2024-03-01T09:12:44", "gewijzigdDatumTijd": "2024-03-01T09:15:02"}}]}
"""


def test_loading_a_documented_file_and_fetching_gives_the_same_invoices_lines_and_debtors(
    coachview, tmp_path
):
    path = tmp_path / "coachview.json"
    path.write_text(DOCUMENTED)

    call_command("sandbox_load", str(path))
    call_command("fetch_invoices")

    document = json.loads(DOCUMENTED)
    invoice = Invoice.objects.get(coachview_id=document["facturen"][0]["id"])
    assert (invoice.number, invoice.status, invoice.invoice_date.isoformat()) == (
        "20240017",
        "Verzonden",
        "2024-03-01",
    )
    assert (invoice.total_excl_vat, invoice.total_vat, invoice.total_incl_vat) == (
        Decimal("1287.45"),
        Decimal("265.87"),
        Decimal("1553.32"),
    )
    assert invoice.payment_reference == "1234 5678 9012 3456" and invoice.customer_reference == "PO-4471"
    lines = list(
        invoice.lines.values_list(
            "sequence",
            "quantity",
            "unit_price",
            "amount_excl_vat",
            "vat_code",
            "vat_rate",
            "vat_amount",
            "gl_account_code",
            "cost_center_code",
        )
    )
    assert lines == [
        (
            1,
            Decimal("2"),
            Decimal("625"),
            Decimal("1250.00"),
            "2",
            Decimal("0.21"),
            Decimal("262.50"),
            "8000",
            "Intern",
        ),
        (
            2,
            Decimal("1.5"),
            Decimal("24.9667"),
            Decimal("37.45"),
            "1",
            Decimal("0.09"),
            Decimal("3.37"),
            "8000",
            "100",
        ),
    ]
    debtor = Debtor.objects.get()
    assert invoice.debtor == debtor
    assert (debtor.number, debtor.name, debtor.postcode, debtor.city, debtor.iban) == (
        "00042",
        "Opleidingen Noord B.V.",
        "9711 LV",
        "Groningen",
        "NL91ABNA0417164300",
    )
    assert debtor.contact["last_name"] == "Vries"
    assert invoice.data_problem == ""


def test_loading_replaces_by_id_and_stamps_the_load_time(coachview, tmp_path):
    path = tmp_path / "coachview.json"
    path.write_text(DOCUMENTED)
    call_command("sandbox_load", str(path))
    call_command("fetch_invoices")
    document = json.loads(DOCUMENTED)
    document["facturen"][0]["omschrijving"] = "Cursus Leidinggeven (gecorrigeerd)"
    path.write_text(json.dumps(document))

    call_command("sandbox_load", str(path))
    call_command("fetch_invoices")

    assert CoachviewInvoice.objects.count() == 1
    stored = CoachviewInvoice.objects.get()
    assert stored.data["auditTrail"]["gewijzigdDatumTijd"] != "2024-03-01T09:15:02"
    assert Invoice.objects.get().description == "Cursus Leidinggeven (gecorrigeerd)"


def test_a_loaded_pdf_is_what_the_pdf_fetch_returns_and_it_is_fetched_once(coachview, tmp_path):
    pdf = invoice_pdf(["Factuur 20240017 zoals verzonden"])
    document = json.loads(DOCUMENTED)
    document["facturen"][0]["pdf"] = base64.b64encode(pdf).decode()
    path = tmp_path / "coachview.json"
    path.write_text(json.dumps(document))
    call_command("sandbox_load", str(path))
    call_command("fetch_invoices")
    invoice = Invoice.objects.get()
    assert invoice.pdf_content() is None  # fetched only when the export needs it

    assert invoice_pdf_fetch(invoice=invoice) == pdf
    assert invoice_pdf_fetch(invoice=Invoice.objects.get()) == pdf

    stored = Invoice.objects.get()
    assert stored.pdf_content() == pdf and len(stored.pdf_sha256) == 64
    from tests.coachview_data import api_calls

    assert len(api_calls("/Pdf")) == 1


def test_fetch_invoices_exits_2_when_it_cannot_run(db, capsys):
    with pytest.raises(SystemExit) as exited:
        call_command("fetch_invoices")
    assert exited.value.code == 2
    assert "not configured" in capsys.readouterr().err
