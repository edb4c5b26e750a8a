"""The benchmark's arithmetic and data: endpoint names, the lower bound, the projection, the seeded mix."""

from decimal import Decimal

import pytest

from devtools.bench.calls import endpoint_name, lower_bound_calls, projected_hours


def test_exact_endpoints_are_named_without_division_or_key():
    assert endpoint_name("exact", "POST", "/sandbox/exact/api/v1/1234567/salesentry/SalesEntries") == (
        "POST salesentry/SalesEntries"
    )
    assert endpoint_name("exact", "PUT", "/sandbox/exact/api/v1/1234567/crm/Accounts(guid'ab-12')") == (
        "PUT crm/Accounts"
    )
    assert endpoint_name("exact", "GET", "/sandbox/exact/api/v1/current/Me") == "GET current/Me"


def test_oauth_and_token_calls_are_not_counted_as_api_calls():
    assert endpoint_name("exact", "POST", "/sandbox/exact/api/oauth2/token") is None
    assert endpoint_name("coachview", "POST", "/sandbox/coachview/auth/connect/token") is None


def test_coachview_invoice_ids_are_folded_into_one_endpoint():
    path = "/sandbox/coachview/api/v1/Facturen/1b4e28ba-2fa1-41d2-883f-0016d3cca427/Pdf"
    assert endpoint_name("coachview", "GET", path) == "GET Facturen/{id}/Pdf"


class _Seeded:
    invoice_debtor = {"1": "old", "2": "new-full", "3": "new-full", "4": "new-bare"}
    new_debtors = {"new-full": {"bank": True, "contact": True}, "new-bare": {"bank": False, "contact": False}}


def test_the_lower_bound_is_three_per_invoice_plus_each_new_debtor_once():
    # 4 invoices x 3, new-full once with bank and contact (3), new-bare once (1).
    assert lower_bound_calls(exported_numbers=["1", "2", "3", "4"], seeded=_Seeded) == 12 + 3 + 1


def test_the_projection_uses_the_minute_limit_within_a_day_and_waits_for_the_next_day():
    assert projected_hours(3600) == 1.0
    assert projected_hours(5000) == pytest.approx(1.39, abs=0.01)
    assert projected_hours(5001) == pytest.approx(24 + 1 / 3600, abs=0.01)
    assert projected_hours(0) == 0.0


@pytest.mark.django_db(databases=["default", "sandbox"])
def test_the_seeded_invoices_have_the_realistic_mix():
    from sandbox.benchseed import seed_bench
    from sandbox.models import CoachviewInvoice

    seeded = seed_bench(invoices=200)
    rows = list(CoachviewInvoice.objects.all())
    assert len(rows) == seeded.invoices == 200
    credits = [r for r in rows if r.data["isCreditfactuur"]]
    assert len(credits) == 10  # 5 %
    assert all(1 <= len(r.data["factuurregels"]) <= 6 for r in rows)
    rates = {Decimal(str(line["btwPercentage"])) for r in rows for line in r.data["factuurregels"]}
    assert rates == {Decimal("0.0"), Decimal("0.09"), Decimal("0.21")}
    assert all(30_000 <= len(r.pdf) <= 82_000 and bytes(r.pdf).startswith(b"%PDF-") for r in rows)
    from_new = sum(seeded.invoice_debtor[r.data["factuurnummer"]] in seeded.new_debtors for r in rows)
    assert 0.3 <= from_new / 200 <= 0.5  # 60 % from debtors already in Exact
    kinds = {(d["bank"], d["contact"]) for d in seeded.new_debtors.values()}
    assert {(True, True), (False, False)} <= kinds
    assert all(r.data["status"] == "Verzonden" for r in rows)
