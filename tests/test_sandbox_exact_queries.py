import pytest
from django.test import Client

from sandbox.exact.seed import me_row
from tests.sandbox_exact_support import Api, connect, seeded

pytestmark = pytest.mark.django_db(databases=["default", "sandbox"])


@pytest.fixture
def queries_api(settings):
    settings.SANDBOX_EXACT_RATE_LIMITS = False
    seeded()
    client = Client()
    return Api(client, connect(client)["access_token"])


def _accounts(queries_api, n):
    for number in range(n):
        answer = queries_api.post("crm/Accounts", {"Code": str(20000 + number), "Name": f"Klant {number}", "Status": "C"})
        assert answer.status_code == 201, answer.content


def test_lists_come_in_pages_of_sixty_with_an_absolute_next_link(queries_api):
    _accounts(queries_api, 70)
    first = queries_api.get("crm/Accounts", {"$filter": "Status eq 'C'", "$select": "ID,Code"}).json()["d"]
    assert len(first["results"]) == 60
    assert first["__next"].startswith("http://testserver/sandbox/exact/api/v1/1234567/crm/Accounts?")
    assert "%24skiptoken=guid" in first["__next"]
    second = queries_api.get(first["__next"]).json()["d"]
    assert "__next" not in second
    ids = [row["ID"] for row in first["results"] + second["results"]]
    assert len(ids) == len(set(ids)) == 75  # 70 new + 5 seeded customers


def test_bulk_endpoints_page_a_thousand(queries_api):
    _accounts(queries_api, 70)
    # Mandatory filtering (picqer #591): a filter on ID that selects every account.
    everyone = "ID ne guid'00000000-0000-0000-0000-000000000000'"
    page = queries_api.get("bulk/CRM/Accounts", {"$select": "ID", "$filter": everyone}).json()["d"]
    assert len(page["results"]) == 76 and "__next" not in page


def test_sync_endpoints_filter_on_timestamp(queries_api):
    rows = queries_api.get("sync/Financial/GLAccounts", {"$filter": "Timestamp gt 1L", "$select": "Timestamp,Code"}).json()
    # Edm.Int64 comes as a JSON string, as OData v2 writes it.
    assert all(isinstance(row["Timestamp"], str) for row in rows["d"]["results"])
    stamps = [int(row["Timestamp"]) for row in rows["d"]["results"]]
    assert stamps == sorted(stamps) and len(stamps) == 11
    later = queries_api.get("sync/Financial/GLAccounts", {"$filter": f"Timestamp gt {stamps[5]}L", "$select": "Code"})
    assert len(later.json()["d"]["results"]) == 5


def test_account_codes_are_right_aligned_and_filters_need_the_padding(queries_api):
    padded = queries_api.get("crm/Accounts", {"$filter": "Code eq '             10001'", "$select": "Code,Status"})
    assert padded.json()["d"]["results"] == [
        {"__metadata": padded.json()["d"]["results"][0]["__metadata"], "Code": "             10001", "Status": "C"}
    ]
    bare = queries_api.get("crm/Accounts", {"$filter": "Code eq '10001'", "$select": "Code"})
    assert bare.json()["d"]["results"] == []
    trimmed = queries_api.get("crm/Accounts", {"$filter": "trim(Code) eq '10001'", "$select": "Code"})
    assert len(trimmed.json()["d"]["results"]) == 1


def test_crm_accounts_refuse_a_list_without_a_filter(queries_api):
    answer = queries_api.get("crm/Accounts", {"$select": "ID"})
    assert answer.status_code == 400
    text = answer.json()["error"]["message"]["value"]
    assert text.startswith("This endpoint has mandatory filtering applied. A GET request for this endpoint")


def test_a_list_without_select_is_refused(queries_api):
    answer = queries_api.get("vat/VATCodes")
    assert answer.status_code == 400
    assert answer.json()["error"]["message"]["value"] == (
        "Please add a $select or a $top=1 statement to the query string."
    )
    assert queries_api.get("vat/VATCodes", {"$top": "1"}).status_code == 200


def test_filters_combine_and_or_parentheses_and_literals(queries_api):
    vat = queries_api.get("vat/VATCodes", {
        "$filter": "(Type eq 'E' or Type eq 'B') and VATTransactionType ne 'P' and Percentage gt 0.1",
        "$select": "Code",
    }).json()["d"]["results"]
    assert [row["Code"] for row in vat] == ["2  "]
    # SQL Server ignores trailing spaces: '2' finds '2  '
    assert len(queries_api.get("vat/VATCodes", {"$filter": "Code eq '2'", "$select": "Code"}).json()["d"]["results"]) == 1
    gl = queries_api.one("financial/GLAccounts", "Code eq '8000'", "ID,Code")
    by_guid = queries_api.one("financial/GLAccounts", f"ID eq guid'{gl['ID']}'", "Code")
    assert by_guid["Code"] == "8000"
    periods = queries_api.get("financial/FinancialPeriods", {
        "$filter": "StartDate le datetime'2026-03-15' and EndDate ge datetime'2026-03-15T00:00:00'",
        "$select": "FinYear,FinPeriod,StartDate",
    }).json()["d"]["results"]
    assert [(row["FinYear"], row["FinPeriod"]) for row in periods] == [(2026, 3)]
    assert periods[0]["StartDate"].startswith("/Date(") and periods[0]["StartDate"].endswith(")/")


