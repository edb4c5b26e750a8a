"""The simulated Coachview's dialects: each serves its own shape, publishes a matching OpenAPI document,
and the product's go-live probe finds exactly the dialect's profile (`dialect_profile_overrides`)."""

import copy
import random

import pytest

from coupling.coachview import profile as product_profile
from sandbox.coachview.dialects import CONCEPT_DEFAULTS, DIALECTS, WRITEBACKS, dialect_profile_overrides
from sandbox.coachview.seed import seed_coachview

pytestmark = pytest.mark.django_db(databases=["default", "sandbox"])
BASE = "/sandbox/coachview"


def test_the_concept_defaults_copy_equals_the_products():
    assert CONCEPT_DEFAULTS == {c.name: (c.default, c.resource) for c in product_profile.CONCEPTS}


def test_the_writebacks_are_what_the_products_profile_accepts():
    for key, value in WRITEBACKS.items():
        assert product_profile.entry_check(key, copy.deepcopy(value)) == value


def _expected(name: str) -> dict:
    expected = product_profile.profile_default()
    overrides = copy.deepcopy(dialect_profile_overrides(name))
    expected["fields"].update(overrides.pop("fields", {}))
    expected.update(overrides)
    return expected


NAMES = sorted(DIALECTS)


@pytest.mark.parametrize("name", NAMES)
def test_the_probe_finds_exactly_the_dialects_profile(name, coachview):
    from coupling.coachview.probe import coachview_probe
    from coupling.models import CoachviewProfile

    seed_coachview(rng=random.Random(1), invoices=30, debtors=12, dialect=name)
    CoachviewProfile.objects.update(entries={})  # the product's defaults: the probe must find the rest
    report = coachview_probe(apply=True)

    assert report.usable, report.as_json()
    assert CoachviewProfile.load().view.data == _expected(name)


@pytest.mark.parametrize("precision", ["s", "date"])
def test_the_probe_measures_the_where_precision_the_sandbox_compares_at(precision, coachview, settings):
    from coupling.coachview.probe import coachview_probe
    from coupling.models import CoachviewProfile

    settings.SANDBOX_COACHVIEW_WHERE_PRECISION = precision
    seed_coachview(rng=random.Random(1), invoices=30, debtors=12, dialect="default")
    CoachviewProfile.objects.update(entries={})
    assert coachview_probe(apply=True).usable
    assert dialect_profile_overrides("default")["where_precision"] == precision
    assert CoachviewProfile.load().view.data == _expected("default")


def token_get(client, settings, **extra) -> str:
    form = {
        "grant_type": "client_credentials",
        "client_id": settings.SANDBOX_COACHVIEW_CLIENT_ID,
        "client_secret": settings.SANDBOX_COACHVIEW_CLIENT_SECRET,
        **extra,
    }
    return client.post(f"{BASE}/auth/connect/token", form).json()["access_token"]


@pytest.fixture
def get(client, settings):
    """GET under api/v1 with a token asked for at the first call (seeding wipes the tokens)."""
    settings.SANDBOX = True
    tokens = []

    def call(path, **params):
        tokens or tokens.append(token_get(client, settings))
        return client.get(f"{BASE}/api/v1/{path}", params, HTTP_AUTHORIZATION=f"Bearer {tokens[0]}")

    return call


def _seed(name):
    seed_coachview(rng=random.Random(1), invoices=12, debtors=8, dialect=name)


def _swagger(client):
    answer = client.get(f"{BASE}/swagger/v1/swagger.json")
    assert answer.status_code == 200
    return answer.json()


