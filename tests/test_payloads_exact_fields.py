import base64
import json
from datetime import date
from decimal import Decimal as D
from pathlib import Path
from types import SimpleNamespace

import pytest

from mappings.models import CouplingOptions
from sync.services import exact_payloads as p
from tests.factories import DebtorFactory, InvoiceFactory

ENTITIES = json.loads((Path(__file__).resolve().parent.parent / "coupling/exact/exact-entities.json").read_text())


def writable(endpoint: str) -> dict:
    props = ENTITIES[f"/api/v1/{{division}}/{endpoint}"]["properties"]
    return {name for name, prop in props.items() if "POST" in prop["methods"]}


def writable_put(endpoint: str) -> dict:
    props = ENTITIES[f"/api/v1/{{division}}/{endpoint}"]["properties"]
    return {name for name, prop in props.items() if "PUT" in prop["methods"]}


class Resolver:
    def gl_account_id(self, line):
        return "11111111-1111-1111-1111-111111111111"

    def vat_code(self, line):
        return {"2": "2  ", "1": "1  ", "0": "0  "}[line.vat_code]

    def vat_rate(self, line):
        return {"2": D("0.21"), "1": D("0.09"), "0": D("0")}[line.vat_code]

    def cost_center(self, line):
        return None if line.cost_center_code == "Intern" else line.cost_center_code


OPTIONS = CouplingOptions(
    administration="test:1", sales_journal="70", credit_note_journal="71", default_payment_condition="30"
)


@pytest.fixture
def debtor(db):
    return DebtorFactory(
        coachview_id="d1", number="42", name="Opleidingen Noord B.V.", email="ap@noord.example",
        phone="050-1234567", vat_number="NL001234567B01", coc_number="12345678", iban="NL91 ABNA 0417 1643 00",
        bic="ABNANL2A", account_holder="Opleidingen Noord B.V.", address1="Grote Markt 1", postcode="9711 LV",
        city="Groningen", country="nl",
        contact={"first_name": "Anna", "middle_name": "de", "last_name": "Vries", "email": "anna@noord.example"},
    )  # fmt: skip


def make_invoice(debtor, number="20240017", credit=False, lines=None, total_vat=None):
    sign = -1 if credit else 1
    lines = lines or [(D("1250.00"), "2", D("262.50"), "KP1"), (D("100.00"), "1", D("9.00"), "Intern"),
                      (D("40.00"), "0", D("0.00"), "KP1")]
    excl = sum(sign * amount for amount, _vat, _vat_amount, _cc in lines)
    vat = total_vat if total_vat is not None else sum(sign * vat_amount for _a, _v, vat_amount, _cc in lines)
    return InvoiceFactory(
        coachview_id=f"i-{number}", number=number, invoice_date=date(2024, 3, 1), due_date=date(2024, 3, 31),
        status="Verzonden", is_credit=credit, debtor=debtor, customer_reference="PO-4471",
        payment_reference="1234 5678 9012 3456", description="Cursus Leidinggeven maart 2024",
        total_excl_vat=excl, total_vat=vat, total_incl_vat=excl + vat,
        lines=[
            dict(description=f"Regel {i}", quantity=D("2"), unit_price=D("0"), amount_excl_vat=sign * amount,
                 vat_code=vat_code, vat_rate=D("0"), vat_amount=sign * vat_amount, gl_account_code="8000",
                 cost_center_code=cc, period_from=date(2024, 3, 4), period_to=date(2024, 3, 8))
            for i, (amount, vat_code, vat_amount, cc) in enumerate(lines, 1)
        ],
    )  # fmt: skip


