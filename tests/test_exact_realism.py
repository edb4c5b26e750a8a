"""Exact as public evidence shows it: refused filters, the token chain, the client's refusal, deferred revenue."""

from datetime import date, timedelta

import pytest
from django.test import Client
from django.urls import reverse

from coupling import clock
from coupling.exact.client import ExactClient
from coupling.exact.errors import ExactClientRefused, ExactError
from coupling.exact.oauth import access_token_current
from coupling.models import ExactApiCall, ExactConnection
from mappings.models import CouplingOptions, ExactGLAccount
from sync.services.preflight import invoice_preflight
from tests.factories import ADMINISTRATION, InvoiceExportFactory, InvoiceFactory, exact_mirror_seed
from tests.payments_support import exact_connect
from tests.sandbox_exact_support import API, Api, connect, seeded, token_call

SANDBOX = pytest.mark.django_db(databases=["default", "sandbox"])


# -- 1. reads Exact may refuse ------------------------------------------------------------------


@SANDBOX
@pytest.mark.parametrize("path", ["bulk/Financial/GLAccounts", "financial/GLAccounts", "crm/Accounts", "bulk/CRM/Accounts"])
def test_endpoints_with_a_sync_twin_need_a_filter_on_one_of_their_fields(api, path):
    answer = api.get(path, {"$select": "ID"})
    assert answer.status_code == 400
    assert "This endpoint has mandatory filtering applied." in answer.json()["error"]["message"]["value"]


@SANDBOX
def test_the_crm_accounts_text_names_every_field_exact_lists(api):
    text = api.get("crm/Accounts", {"$select": "ID"}).json()["error"]["message"]["value"]
    # picqer #591 (2022-10): the full list, Classification1..8 and BRIN/BSN/RSIN included.
    assert text.endswith("in the url:Accountant,AccountManager,AddressLine1,AddressLine2,AddressLine3,Blocked,BRIN,BSN,"
                         "ChamberOfCommerce,City,Classification1,Classification2,Classification3,Classification4,"
                         "Classification5,Classification6,Classification7,Classification8,Classification,Code,"
                         "CodeAtSupplier,Country,Created,Email,EndDate,Fax,ID,InvoiceAccount,IsAccountant,IsReseller,"
                         "IsSales,IsSupplier,MainContact,Modified,Name,Parent,Phone,Postcode,PriceList,Reseller,RSIN,"
                         "SearchCode,StartDate,Status,Type,VATNumber.")


@SANDBOX
@pytest.mark.parametrize("path, filter_", [
    ("bulk/Cashflow/Receivables", "IsFullyPaid eq false"),
    ("bulk/Cashflow/Receivables", "TransactionEntryID eq guid'00000000-0000-0000-0000-000000000000'"),
    ("bulk/Cashflow/Receivables", "YourRef eq '1' or YourRef eq '2'"),
    ("bulk/CRM/Accounts", "Website eq 'x' and Code eq '1'"),
])
def test_a_bulk_endpoint_refuses_a_filter_on_other_fields_with_exacts_wording(api, path, filter_):
    answer = api.get(path, {"$select": "ID", "$filter": filter_})
    assert answer.status_code == 400
    assert answer.json()["error"]["message"]["value"].startswith("Filtering on these fields is not supported: ")


@SANDBOX
def test_what_the_product_reads_is_not_refused(api):
    assert api.get("sync/Financial/GLAccounts", {"$select": "ID,Code", "$filter": "Timestamp gt 1L"}).status_code == 200
    assert api.get("financial/GLAccounts", {"$select": "ID", "$filter": "Code eq '8000'"}).status_code == 200
    answer = api.get("cashflow/Receivables", {"$select": "ID", "$filter": "IsFullyPaid eq false"})
    assert answer.status_code == 200  # a filter on the single endpoint is accepted (observed, reference §4.10)


# -- 3. deferred revenue only on purpose --------------------------------------------------------


@pytest.mark.django_db
def test_spreading_revenue_holds_invoices_until_the_deferred_revenue_account_is_usable():
    exact_mirror_seed()
    export = InvoiceExportFactory(invoice=InvoiceFactory(lines=[{"period_from": date(2026, 3, 2), "period_to": date(2026, 6, 30)}]))
    assert invoice_preflight(export=export) == []  # off by default: From/To are not sent, nothing to check
    CouplingOptions.objects.filter(administration=ADMINISTRATION).update(spread_revenue=True)
    assert [r["code"] for r in invoice_preflight(export=export)] == ["preflight.spread_revenue_not_set_up"]
    ExactGLAccount.objects.create(administration=ADMINISTRATION, code="1790", description="Vooruitontvangen", gl_type=27)
    CouplingOptions.objects.filter(administration=ADMINISTRATION).update(deferred_revenue_gl_account="1790")
    assert invoice_preflight(export=export) == []


