import base64

import pytest
from django.test import Client

from sandbox.exact.salesentries import close_period
from sandbox.seedcodes import DIVISION
from tests.sandbox_exact_support import Api, connect, seeded

pytestmark = pytest.mark.django_db(databases=["default", "sandbox"])


@pytest.fixture
def client(settings):
    settings.SANDBOX_EXACT_RATE_LIMITS = False
    seeded()
    return Client()


@pytest.fixture
def entries_api(client):
    return Api(client, connect(client)["access_token"])


@pytest.fixture
def english(client, entries_api):
    return Api(client, entries_api.headers["Authorization"][7:], language="en")


def _ids(entries_api):
    customer = entries_api.one("crm/Accounts", "Code eq '             10001'")["ID"]
    supplier = entries_api.one("crm/Accounts", "Code eq '             10006'")["ID"]
    gl = {code: entries_api.one("financial/GLAccounts", f"Code eq '{code}'")["ID"] for code in ("8000", "8100", "8900", "1300")}
    return customer, supplier, gl


def _entry(customer, gl, **overrides):
    line = {"GLAccount": gl, "AmountFC": 100.00, "VATCode": "2  ", "Description": "Training"}
    line.update(overrides.pop("line", {}))
    entry = {
        "Journal": "70", "Customer": customer, "EntryDate": "2026-05-01T00:00:00", "YourRef": "F2026-001",
        "SalesEntryLines": [line],
    }
    entry.update(overrides)
    return entry


def _message(answer) -> str:
    return answer.json()["error"]["message"]["value"]


def test_a_sales_entry_is_booked_with_vat_totals_and_an_entry_number(entries_api):
    customer, _, gl = _ids(entries_api)
    body = _entry(customer, gl["8000"])
    body["SalesEntryLines"].append({"GLAccount": gl["8100"], "AmountFC": "10.05", "VATCode": "1  "})
    answer = entries_api.post("salesentry/SalesEntries", body)
    assert answer.status_code == 201, answer.content
    entry = answer.json()["d"]
    assert entry["AmountFC"] == 131.95  # 100 + 21.00 + 10.05 + 0.90 (9 % of 10.05 = 0.9045 → 0.90)
    assert entry["VATAmountDC"] == 21.90
    assert entry["EntryNumber"] == 26700001
    assert entry["PaymentCondition"] == "30"  # from the customer
    assert entry["DueDate"].startswith("/Date(")
    lines = entries_api.get(f"salesentry/SalesEntries(guid'{entry['EntryID']}')/SalesEntryLines").json()["d"]["results"]
    assert [(line["GLAccountCode"], line["VATAmountFC"]) for line in lines] == [("8000", 21.0), ("8100", 0.9)]
    listed = entries_api.get("salesentry/SalesEntryLines", {
        "$filter": f"EntryID eq guid'{entry['EntryID']}'", "$select": "AmountFC,VATCode",
    }).json()["d"]["results"]
    assert sorted(line["AmountFC"] for line in listed) == [10.05, 100.0]


def test_vat_is_rounded_half_up_per_line(entries_api):
    customer, _, gl = _ids(entries_api)
    answer = entries_api.post("salesentry/SalesEntries", _entry(customer, gl["8000"], line={"AmountFC": 0.50}))
    assert answer.json()["d"]["VATAmountDC"] == 0.11  # 0.105 → 0.11


def test_a_line_vat_amount_is_honoured(entries_api):
    customer, _, gl = _ids(entries_api)
    answer = entries_api.post("salesentry/SalesEntries", _entry(customer, gl["8000"], line={"VATAmountFC": 20.99}))
    assert answer.json()["d"]["VATAmountDC"] == 20.99
    assert answer.json()["d"]["AmountDC"] == 120.99


def test_a_credit_entry_is_negative_and_typed_as_credit_note(entries_api):
    customer, _, gl = _ids(entries_api)
    entry = entries_api.post("salesentry/SalesEntries", _entry(customer, gl["8000"], line={"AmountFC": -100})).json()["d"]
    assert entry["AmountDC"] == -121.0 and entry["Type"] == 21


