"""The simulated Coachview's change stamps: `auditTrail`, millisecond stamps, an etag that moves on each change."""

import json
import random
import re

import pytest
from django.core.management import call_command

from sandbox.coachview.dump import dump_coachview
from sandbox.coachview.seed import seed_coachview
from sandbox.models import CoachviewInvoice
from tests.coachview_data import debtor_record, invoice_record
from tests.sandbox_coachview_support import CoachviewCalls

pytestmark = pytest.mark.django_db(databases=["default", "sandbox"])
MS = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}")


def test_seeded_records_carry_audittrail_with_millisecond_stamps_and_an_integer_etag():
    seed_coachview(rng=random.Random(1), invoices=20, debtors=8, dialect="default")
    dumped = dump_coachview()
    for record in dumped["facturen"] + dumped["debiteuren"]:
        assert [k for k in record if k.lower() == "audittrail"] == ["auditTrail"]
        audit = record["auditTrail"]
        assert MS.fullmatch(audit["aangemaaktDatumTijd"]) and MS.fullmatch(audit["gewijzigdDatumTijd"])
        assert isinstance(audit["etag"], int)
    assert len({r["auditTrail"]["gewijzigdDatumTijd"][-3:] for r in dumped["facturen"]}) > 3


def test_a_status_write_changes_the_stamp_and_the_etag_like_any_change(client, settings):
    settings.SANDBOX = True
    settings.CLOCK_OFFSET_SECONDS = 0
    seed_coachview(rng=random.Random(1), invoices=5, debtors=8, dialect="default")
    cv = CoachviewCalls(client, settings)
    invoice = cv.get("Facturen", where="status=Verzonden", take=1).json()[0]
    before = invoice["auditTrail"]

    body = {"bevestigd": True, "bevestigdOmschrijving": "Geboekt als 70001"}
    assert cv.put(f"Facturen/{invoice['id']}/Boekingsstatus", body).status_code == 204

    after = cv.get(f"Facturen/{invoice['id']}").json()
    assert after["bevestigd"] is True
    assert after["auditTrail"]["etag"] == before["etag"] + 1
    assert MS.fullmatch(after["auditTrail"]["gewijzigdDatumTijd"])
    assert after["auditTrail"]["gewijzigdDatumTijd"] != before["gewijzigdDatumTijd"]
    assert after["auditTrail"]["aangemaaktDatumTijd"] == before["aangemaaktDatumTijd"]
    stored = CoachviewInvoice.objects.get(id=invoice["id"])
    assert stored.changed_at == after["auditTrail"]["gewijzigdDatumTijd"]
    dumped = next(i for i in dump_coachview()["facturen"] if i["id"] == invoice["id"])
    assert [w["body"] for w in dumped["status_writes"]] == [body]


def test_sandbox_load_stamps_the_load_time_and_keeps_one_audittrail_key(tmp_path):
    debtor = debtor_record(10001)
    debtor["AUDITTRAIL"] = {"AangemaaktDatumTijd": "2020-01-01T00:00:00", "etag": 7}
    invoice = invoice_record(1, debtor)
    invoice["audittrail"] = invoice.pop("auditTrail")
    invoice["Audittrail"] = {"gewijzigddatumtijd": "2020-01-01T00:00:00"}
    path = tmp_path / "coachview.json"
    path.write_text(json.dumps({"debiteuren": [debtor], "facturen": [invoice]}))

    call_command("sandbox_load", str(path))
    call_command("sandbox_load", str(path))

    dumped = dump_coachview()
    for record in dumped["debiteuren"] + dumped["facturen"]:
        assert [k for k in record if k.lower() == "audittrail"] == ["auditTrail"]
        audit = record["auditTrail"]
        assert set(audit) == {"aangemaaktDatumTijd", "gewijzigdDatumTijd", "etag"}
        assert MS.fullmatch(audit["gewijzigdDatumTijd"]) and audit["gewijzigdDatumTijd"] > "2025"
    assert dumped["debiteuren"][0]["auditTrail"]["aangemaaktDatumTijd"] == "2020-01-01T00:00:00"
    assert dumped["debiteuren"][0]["auditTrail"]["etag"] == 9  # 7 in the file, then two loads
