from datetime import date
from decimal import Decimal

import pytest

from coupling.exact import odata
from coupling.exact.entities import ExactPayloadError, check_payload, properties, writable

# The fields contracts.md says we send; a payload builder elsewhere must stay within these.
CONTRACT_FIELDS = {
    ("crm/Accounts", "POST"): [
        "Code", "Name", "Status", "AddressLine1", "AddressLine2", "AddressLine3", "Postcode", "City",
        "Country", "Email", "Phone", "VATNumber", "ChamberOfCommerce",
    ],
    ("crm/Accounts", "PUT"): ["Name", "AddressLine1", "Postcode", "City", "Country", "Email", "Phone"],
    ("crm/BankAccounts", "POST"): ["Account", "BankAccount"],
    ("crm/Contacts", "POST"): ["Account", "FirstName", "LastName", "Email"],
    ("salesentry/SalesEntries", "POST"): [
        "Journal", "Customer", "EntryDate", "DueDate", "YourRef", "EntryNumber", "Description",
        "PaymentCondition", "PaymentReference", "Currency", "Document", "SalesEntryLines", "EntryID",
    ],
    ("salesentry/SalesEntryLines", "POST"): [
        "GLAccount", "AmountFC", "VATCode", "VATAmountFC", "CostCenter", "Description", "Quantity", "From", "To",
    ],
    ("documents/Documents", "POST"): ["Subject", "Type", "Account"],
    ("documents/DocumentAttachments", "POST"): ["Document", "FileName", "Attachment"],
}


@pytest.mark.parametrize(("resource", "method"), list(CONTRACT_FIELDS))
def test_every_field_the_contract_sends_exists_and_is_writable(resource, method):
    assert set(CONTRACT_FIELDS[(resource, method)]) <= writable(resource, method)


def test_a_full_sales_entry_payload_passes_the_check():
    guid = "c2f2e9c5-5f2e-4f61-9d52-1c5b7b1f0a11"
    line = {
        "GLAccount": guid, "AmountFC": Decimal("100.00"), "VATCode": "2  ", "VATAmountFC": Decimal("21.00"),
        "CostCenter": "100", "Description": "Cursus", "Quantity": 1, "From": date(2026, 1, 1), "To": date(2026, 1, 31),
    }
    entry = {
        "Journal": "70", "Customer": guid, "EntryDate": date(2026, 1, 5), "YourRef": "2026-0042",
        "EntryNumber": 260042, "Description": "Factuur 2026-0042", "SalesEntryLines": [line],
    }
    check_payload("salesentry/SalesEntries", "POST", entry)


@pytest.mark.parametrize(
    ("resource", "method", "payload", "problem"),
    [
        ("crm/Accounts", "POST", {"Naam": "x"}, "no property"),
        ("crm/Accounts", "POST", {"IsSales": True}, "read-only"),
        ("salesentry/SalesEntries", "POST", {"AmountDC": 1}, "read-only"),
        ("salesentry/SalesEntries", "POST", {"SalesEntryLines": [{"AmountDC": 1}]}, "read-only"),
        ("salesentry/SalesEntries", "PUT", {"SalesEntryLines": []}, "only be sent with POST"),
        ("salesentry/SalesEntries", "POST", {"EntryNumber": "12"}, "Int32"),
        ("salesentry/SalesEntryLines", "POST", {"AmountFC": "100.00"}, "Double"),
        ("crm/Accounts", "POST", {"Blocked": 1}, "Boolean"),
        ("crm/Accounts", "POST", {"Name": True}, "UTF8String"),
        ("financial/FinancialPeriods", "POST", {}, "not allowed"),
        ("crm/Nonsense", "POST", {}, "not in exact-entities.json"),
    ],
)
def test_a_payload_exact_would_refuse_is_a_programming_error(resource, method, payload, problem):
    with pytest.raises(ExactPayloadError, match=problem):
        check_payload(resource, method, payload)


def test_it_knows_current_me_outside_a_division():
    assert "CurrentDivision" in properties("current/Me")


@pytest.mark.parametrize(
    ("literal", "expected"),
    [
        (odata.string("O'Brien"), "'O''Brien'"),
        (odata.guid("C2F2E9C5-5F2E-4F61-9D52-1C5B7B1F0A11"), "guid'c2f2e9c5-5f2e-4f61-9d52-1c5b7b1f0a11'"),
        (odata.datetime_(date(2026, 1, 5)), "datetime'2026-01-05T00:00:00'"),
        (odata.int64(123456), "123456L"),
        (odata.account_code("100100"), "'            100100'"),
        (odata.account_code(42), "'                42'"),
    ],
)
def test_filter_literals_are_escaped(literal, expected):
    assert literal == expected


def test_a_guid_literal_refuses_anything_else():
    with pytest.raises(ValueError):
        odata.guid("' or 1 eq 1")


def test_an_account_code_longer_than_18_characters_is_refused():
    with pytest.raises(ValueError):
        odata.account_code("1" * 19)