def test_a_client_entry_id_is_ignored_by_default(entries_api):
    customer, _, gl = _ids(entries_api)
    mine = "11111111-2222-3333-4444-555555555555"
    entry = entries_api.post("salesentry/SalesEntries", _entry(customer, gl["8000"], EntryID=mine)).json()["d"]
    assert entry["EntryID"] != mine


def test_a_client_entry_id_is_honoured_when_the_setting_says_so(entries_api, settings):
    settings.SANDBOX_EXACT_HONOUR_ENTRY_ID = True
    customer, _, gl = _ids(entries_api)
    mine = "11111111-2222-3333-4444-555555555555"
    first = entries_api.post("salesentry/SalesEntries", _entry(customer, gl["8000"], EntryID=mine))
    assert first.json()["d"]["EntryID"] == mine
    again = entries_api.post("salesentry/SalesEntries", _entry(customer, gl["8000"], EntryID=mine, YourRef="x"))
    assert again.status_code == 500 and _message(again) == "Gegeven bestaat reeds."


def test_a_duplicate_entry_number_in_a_journal_is_refused(entries_api, english, settings):
    customer, _, gl = _ids(entries_api)
    assert entries_api.post("salesentry/SalesEntries", _entry(customer, gl["8000"], EntryNumber=2026001)).status_code == 201
    again = entries_api.post("salesentry/SalesEntries", _entry(customer, gl["8000"], EntryNumber=2026001))
    assert again.status_code == 500
    assert _message(again) == "In gebruik: Boekstuknummer."
    settings.SANDBOX_EXACT_WORDING = "xml"
    again = entries_api.post("salesentry/SalesEntries", _entry(customer, gl["8000"], EntryNumber=2026001))
    assert _message(again) == "Bestaat reeds - Boekstuknummer: 2026001, Dagboek: 70"
    in_english = english.post("salesentry/SalesEntries", _entry(customer, gl["8000"], EntryNumber=2026001))
    assert _message(in_english) == "Already exists - Entry number: 2026001, Journal: 70"


@pytest.mark.parametrize(
    ("change", "dutch", "english_text"),
    [
        ({"line": {"GLAccount": "gl:8900"}}, "Geblokkeerd: Grootboekrekening: 8900 - Omzet oude cursussen",
         "Blocked: Ledger account: 8900 - Omzet oude cursussen"),
        ({"line": {"GLAccount": "00000000-0000-0000-0000-000000000009"}}, "Ongeldige referentie: Grootboekrekening",
         "Invalid reference: G/L account"),
        ({"line": {"GLAccount": "gl:1300"}}, "Ongeldig: Grootboekrekeningtype", "Invalid: G/L account type"),
        ({"line": {"VATCode": "77"}}, "Ongeldige referentie: Btw-code", "Invalid reference: VAT code"),
        ({"line": {"VATCode": "5  "}},
         "Invoer 1: Het bedrag van de BTW regel met BTW code 5 komt niet overeen met het totaal aan BTW-bedragen "
         "in de grondslagregels.",
         "Input 1: The amount of the VAT line with VAT code 5 does not correspond to the total amount of VAT in "
         "the basic payment rules."),
        ({"line": {"CostCenter": "Intern"}}, "Ongeldige referentie: Kostenplaats", "Invalid reference: Cost center"),
        ({"Customer": "supplier"}, "Ongeldig: Klant (Type)", "Invalid: Customer (Type)"),
        ({"Journal": None}, "Verplicht: Dagboek", "Mandatory: Diary"),
        ({"Journal": "20"}, "Ongeldig: Dagboek", "Invalid: Journal (type)."),
        ({"EntryDate": "2019-05-01"}, "Onbekend: Boekjaar (Periode - datumtabel).",
         "Unknown: Fiscal year (Period - date table)."),
    ],
)
def test_business_errors_are_500_in_dutch_or_english(entries_api, english, change, dutch, english_text):
    customer, supplier, gl = _ids(entries_api)
    body = _entry(customer, gl["8000"])
    for name, value in change.items():
        if name == "line":
            for line_name, line_value in value.items():
                if isinstance(line_value, str) and line_value.startswith("gl:"):
                    line_value = gl[line_value[3:]]
                body["SalesEntryLines"][0][line_name] = line_value
        else:
            body[name] = supplier if value == "supplier" else value
    body = {name: value for name, value in body.items() if value is not None}
    dutch_answer = entries_api.post("salesentry/SalesEntries", body)
    assert dutch_answer.status_code == 500
    assert _message(dutch_answer) == dutch
    english_answer = english.post("salesentry/SalesEntries", body)
    assert english_answer.status_code == 500
    assert _message(english_answer) == english_text
    assert entries_api.get("salesentry/SalesEntries", {"$select": "EntryID"}).json()["d"]["results"] == []


