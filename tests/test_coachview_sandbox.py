"""The simulated Coachview: query language, PDF, status writes, limits, seed and dump."""

import random
import re
from decimal import ROUND_HALF_UP, Decimal

import pytest

from sandbox import seedcodes
from sandbox.coachview.dump import dump_coachview
from sandbox.coachview.seed import seed_coachview
from sandbox.models import CoachviewInvoice
from tests.coachview_data import debtor_record, invoice_record, put_debtor, put_invoice

pytestmark = pytest.mark.django_db(databases=["default", "sandbox"])
BASE = "/sandbox/coachview"


@pytest.fixture
def coachview_api(client, settings):
    settings.SANDBOX = True
    answer = client.post(
        f"{BASE}/auth/connect/token",
        {
            "grant_type": "client_credentials",
            "client_id": settings.SANDBOX_COACHVIEW_CLIENT_ID,
            "client_secret": settings.SANDBOX_COACHVIEW_CLIENT_SECRET,
            "scope": settings.SANDBOX_COACHVIEW_SCOPES,
        },
    )
    assert answer.status_code == 200
    token = answer.json()["access_token"]

    def call(method, path, **params):
        kwargs = {"HTTP_AUTHORIZATION": f"Bearer {token}"}
        if method == "put":
            return client.put(f"{BASE}/api/v1/{path}", params, content_type="application/json", **kwargs)
        return client.get(f"{BASE}/api/v1/{path}", params, **kwargs)

    return call


@pytest.fixture
def invoices():
    debtor = put_debtor(debtor_record(10001), "2026-02-01T08:00:00")
    return [put_invoice(invoice_record(i, debtor), f"2026-03-0{1 + i // 3}T10:00:0{i % 3}") for i in range(6)]


def _numbers(response):
    assert response.status_code == 200, response.content
    return [row["factuurnummer"] for row in response.json()]


def test_the_token_endpoint_refuses_a_wrong_secret(client, settings):
    settings.SANDBOX = True
    answer = client.post(
        f"{BASE}/auth/connect/token",
        {
            "grant_type": "client_credentials",
            "client_id": settings.SANDBOX_COACHVIEW_CLIENT_ID,
            "client_secret": "x",
        },
    )
    assert answer.status_code == 400 and answer.json() == {"error": "invalid_client"}


def test_lists_filter_on_the_change_time_with_greater_less_equal_and_ranges(coachview_api, invoices):
    field = "audittrail.gewijzigddatumtijd"
    assert _numbers(coachview_api("get", "Facturen", where=f"{field}>01-03-2026 10:00:01")) == ["2", "3", "4", "5"]
    assert _numbers(coachview_api("get", "Facturen", where=f"{field}<01-03-2026 10:00:01")) == ["0"]
    assert _numbers(coachview_api("get", "Facturen", where=f"{field}=02-03-2026 10:00:01")) == ["4"]
    # The documented range: from the first value up to, not including, the second.
    assert _numbers(coachview_api("get", "Facturen", where=f"{field}=02-03-2026,03-03-2026")) == ["3", "4", "5"]
    assert _numbers(coachview_api("get", "Facturen", where=f"{field}=02-03-2026,02-03-2026")) == []
    assert _numbers(coachview_api("get", "Facturen", where=f"{field}>01-03-2026;{field}<02-03-2026 10:00:01")) == [
        "0", "1", "2", "3"
    ]  # fmt: skip
    assert _numbers(coachview_api("get", "Facturen", where="status=Verzonden;factuurnummer=1,4")) == ["1", "4"]


def test_lists_order_skip_take_and_count(coachview_api, invoices):
    response = coachview_api(
        "get", "Facturen", orderby="audittrail.gewijzigddatumtijd desc", skip=1, take=2, Count="true"
    )
    assert _numbers(response) == ["4", "3"]
    assert response["RowCount"] == "6"
    assert response["X-Rate-Limit-Limit"] == "1d" and response["X-Rate-Limit-Remaining"] == "4999"
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{7}Z", response["X-Rate-Limit-Reset"])