def test_or_chains_of_codes_are_answered_from_a_narrowed_read_with_the_same_rows(queries_api):
    from sandbox.exact import store
    from sandbox.exact.entities import entity
    from sandbox.exact.odata import parse_filter

    _accounts(queries_api, 6)
    codes = " or ".join(f"Code eq '{str(20000 + n).rjust(18)}'" for n in (1, 3, 5))
    found = queries_api.get("crm/Accounts", {"$filter": codes, "$select": "Code"}).json()["d"]["results"]
    assert sorted(row["Code"].strip() for row in found) == ["20001", "20003", "20005"]
    # The chain narrows the read in the database; a term that cannot narrow (a boolean) reads everything.
    accounts = entity("crm/Accounts")
    assert store._narrowing(parse_filter(codes, accounts.properties, accounts.type_name), accounts) is not None
    mixed = parse_filter("Code eq '20001' or Blocked eq false", accounts.properties, accounts.type_name)
    assert store._narrowing(mixed, accounts) is None
    either = queries_api.get("crm/Accounts", {"$filter": "Code eq '20001' or Blocked eq false", "$select": "Code"})
    assert len(either.json()["d"]["results"]) > 3


def test_string_literals_escape_quotes_by_doubling(queries_api):
    queries_api.post("crm/Accounts", {"Code": "30001", "Name": "Bakkerij 't Hoekje", "Status": "C"})
    found = queries_api.one("crm/Accounts", "Name eq 'Bakkerij ''t Hoekje'", "Name")
    assert found["Name"] == "Bakkerij 't Hoekje"


def test_a_broken_filter_is_a_400(queries_api):
    assert queries_api.get("vat/VATCodes", {"$filter": "Code eq '2", "$select": "Code"}).status_code == 400
    unknown = queries_api.get("vat/VATCodes", {"$filter": "Nope eq 1", "$select": "Code"})
    assert unknown.status_code == 400
    assert "No property 'Nope'" in unknown.json()["error"]["message"]["value"]


def test_top_skip_orderby_and_inlinecount(queries_api):
    answer = queries_api.get("financial/GLAccounts", {
        "$select": "Code", "$orderby": "Code desc", "$top": "3", "$skip": "1", "$inlinecount": "allpages",
        "$filter": "Code ne ''",  # mandatory filtering: GL accounts have a sync twin
    }).json()["d"]
    assert [row["Code"] for row in answer["results"]] == ["8910", "8900", "8300"]
    assert answer["__count"] == "11"


def test_one_entity_by_guid_and_404_when_absent(queries_api):
    gl = queries_api.one("financial/GLAccounts", "Code eq '8000'", "ID")
    single = queries_api.get(f"financial/GLAccounts(guid'{gl['ID']}')")
    assert single.status_code == 200 and single.json()["d"]["Code"] == "8000"
    missing = queries_api.get("financial/GLAccounts(guid'00000000-0000-0000-0000-000000000001')")
    assert missing.status_code == 404


def test_me_and_divisions(queries_api):
    me = queries_api.get("http://testserver/sandbox/exact/api/v1/current/Me").json()["d"]["results"][0]
    assert me["CurrentDivision"] == me_row(division=1234567)["CurrentDivision"]
    divisions = queries_api.get("system/Divisions", {"$select": "Code,Description,Currency"}).json()["d"]["results"]
    assert divisions[0]["Code"] == 1234567 and divisions[0]["Currency"] == "EUR"


def test_endpoints_outside_the_definitions_do_not_exist(queries_api):
    assert queries_api.get("logistics/Items", {"$select": "ID"}).status_code == 404


def test_methods_outside_the_definitions_are_refused(queries_api):
    assert queries_api.post("financial/FinancialPeriods", {"FinYear": 2030}).status_code == 405


def test_put_changes_and_delete_removes_with_empty_answers(queries_api):
    account = queries_api.one("crm/Accounts", "Code eq '             10001'", "ID")
    changed = queries_api.put(f"crm/Accounts(guid'{account['ID']}')", {"Email": "nieuw@example.nl"})
    assert changed.status_code == 204 and changed.content == b""
    assert queries_api.one("crm/Accounts", f"ID eq guid'{account['ID']}'", "Email")["Email"] == "nieuw@example.nl"
    contact = queries_api.post("crm/Contacts", {"Account": account["ID"], "FirstName": "Els", "LastName": "Jansen"}).json()["d"]
    deleted = queries_api.delete(f"crm/Contacts(guid'{contact['ID']}')")
    assert deleted.status_code == 204 and deleted.content == b""


def test_an_account_gets_the_next_code_when_none_is_given_and_a_taken_code_is_refused(queries_api):
    new = queries_api.post("crm/Accounts", {"Name": "Zonder code", "Status": "C"}).json()["d"]
    assert new["Code"] == "             10007"
    taken = queries_api.post("crm/Accounts", {"Code": "10001", "Name": "Dubbel", "Status": "C"})
    assert taken.status_code == 500
    assert taken.json()["error"]["message"]["value"] == "Gegeven bestaat reeds."


def test_without_prefer_return_representation_a_post_answers_only_the_key(queries_api):
    answer = queries_api.post("crm/Accounts", {"Code": "80001", "Name": "Zonder Prefer", "Status": "C"}, Prefer="")
    body = answer.json()["d"]
    assert answer.status_code == 201 and body["ID"] and body["Name"] is None


def test_sync_endpoints_filter_on_timestamp_only(queries_api):
    answer = queries_api.get("sync/CRM/Accounts", {"$filter": "Timestamp gt 1L and Status eq 'C'", "$select": "Code"})
    assert answer.status_code == 400
    assert answer.json()["error"]["message"]["value"] == "Filtering on these fields is not supported: Status"