# -- 4. the token chain as Exact keeps it -------------------------------------------------------


@SANDBOX
def test_an_old_refresh_token_works_until_its_successor_is_used_then_says_old_refresh_token_used(db, settings):
    settings.SANDBOX = True
    settings.SANDBOX_EXACT_REFRESH_MARGIN_SECONDS = 10**6  # any refresh is late enough
    seeded()
    client = Client()
    first = connect(client)
    one = token_call(client, grant_type="refresh_token", refresh_token=first["refresh_token"])
    two = token_call(client, grant_type="refresh_token", refresh_token=first["refresh_token"])
    assert (one.status_code, two.status_code) == (200, 200)  # two refreshes with one token (picqer #544)
    winner, loser = two.json(), one.json()
    assert Api(client, winner["access_token"]).get("vat/VATCodes", {"$select": "ID"}).status_code == 200
    assert Api(client, loser["access_token"]).get("vat/VATCodes", {"$select": "ID"}).status_code == 401
    again = token_call(client, grant_type="refresh_token", refresh_token=first["refresh_token"])
    assert again.status_code == 401 and again.json() == {
        "error": "unauthorized_client", "error_description": "Old refresh token used."
    }
    # The chain lives on with the pair that was used.
    assert token_call(client, grant_type="refresh_token", refresh_token=winner["refresh_token"]).status_code == 200


@pytest.fixture
def linked(coachview, settings):
    settings.SANDBOX_EXACT_REFRESH_MARGIN_SECONDS = 10**6
    exact_connect()
    return ExactConnection.load()


def _expire_access(connection) -> None:
    ExactConnection.objects.filter(pk=connection.pk).update(access_token_expires_at=clock.now() - timedelta(seconds=1))


@SANDBOX
def test_a_refresh_whose_answer_was_lost_is_repeated_with_the_old_token(linked, sandbox_http):
    client = Client()
    answer = client.post("/sandbox/exact/api/oauth2/token", {
        "grant_type": "refresh_token", "refresh_token": linked.refresh_token,
        "client_id": linked.client_id, "client_secret": linked.client_secret,
    })
    assert answer.status_code == 200  # Exact answered, but the answer never reached the product
    _expire_access(linked)
    token = access_token_current()
    assert token != linked.access_token
    assert ExactConnection.load().status == ExactConnection.Status.CONNECTED
    assert ExactClient().get_list("vat/VATCodes", select=["ID"])


@SANDBOX
def test_old_refresh_token_used_after_another_process_refreshed_uses_that_process_token(linked, monkeypatch, settings):
    from coupling.exact import oauth

    settings.EXACT_REFRESH_LEASE = False
    stale = ExactConnection.load()
    _expire_access(stale)
    access_token_current()  # another process refreshes, stores the new pair and uses it
    ExactClient().get_list("vat/VATCodes", select=["ID"])
    stale.access_token_expires_at = clock.now() - timedelta(seconds=1)
    monkeypatch.setattr(oauth, "usable_connection", lambda connection: stale)
    token = access_token_current()
    assert token == ExactConnection.load().access_token
    assert ExactConnection.load().status == ExactConnection.Status.CONNECTED


@SANDBOX
@pytest.mark.parametrize("answer", ["invalid_request", "invalid_client"])
def test_a_refused_client_is_a_configuration_problem_with_one_failing_call(linked, settings, answer):
    from sync.models import HealthProblem
    from sync.services.health import link_health_check

    settings.SANDBOX_EXACT_INVALID_CLIENT_ERROR = answer
    ExactConnection.objects.update(client_secret="wrong")
    _expire_access(linked)
    ExactApiCall.objects.all().delete()
    with pytest.raises(ExactClientRefused):
        ExactClient().get_list("vat/VATCodes", select=["ID"])
    with pytest.raises(ExactError):
        ExactClient()
    connection = ExactConnection.load()
    assert connection.status == ExactConnection.Status.CLIENT_REFUSED and answer in connection.last_error
    assert ExactApiCall.objects.count() == 1  # the one refused token call, nothing after it
    kinds = [problem.kind for problem in link_health_check()]
    assert HealthProblem.Kind.CLIENT_REFUSED in kinds and HealthProblem.Kind.RECONNECT_NEEDED not in kinds


@pytest.mark.django_db
def test_the_person_connecting_sees_exacts_error_description(admin_client):
    ExactConnection.objects.create(client_id="x", client_secret="y")
    session = admin_client.session
    session["exact_oauth_state"] = "s"
    session.save()
    page = admin_client.get(
        reverse("admin:coupling_exactconnection_oauth_callback"),
        {"state": "s", "error": "invalid_grant", "error_description": "The user is not active"},
        follow=True,
    )
    assert b"invalid_grant: The user is not active" in page.content