def test_debtors_are_found_by_several_ids(coachview_api):
    debtors = [put_debtor(debtor_record(10001 + i), "2026-02-01T08:00:00") for i in range(4)]
    response = coachview_api("get", "Debiteuren", where=f"id={debtors[0]['id']},{debtors[2]['id']}")
    assert [row["debiteurnummer"] for row in response.json()] == ["10001", "10003"]


def test_the_daily_limit_answers_429_with_headers(coachview_api, settings, invoices):
    settings.SANDBOX_COACHVIEW_RATE_LIMIT = 1
    assert coachview_api("get", "Facturen").status_code == 200
    refused = coachview_api("get", "Facturen")
    assert refused.status_code == 429 and int(refused["Retry-After"]) > 0
    assert refused.content == b"API calls quota exceeded! maximum admitted 1 per 1d."


def test_each_invoice_has_a_small_valid_pdf(coachview_api, invoices):
    response = coachview_api("get", f"Facturen/{invoices[0]['id']}/Pdf")

    content = response.content
    assert response["Content-Type"] == "application/pdf"
    assert content.startswith(b"%PDF-1.4") and content.rstrip().endswith(b"%%EOF")
    assert len(content) < 5000
    start_xref = int(re.search(rb"startxref\n(\d+)", content).group(1))
    assert content[start_xref:].startswith(b"xref")
    for number, offset in enumerate(re.findall(rb"(\d{10}) 00000 n", content), start=1):
        assert content[int(offset) :].startswith(f"{number} 0 obj".encode())
    assert b"FACTUUR 0" in content


def test_status_writes_are_recorded_in_order_and_dumped(coachview_api, invoices):
    invoice = invoices[0]
    assert (
        coachview_api(
            "put",
            f"Facturen/{invoice['id']}/Boekingsstatus",
            bevestigd=False,
            bevestigdOmschrijving="Vastgehouden",
        ).status_code
        == 204
    )
    assert (
        coachview_api(
            "put", f"Facturen/{invoice['id']}/Boekingsstatus", bevestigd=True, bevestigdOmschrijving="Geboekt"
        ).status_code
        == 204
    )
    paid = {"betaald": True, "betaaldOmschrijving": "Betaald", "betaaldDatum": "2026-04-01"}
    assert coachview_api("put", f"Facturen/{invoice['id']}/Betaalstatus", **paid).status_code == 204
    assert coachview_api("put", f"Facturen/{invoice['id']}/Betaalstatus", verkeerd=1).status_code == 400

    dumped = next(row for row in dump_coachview()["facturen"] if row["id"] == invoice["id"])
    assert [
        (w["kind"], w["body"].get("bevestigd", w["body"].get("betaald"))) for w in dumped["status_writes"]
    ] == [
        ("Boekingsstatus", False),
        ("Boekingsstatus", True),
        ("Betaalstatus", True),
    ]
    assert dumped["bevestigd"] is True and dumped["betaaldDatum"] == "2026-04-01"