def test_several_business_errors_are_joined_with_crlf(entries_api):
    customer, supplier, gl = _ids(entries_api)
    body = _entry(supplier, gl["1300"])
    answer = entries_api.post("salesentry/SalesEntries", body)
    assert _message(answer).split("\r\n") == ["Ongeldig: Klant (Type)", "Ongeldig: Grootboekrekeningtype"]


def test_a_closed_period_is_refused(entries_api, english, settings):
    customer, _, gl = _ids(entries_api)
    close_period(division=DIVISION, year=2026, period=5)
    answer = entries_api.post("salesentry/SalesEntries", _entry(customer, gl["8000"]))
    assert answer.status_code == 500 and _message(answer) == "Periode afgesloten: 2026 - 5"
    settings.SANDBOX_EXACT_WORDING = "xml"
    answer = entries_api.post("salesentry/SalesEntries", _entry(customer, gl["8000"]))
    assert answer.status_code == 500 and _message(answer) == "Periode is afgesloten: 2026 - 5"
    assert _message(english.post("salesentry/SalesEntries", _entry(customer, gl["8000"]))) == "Period is closed: 2026 - 5"


def test_a_payment_condition_is_needed_from_the_entry_the_account_or_the_division(entries_api, english):
    _, _, gl = _ids(entries_api)
    bare = entries_api.post("crm/Accounts", {"Code": "40001", "Name": "Nieuwe klant", "Status": "C"}).json()["d"]
    answer = entries_api.post("salesentry/SalesEntries", _entry(bare["ID"], gl["8000"]))
    assert answer.status_code == 500 and _message(answer) == "Verplicht: Betalingsconditie"
    assert _message(english.post("salesentry/SalesEntries", _entry(bare["ID"], gl["8000"]))) == (
        "Mandatory: Payment condition"
    )
    given = entries_api.post("salesentry/SalesEntries", _entry(bare["ID"], gl["8000"], PaymentCondition="14"))
    assert given.status_code == 201 and given.json()["d"]["PaymentCondition"] == "14"


def test_an_unknown_property_is_a_stream_error(entries_api):
    customer, _, gl = _ids(entries_api)
    answer = entries_api.post("salesentry/SalesEntries", _entry(customer, gl["8000"], Bogus=1))
    assert answer.status_code == 400
    assert _message(answer).startswith("Error processing request stream. The property name 'Bogus' specified for type")


def test_a_read_only_property_is_refused(entries_api):
    customer, _, gl = _ids(entries_api)
    answer = entries_api.post("salesentry/SalesEntries", _entry(customer, gl["8000"], AmountDC=121.0))
    assert answer.status_code == 400
    assert _message(answer).startswith("Error processing request stream.")
    assert "'AmountDC'" in _message(answer)
    line = entries_api.post("salesentry/SalesEntries", _entry(customer, gl["8000"], line={"GLAccountCode": "8000"}))
    assert line.status_code == 400


def test_a_value_of_the_wrong_type_is_a_stream_error(entries_api):
    customer, _, gl = _ids(entries_api)
    answer = entries_api.post("salesentry/SalesEntries", _entry(customer, gl["8000"], EntryNumber="twelve"))
    assert answer.status_code == 400
    assert _message(answer).startswith(
        "Error processing request stream. Error encountered in converting the value from request payload "
        "for property 'EntryNumber' to type 'System.Int32'"
    )
    guid = entries_api.post("salesentry/SalesEntries", _entry("not-a-guid", gl["8000"]))
    assert guid.status_code == 400