TOKEN_ANSWERS = [
    ('{"error":"unauthorized_client","error_description":"Old refresh token used."}', "exact.oauth_refresh_token_reused"),
    ("Old refresh token used.", "exact.oauth_refresh_token_reused"),
    ("Exact Online needs to be connected again: Old refresh token used.", "exact.oauth_refresh_token_reused"),
    ('{ "error":"access_denied","error_description":"Rate limit exceeded: access_token not expired" }', "exact.oauth_too_early"),
    ("Rate limit exceeded: access_token not expired", "exact.oauth_too_early"),
    ("TooEarlyToRefreshTokens: Rate limit exceeded: access_token not expired", "exact.oauth_too_early"),
    ('{"error":"invalid_request","error_description":"The refresh token expired at 10\\/11\\/2022 9:18:20 PM and it is '
     'now 10\\/28\\/2022 4:15:50 PM."}', "exact.oauth_refresh_token_expired"),
    ("The refresh token expired at 10/11/2022 9:18:20 PM and it is now 10/28/2022 4:15:50 PM.", "exact.oauth_refresh_token_expired"),
    ("Exact's token refresh failed: The refresh token expired at 10/11/2022 9:18:20 PM and it is now 10/28/2022 4:15:50 PM.",
     "exact.oauth_refresh_token_expired"),
    ('{ "error":"invalid_grant","error_description":"Token is not allowed, because of invalid or empty chainId" }', "exact.oauth_chain_invalid"),
    ("Unknown: Token is not allowed, because of invalid or empty chainId", "exact.oauth_chain_invalid"),
    ('{"error":"invalid_request"}', "exact.oauth_invalid_client"),
    ('{"error":"invalid_client"}', "exact.oauth_invalid_client"),
    ("Exact refuses the coupling's client id or secret (invalid_client): correct them on the connection page.",
     "connection.client_refused"),
    ('{ "error": "invalid_grant", "error_description": "The user is not active" }', "exact.oauth_user_not_active"),
    ("The user is not active", "exact.oauth_user_not_active"),
]


@pytest.mark.django_db
@pytest.mark.parametrize("text, code", TOKEN_ANSWERS)
def test_every_known_token_endpoint_answer_is_explained_bare_or_wrapped(text, code):
    from sync.errorcatalogue.matching import catalogue_match

    assert [match.code for match in catalogue_match(text)] == [code]


@pytest.mark.django_db
def test_every_answer_that_breaks_the_chain_has_one_person_to_act():
    from sync.models import ErrorCatalogueEntry

    codes = ["exact.oauth_refresh_token_reused", "exact.oauth_refresh_token_expired", "exact.oauth_chain_invalid",
             "exact.oauth_user_not_active", "connection.reconnect_needed"]
    assert {entry.who_acts for entry in ErrorCatalogueEntry.objects.filter(code__in=codes)} == {"coupling_admin"}


# -- 5. smaller differences ---------------------------------------------------------------------


@SANDBOX
def test_hrm_divisions_is_served_like_system_divisions(api):
    answer = api.get("hrm/Divisions", {"$select": "Code"})
    assert answer.status_code == 200 and answer.json()["d"]["results"]


@SANDBOX
def test_top_1_without_select_is_accepted_and_a_list_without_either_is_refused(api):
    assert api.get("vat/VATCodes", {"$top": "1"}).status_code == 200
    refused = api.get("vat/VATCodes")
    assert refused.status_code == 400
    assert "Please add a $select or a $top=1 statement" in refused.json()["error"]["message"]["value"]


@SANDBOX
def test_another_division_is_forbidden_with_exacts_wrong_division_text(api):
    answer = api.client.get(API.replace("/1234567", "/7654321") + "/vat/VATCodes", {"$select": "Code"}, headers=api.headers)
    assert answer.status_code == 403 and "WrongDivision" in answer.json()["error"]["message"]["value"]


@SANDBOX
def test_read_only_properties_are_ignored_unless_strict_mode_is_on(api, settings):
    account = {"Name": "Nieuw B.V.", "Status": "C", "IsSales": True}  # IsSales is GET-only
    settings.SANDBOX_EXACT_STRICT_READONLY = True
    assert api.post("crm/Accounts", account).status_code == 400
    settings.SANDBOX_EXACT_STRICT_READONLY = False
    assert api.post("crm/Accounts", account).status_code == 201


@SANDBOX
def test_a_contact_needs_a_first_or_a_last_name_not_both(api):
    customer = api.get("crm/Accounts", {"$select": "ID", "$filter": "Status eq 'C'", "$top": "1"}).json()["d"]["results"][0]
    assert api.post("crm/Contacts", {"Account": customer["ID"], "LastName": "Vries"}).status_code == 201
    assert api.post("crm/Contacts", {"Account": customer["ID"], "FirstName": "Anna"}).status_code == 201
    assert api.post("crm/Contacts", {"Account": customer["ID"], "Email": "x@y.nl"}).status_code == 500
