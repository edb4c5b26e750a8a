"""`manage.py bench` end to end with a tiny N: its own databases and server, the JSON of contracts.md."""

import json

import pytest
from django.core.management import call_command

CONTRACT_KEYS = {
    "invoices", "exported", "exact_calls", "exact_calls_per_invoice", "lower_bound_calls_per_invoice",
    "exact_429", "coachview_calls", "local_ms_per_invoice", "db_queries_per_invoice", "poll_calls",
    "poll_changes", "peak_rss_mb", "projected_hours_at_real_limits",
}  # fmt: skip


@pytest.fixture(scope="module")
def bench_result(tmp_path_factory):
    """One run of five invoices (about 20 seconds: two migrations, a server, the phases)."""
    out = tmp_path_factory.mktemp("bench") / "bench.json"
    call_command("bench", "--invoices", "5", "--json", str(out))
    return json.loads(out.read_text())


def test_the_json_has_every_key_of_the_contract(bench_result):
    assert CONTRACT_KEYS <= set(bench_result)
    assert bench_result["invoices"] == 5


def test_every_seeded_invoice_is_exported_without_a_429(bench_result):
    assert bench_result["exported"] == 5
    assert bench_result["export_states"] == {"exported": 5}
    assert bench_result["exact_429"] == 0
    assert bench_result["exact_sales_entries"] == 5
    assert bench_result["exact_duplicate_entries"] == 0


def test_the_export_needs_at_least_the_lower_bound_and_counts_no_oauth(bench_result):
    export = bench_result["phases"]["export"]
    assert bench_result["exact_calls"] == export["exact_calls"] == sum(export["exact_by_endpoint"].values())
    assert bench_result["exact_calls"] >= bench_result["lower_bound_calls"] >= 3 * 5
    assert export["exact_by_endpoint"]["POST salesentry/SalesEntries"] == 5
    assert not any("oauth2" in name for name in export["exact_by_endpoint"])
    assert bench_result["exact_calls_per_invoice"] == pytest.approx(
        bench_result["exact_calls"] / 5, abs=0.001
    )


def test_our_own_cost_is_measured_per_invoice(bench_result):
    assert bench_result["local_ms_per_invoice"] > 0
    assert bench_result["db_queries_per_invoice"] > 0
    assert bench_result["peak_rss_mb"] > 0
    assert bench_result["coachview_calls"] > 0
    assert bench_result["projected_hours_at_real_limits"] > 0


def test_the_admin_pages_of_the_backlog_open_and_their_queries_are_counted(bench_result):
    pages = bench_result["admin_pages"]
    assert {"invoiceexport list", "invoice list", "invoiceexport page"} <= set(pages)
    assert all(page["status"] == 200 and page["queries"] > 0 for page in pages.values())


@pytest.mark.faults
def test_with_faults_every_invoice_is_still_exported_exactly_once(tmp_path):
    out = tmp_path / "bench.json"
    call_command("bench", "--invoices", "10", "--faults", "--json", str(out))
    result = json.loads(out.read_text())
    assert result["faults"] is True
    assert result["exported"] == 10
    assert result["exact_sales_entries"] == 10
    assert result["exact_duplicate_entries"] == 0