def test_adding_lines_in_a_put_is_refused(entries_api):
    customer, _, gl = _ids(entries_api)
    entry = entries_api.post("salesentry/SalesEntries", _entry(customer, gl["8000"])).json()["d"]
    answer = entries_api.put(f"salesentry/SalesEntries(guid'{entry['EntryID']}')", {"SalesEntryLines": []})
    assert answer.status_code == 400
    assert _message(answer).startswith("Error processing request stream. Binding to new entities")


def test_documents_and_attachments(entries_api):
    customer, _, gl = _ids(entries_api)
    document = entries_api.post("documents/Documents", {"Subject": "Factuur F2026-001", "Type": 10, "Account": customer})
    assert document.status_code == 201
    doc_id = document.json()["d"]["ID"]
    pdf = b"%PDF-1.4 sandbox"
    attachment = entries_api.post("documents/DocumentAttachments", {
        "Document": doc_id, "FileName": "F2026-001.pdf", "Attachment": base64.b64encode(pdf).decode(),
    })
    assert attachment.status_code == 201 and attachment.json()["d"]["FileSize"] == len(pdf)
    entry = entries_api.post("salesentry/SalesEntries", _entry(customer, gl["8000"], Document=doc_id))
    assert entry.status_code == 201


def test_an_attachment_that_is_not_base64_is_refused(entries_api):
    customer, _, _ = _ids(entries_api)
    doc_id = entries_api.post("documents/Documents", {"Subject": "x", "Type": 10, "Account": customer}).json()["d"]["ID"]
    answer = entries_api.post("documents/DocumentAttachments", {
        "Document": doc_id, "FileName": "a.pdf", "Attachment": "%PDF-1.4 raw bytes",
    })
    assert answer.status_code == 400
    assert "for property 'Attachment' to type 'Byte[]'" in _message(answer)


def test_a_request_over_the_size_limit_is_refused(entries_api, settings):
    customer, _, _ = _ids(entries_api)
    doc_id = entries_api.post("documents/Documents", {"Subject": "x", "Type": 10, "Account": customer}).json()["d"]["ID"]
    settings.SANDBOX_EXACT_REQUEST_MAX_BYTES = 200
    body = {"Document": doc_id, "FileName": "a.pdf", "Attachment": base64.b64encode(b"x" * 60).decode()}
    assert entries_api.post("documents/DocumentAttachments", body).status_code == 201
    body["Attachment"] = base64.b64encode(b"x" * 120).decode()  # 120 bytes, 160 in base64: the request is over
    answer = entries_api.post("documents/DocumentAttachments", body)
    assert answer.status_code == 413 and _message(answer) == "Request Entity Too Large"


def test_the_products_largest_pdf_fits_in_the_sandboxs_request_limit(settings):
    base64_size = 4 * ((settings.EXACT_ATTACHMENT_MAX_BYTES + 2) // 3)
    assert base64_size + 1024 < settings.SANDBOX_EXACT_REQUEST_MAX_BYTES  # 1 KB for the rest of the JSON


def test_deleting_an_entry_deletes_its_lines(entries_api):
    customer, _, gl = _ids(entries_api)
    entry = entries_api.post("salesentry/SalesEntries", _entry(customer, gl["8000"])).json()["d"]
    assert entries_api.delete(f"salesentry/SalesEntries(guid'{entry['EntryID']}')").status_code == 204
    lines = entries_api.get("salesentry/SalesEntryLines", {"$filter": f"EntryID eq guid'{entry['EntryID']}'", "$select": "ID"})
    assert lines.json()["d"]["results"] == []


def test_entries_are_found_back_by_your_ref_case_insensitively(entries_api):
    customer, _, gl = _ids(entries_api)
    entries_api.post("salesentry/SalesEntries", _entry(customer, gl["8000"], YourRef="F2026-ABC"))
    found = entries_api.get("salesentry/SalesEntries", {"$filter": "YourRef eq 'f2026-abc' and Journal eq '70'",
                                                "$select": "EntryID,YourRef"})
    assert [row["YourRef"] for row in found.json()["d"]["results"]] == ["F2026-ABC"]