def test_the_default_dialect_serves_the_documented_example_shape(get, client):
    _seed("default")
    invoices = get("Facturen", take=100).json()
    invoice = next(i for i in invoices if i["status"] == "Verzonden")
    assert {"id", "factuurnummer", "factuurdatum", "debiteurId", "totaalInclBtw", "factuurregels", "auditTrail"} <= set(invoice)
    assert {"Concept", "Verzonden"} == {i["status"] for i in invoices}
    assert set(invoice["auditTrail"]) == {"aangemaaktDatumTijd", "gewijzigdDatumTijd", "etag"}
    debtor = get("Debiteuren", take=1).json()[0]
    assert {"externId", "externSource", "debiteurnummer", "factuurAdres", "contactpersoon"} <= set(debtor)
    assert get(f"Facturen/{invoice['id']}").json() == invoice
    assert get(f"Facturen/{invoice['id']}/Pdf").content.startswith(b"%PDF-")
    assert get("Bedrijven").json()[0].keys() >= {"id", "naam", "externId", "externSource", "auditTrail"}
    assert get("Personen").json()[0].keys() >= {"id", "achternaam", "externId", "externSource", "auditTrail"}

    paths = _swagger(client)["paths"]
    assert _swagger(client)["openapi"] == "3.0.1"
    assert {
        "/api/v1/Facturen", "/api/v1/Facturen/{id}", "/api/v1/Debiteuren", "/api/v1/Bedrijven", "/api/v1/Personen",
        "/api/v1/Facturen/{id}/Pdf", "/api/v1/Facturen/{id}/Boekingsstatus", "/api/v1/Facturen/{id}/Betaalstatus",
    } <= set(paths)  # fmt: skip
    assert "put" in paths["/api/v1/Facturen/{id}/Boekingsstatus"]


def test_lines_separate_serves_factuurregels_by_factuur_id(get, client):
    _seed("lines-separate")
    invoices = get("Facturen", take=3).json()
    assert all("factuurregels" not in i for i in invoices)
    wanted = [invoices[0]["id"], invoices[2]["id"]]
    lines = get("Factuurregels", where=f"factuurId={','.join(wanted)}").json()
    assert lines and {line["factuurId"] for line in lines} == set(wanted)
    assert all({"id", "volgnummer", "bedragExclBtw", "auditTrail"} <= set(line) for line in lines)
    assert get(f"Factuurregels/{lines[0]['id']}").json() == lines[0]
    assert "/api/v1/Factuurregels" in _swagger(client)["paths"]


def test_definitief_serves_concept_and_definitief(get, client):
    _seed("definitief")
    assert {i["status"] for i in get("Facturen").json()} == {"Concept", "Definitief"}
    assert {i["status"] for i in get("Facturen", where="status=Definitief").json()} == {"Definitief"}
    status = _swagger(client)["components"]["schemas"]["Factuur"]["properties"]["status"]
    assert "Definitief" in status["enum"] and "Verzonden" not in status["enum"]


def test_casing_serves_other_key_names_and_links_debtors_to_companies_and_persons(get, client):
    _seed("casing")
    invoice = get("Facturen", take=1).json()[0]
    assert {"factuurNummer", "factuurDatum", "debiteurID", "totaalInclBTW"} <= set(invoice)
    assert "factuurnummer" not in invoice
    debtors = get("Debiteuren").json()
    companies = {c["id"] for c in get("Bedrijven").json()}
    persons = {p["id"] for p in get("Personen").json()}
    assert all((d["bedrijfId"] in companies) != (d["persoonId"] in persons) for d in debtors)
    assert "debiteurNummer" in _swagger(client)["components"]["schemas"]["Debiteur"]["properties"]
    # where and orderby name fields case-insensitively, whatever the JSON's casing.
    number = invoice["factuurNummer"]
    assert [i["factuurNummer"] for i in get("Facturen", where=f"FACTUURNUMMER={number}").json()] == [number]


def test_no_pdf_no_writeback_has_neither(get, client, settings):
    _seed("no-pdf-no-writeback")
    invoice = get("Facturen", take=1).json()[0]
    for action in ("Pdf", "Document", "Factuur", "PDF"):
        assert get(f"Facturen/{invoice['id']}/{action}").status_code == 404
    put = client.put(
        f"{BASE}/api/v1/Facturen/{invoice['id']}/Boekingsstatus",
        {"bevestigd": True, "bevestigdOmschrijving": "x"},
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {token_get(client, settings)}",
    )
    assert put.status_code == 404
    paths = _swagger(client)["paths"]
    assert not [p for p in paths if p.endswith(("Pdf", "status"))]
    assert not [p for p, ops in paths.items() if set(ops) - {"get"}]