def all_payloads(debtor, invoice):
    export = SimpleNamespace(client_entry_id="22222222-2222-2222-2222-222222222222")
    account_id = "33333333-3333-3333-3333-333333333333"
    return {
        "crm/Accounts": [p.account_payload(debtor=debtor, code="42", options=OPTIONS)],
        "crm/BankAccounts": [p.bank_account_payload(debtor=debtor, account_id=account_id)],
        "crm/Contacts": [p.contact_payload(debtor=debtor, account_id=account_id)],
        "salesentry/SalesEntries": [
            p.sales_entry_payload(invoice=invoice, export=export, options=OPTIONS, customer_id=account_id,
                                  document_id="44444444-4444-4444-4444-444444444444", resolver=Resolver())
        ],
        "documents/Documents": [p.document_payload(invoice=invoice, account_id=account_id)],
        "documents/DocumentAttachments": [p.attachment_payload(invoice=invoice, document_id="x", pdf=b"%PDF-1.4")],
    }


def test_every_field_every_builder_sends_exists_and_is_writable_in_exact_entities(debtor):
    invoice = make_invoice(debtor)
    for endpoint, payloads in all_payloads(debtor, invoice).items():
        for payload in payloads:
            assert payload, endpoint
            assert set(payload) <= writable(endpoint), (endpoint, set(payload) - writable(endpoint))
            for line in payload.get("SalesEntryLines", []):
                assert set(line) <= writable("salesentry/SalesEntryLines"), set(line) - writable("salesentry/SalesEntryLines")
    update = p.account_update_payload(debtor=debtor, exact_account={"Name": "Old"})
    assert set(update) <= writable_put("crm/Accounts")


def test_the_account_is_a_customer_with_a_right_aligned_code_and_only_filled_fields(debtor):
    debtor.address2 = ""
    payload = p.account_payload(debtor=debtor, code="42", options=OPTIONS)
    assert payload["Code"] == " " * 16 + "42"
    assert payload["Status"] == "C"
    assert payload["Country"] == "NL"
    assert "AddressLine2" not in payload
    assert payload["ChamberOfCommerce"] == "12345678"


def test_bank_account_and_contact_only_when_known(debtor):
    assert p.bank_account_payload(debtor=debtor, account_id="a")["BankAccount"] == "NL91ABNA0417164300"
    assert p.contact_payload(debtor=debtor, account_id="a") == {
        "Account": "a", "FirstName": "Anna", "MiddleName": "de", "LastName": "Vries", "Email": "anna@noord.example"
    }
    debtor.iban = ""
    debtor.contact = None
    assert p.bank_account_payload(debtor=debtor, account_id="a") is None
    assert p.contact_payload(debtor=debtor, account_id="a") is None


def test_an_update_sends_only_what_changed(debtor):
    exact = {"Name": "Opleidingen Noord B.V.", "City": "Assen", "Email": "ap@noord.example", "Phone": ""}
    update = p.account_update_payload(debtor=debtor, exact_account=exact)
    assert "Name" not in update and "Email" not in update
    assert update["City"] == "Groningen"
    assert update["Phone"] == "050-1234567"
    debtor.phone = ""
    assert "Phone" not in p.account_update_payload(debtor=debtor, exact_account={"Phone": "06"})


def test_the_sales_entry_maps_header_and_lines(debtor):
    invoice = make_invoice(debtor)
    entry = all_payloads(debtor, invoice)["salesentry/SalesEntries"][0]
    assert entry["Journal"] == "70"
    assert entry["YourRef"] == "20240017"
    assert entry["EntryNumber"] == 20240017
    assert "InvoiceNumber" not in entry  # Exact may ignore a suggestion; the number is read from its answer
    assert entry["EntryDate"] == "2024-03-01T00:00:00"
    assert entry["DueDate"] == "2024-03-31T00:00:00"
    assert entry["PaymentCondition"] == "30"
    assert entry["PaymentReference"] == "1234 5678 9012 3456"
    assert entry["Document"] == "44444444-4444-4444-4444-444444444444"
    assert entry["EntryID"] == "22222222-2222-2222-2222-222222222222"
    assert entry["Description"].startswith("Factuur 20240017 - Cursus")
    assert len(entry["Description"]) <= p.DESCRIPTION_LENGTH
    lines = entry["SalesEntryLines"]
    assert [line["AmountFC"] for line in lines] == [1250.0, 100.0, 40.0]
    assert [line["VATCode"] for line in lines] == ["2  ", "1  ", "0  "]
    assert "CostCenter" not in lines[1] and lines[0]["CostCenter"] == "KP1"
    # VATAmountFC on every line with VAT (Exact's rounding rule is not documented), never on 0 % lines.
    assert [line.get("VATAmountFC") for line in lines] == [262.5, 9.0, None]
    assert lines[0]["Quantity"] == 2.0
    # "spread revenue over the course period" is off by default: no From/To (Exact would defer the revenue).
    assert all("From" not in line and "To" not in line for line in lines)