def test_the_seed_is_deterministic_and_dutch_with_every_case_and_the_gaps_within_a_fifth():
    seed_coachview(rng=random.Random(1), invoices=50, debtors=20)
    first = dump_coachview()
    seed_coachview(rng=random.Random(1), invoices=50, debtors=20)
    second = dump_coachview()
    assert [i["id"] for i in first["facturen"]] == [i["id"] for i in second["facturen"]]

    debtors = {d["id"]: d for d in first["debiteuren"]}
    numbers = {int(d["debiteurnummer"]) for d in debtors.values()}
    assert set(seedcodes.EXISTING_CUSTOMER_NUMBERS) | {seedcodes.SUPPLIER_NUMBER} <= numbers
    assert min(numbers) == seedcodes.FIRST_DEBTOR_NUMBER
    assert any(d["particulier"] for d in debtors.values()) and any(
        not d["particulier"] for d in debtors.values()
    )
    assert any(d["externId"] and d["externSource"] == "Exact" for d in debtors.values())

    invoices = first["facturen"]
    sent = [i for i in invoices if i["status"] == "Verzonden"]
    assert any(i["status"] == "Concept" for i in invoices)
    assert any(i["isCreditfactuur"] and i["totaalInclBtw"] < 0 for i in sent)
    codes = {line["btwCode"] for i in sent for line in i["factuurregels"]}
    assert {"0", "1", "2"} <= codes
    assert any(len(i["factuurregels"]) > 1 for i in sent)
    changes = [i["auditTrail"]["gewijzigdDatumTijd"] for i in invoices]
    seconds = [c[:19] for c in changes]
    assert max(seconds.count(c) for c in seconds) >= 10  # a bulk run: one second ...
    assert max(changes.count(c) for c in changes) >= 5  # ... and often one millisecond

    def gaps(invoice):
        lines = invoice["factuurregels"]
        return {
            "vat": any(line["btwCode"] == seedcodes.VAT_CODE_INCLUSIVE for line in lines),
            "gl": any(line["grootboekrekeningNummer"] == seedcodes.GL_ACCOUNT_BLOCKED for line in lines),
            "cc": any(line["kostenplaatsCode"] == seedcodes.COST_CENTER_MISSING_IN_EXACT for line in lines),
            "supplier": debtors[invoice["debiteurId"]]["debiteurnummer"] == str(seedcodes.SUPPLIER_NUMBER),
        }

    found = [gaps(i) for i in sent]
    for gap in ("vat", "gl", "cc", "supplier"):
        assert any(f[gap] for f in found), gap
    assert sum(any(f.values()) for f in found) <= len(sent) / 5


def test_seeded_vat_is_per_line_round_half_up_and_totals_add_up_except_one_cent_case():
    seed_coachview(rng=random.Random(3), invoices=40, debtors=12)
    off_by_a_cent = 0
    for row in CoachviewInvoice.objects.all():
        invoice = row.data
        lines = invoice["factuurregels"]
        for line in lines:
            amount, rate = Decimal(str(line["bedragExclBtw"])), Decimal(str(line["btwPercentage"]))
            assert Decimal(str(line["btwBedrag"])) == (amount * rate).quantize(
                Decimal("0.01"), rounding=ROUND_HALF_UP
            )
        excl = sum(Decimal(str(line["bedragExclBtw"])) for line in lines)
        vat = sum(Decimal(str(line["btwBedrag"])) for line in lines)
        assert Decimal(str(invoice["totaalExclBtw"])) == excl
        assert Decimal(str(invoice["totaalInclBtw"])) == Decimal(str(invoice["totaalExclBtw"])) + Decimal(
            str(invoice["totaalBtw"])
        )
        if Decimal(str(invoice["totaalBtw"])) != vat:
            assert abs(Decimal(str(invoice["totaalBtw"])) - vat) == Decimal("0.01")
            off_by_a_cent += 1
    assert off_by_a_cent == 1


def test_a_small_seed_still_carries_every_gap():
    seed_coachview(rng=random.Random(2), invoices=8, debtors=3)
    dumped = dump_coachview()
    assert len(dumped["facturen"]) == 8 and len(dumped["debiteuren"]) >= 8
    lines = [line for i in dumped["facturen"] for line in i["factuurregels"]]
    assert any(line["btwCode"] == seedcodes.VAT_CODE_INCLUSIVE for line in lines)


def test_tokens_expire_and_a_missing_scope_is_forbidden(coachview_api, client, settings, invoices):
    assert coachview_api("get", "Facturen").status_code == 200
    settings.CLOCK_OFFSET_SECONDS = settings.SANDBOX_COACHVIEW_TOKEN_LIFETIME + 1
    assert coachview_api("get", "Facturen").status_code == 401

    answer = client.post(
        f"{BASE}/auth/connect/token",
        {
            "grant_type": "client_credentials",
            "client_id": settings.SANDBOX_COACHVIEW_CLIENT_ID,
            "client_secret": settings.SANDBOX_COACHVIEW_CLIENT_SECRET,
            "scope": "api Facturen.Lezen",
        },
    )
    token = answer.json()["access_token"]
    refused = client.get(f"{BASE}/api/v1/Debiteuren", HTTP_AUTHORIZATION=f"Bearer {token}")
    assert refused.status_code == 403
