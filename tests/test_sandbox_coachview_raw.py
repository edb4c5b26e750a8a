"""Raw replay: `sandbox_load --raw` serves a recorded tenant verbatim (contracts.md "The sandbox")."""

import base64
import json

import pytest
from django.core.management import call_command

from sandbox.coachview.dump import dump_coachview
from tests.sandbox_coachview_support import BASE, CoachviewCalls

pytestmark = pytest.mark.django_db(databases=["default", "sandbox"])
PDF = b"%PDF-1.4\n% recorded\n%%EOF\n"
IDS = ["a0000000-0000-4000-8000-00000000000" + str(n) for n in range(4)]
RECORDED = {
    "openapi": {
        "openapi": "3.0.1",
        "paths": {
            "/api/v1/Verkoopfacturen": {"get": {}},
            "/api/v1/Verkoopfacturen/{factuurId}/Geboekt": {"put": {}},
        },
    },
    "where_precision": "s",
    "resources": {
        "Verkoopfacturen": [
            {"Id": IDS[n], "Nummer": f"F{n}", "Bedrag": amount, "AuditTrail": {"GewijzigdDatumTijd": stamp}}
            for n, (amount, stamp) in enumerate(
                [
                    (1250.00, "2025-01-16T15:47:18.433"),
                    (99.5, "2025-01-16T15:47:18.901"),
                    (10, "2025-01-16T15:47:19.002"),
                    (-5.25, "2025-01-17T08:00:00.000"),
                ]
            )
        ],
        "Relaties": [{"id": "r1", "naam": "Noord"}],
    },
    "files": {f"Verkoopfacturen/{IDS[0]}/Document": {"content_type": "application/pdf", "base64": base64.b64encode(PDF).decode()}},
}


@pytest.fixture
def cv(client, settings, tmp_path):
    settings.SANDBOX = True
    path = tmp_path / "tenant.json"
    # Written with 1250.00 as the tenant wrote it: served back exactly so.
    path.write_text(json.dumps(RECORDED, indent=1).replace('"Bedrag": 1250.0,', '"Bedrag": 1250.00,'))
    call_command("sandbox_load", str(path), "--raw")
    return CoachviewCalls(client, settings)


def nummers(answer) -> list[str]:
    assert answer.status_code == 200, answer.content
    return [row["Nummer"] for row in answer.json()]


def test_records_are_served_verbatim_in_recorded_order(cv):
    answer = cv.get("Verkoopfacturen")
    assert nummers(answer) == ["F0", "F1", "F2", "F3"]
    assert b'"Bedrag": 1250.00' in answer.content
    assert list(answer.json()[0]) == ["Id", "Nummer", "Bedrag", "AuditTrail"]


def test_where_orderby_skip_take_and_count_apply_case_insensitively_at_the_files_precision(cv):
    stamp = "audittrail.gewijzigddatumtijd"
    assert nummers(cv.get("verkoopfacturen", where=f"{stamp}>16-01-2025 15:47:18.500")) == ["F2", "F3"]
    assert nummers(cv.get("Verkoopfacturen", where=f"{stamp}>=16-01-2025 15:47:18.999")) == ["F0", "F1", "F2", "F3"]
    assert nummers(cv.get("Verkoopfacturen", where="nummer=F1,F3;bedrag<0")) == ["F3"]
    answer = cv.get("Verkoopfacturen", orderby="BEDRAG desc", skip=1, take=2, count="true")
    assert nummers(answer) == ["F1", "F2"] and answer["RowCount"] == "4"
    assert cv.get("Verkoopfacturen", where="onbekend=1").status_code == 400


def test_one_record_a_file_and_nothing_else(cv):
    assert cv.get(f"Verkoopfacturen/{IDS[2]}").json()["Nummer"] == "F2"
    assert cv.get("Relaties/r1").json() == {"id": "r1", "naam": "Noord"}
    document = cv.get(f"verkoopfacturen/{IDS[0]}/document")
    assert document.content == PDF and document["Content-Type"] == "application/pdf"
    assert cv.get(f"Verkoopfacturen/{IDS[1]}/Document").status_code == 404
    assert cv.get("Facturen").status_code == 404


def test_writes_only_where_the_openapi_declares_them(cv, client):
    assert cv.put(f"Verkoopfacturen/{IDS[1]}/Geboekt", {"geboekt": True}).status_code == 204
    assert cv.put(f"Verkoopfacturen/{IDS[1]}/Geboekt", {"geboekt": True}, method="patch").status_code == 404
    assert cv.put(f"Verkoopfacturen/{IDS[1]}/Betaald", {"betaald": True}).status_code == 404
    assert cv.put(f"Verkoopfacturen/{IDS[1]}", {"Nummer": "X"}).status_code == 404

    dumped = dump_coachview()
    assert dumped["dialect"] == "raw"
    assert [r["Nummer"] for r in dumped["resources"]["Verkoopfacturen"]] == ["F0", "F1", "F2", "F3"]
    assert [(w["method"], w["path"], json.loads(w["body"])) for w in dumped["writes"]] == [
        ("PUT", f"Verkoopfacturen/{IDS[1]}/Geboekt", {"geboekt": True})
    ]
    assert client.get(f"{BASE}/swagger/v1/swagger.json").json() == RECORDED["openapi"]


def test_seeding_ends_the_replay(cv):
    import random

    from sandbox.coachview.seed import seed_coachview

    seed_coachview(rng=random.Random(1), invoices=3, debtors=8, dialect="default")
    cv.token = None
    assert cv.get("Verkoopfacturen").status_code == 404
    assert len(cv.get("Facturen").json()) == 3