def test_from_and_to_are_sent_only_with_the_spread_revenue_option_on(debtor):
    invoice = make_invoice(debtor)
    options = CouplingOptions(administration="t", sales_journal="70", spread_revenue=True)
    assert not CouplingOptions(administration="t").spread_revenue
    entry = p.sales_entry_payload(invoice=invoice, export=None, options=options, customer_id="c", document_id=None,
                                  resolver=Resolver())
    assert entry["SalesEntryLines"][0]["From"] == "2024-03-04T00:00:00"
    assert entry["SalesEntryLines"][0]["To"] == "2024-03-08T00:00:00"


def test_a_credit_invoice_uses_the_credit_journal_and_negative_amounts(debtor):
    invoice = make_invoice(debtor, number="20240018", credit=True)
    entry = all_payloads(debtor, invoice)["salesentry/SalesEntries"][0]
    assert entry["Journal"] == "71"
    assert entry["SalesEntryLines"][0]["AmountFC"] == -1250.0
    options = CouplingOptions(administration="t", sales_journal="70")
    entry = p.sales_entry_payload(invoice=invoice, export=None, options=options, customer_id="c", document_id=None,
                                  resolver=Resolver())
    assert entry["Journal"] == "70"
    assert "Document" not in entry and "EntryID" not in entry


def test_entry_number_only_when_numeric_and_within_int32(debtor):
    assert p.entry_number(make_invoice(debtor, number="F2024-1")) is None
    assert p.entry_number(make_invoice(debtor, number="2147483648")) is None
    assert p.entry_number(make_invoice(debtor, number="2147483647")) == 2147483647
    invoice = make_invoice(debtor, number="123")
    options = CouplingOptions(administration="t", sales_journal="70", invoice_number_as_entry_number=False)
    entry = p.sales_entry_payload(invoice=invoice, export=None, options=options, customer_id="c", document_id=None,
                                  resolver=Resolver())
    assert "EntryNumber" not in entry and entry["YourRef"] == "123"


def test_a_rounding_difference_is_sent_as_line_vat(debtor):
    lines = [(D("0.15"), "2", D("0.03"), "KP1")] * 3
    invoice = make_invoice(debtor, number="77", lines=lines, total_vat=D("0.10"))
    entry = all_payloads(debtor, invoice)["salesentry/SalesEntries"][0]
    sent = [line.get("VATAmountFC") for line in entry["SalesEntryLines"]]
    assert sent == [0.04, 0.03, 0.03]


def test_a_larger_vat_difference_raises_to_hold(debtor):
    invoice = make_invoice(debtor, number="78", lines=[(D("100.00"), "2", D("22.00"), "KP1")])
    with pytest.raises(p.PayloadError) as exc:
        all_payloads(debtor, invoice)
    assert exc.value.code == "preflight.vat_difference"


def test_the_attachment_is_base64_and_redacted_in_the_history(debtor):
    invoice = make_invoice(debtor)
    payload = p.attachment_payload(invoice=invoice, document_id="d", pdf=b"%PDF-1.4 hello")
    assert base64.b64decode(payload["Attachment"]) == b"%PDF-1.4 hello"
    assert payload["FileName"] == "Factuur-20240017.pdf"
    kept = p.redacted(payload)
    assert kept["Attachment"]["size"] == 14 and len(kept["Attachment"]["sha256"]) == 64
    assert p.redacted({"access_token": "secret"}) == {"access_token": "***"}
