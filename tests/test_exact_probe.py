"""The Exact go-live check (`exact_probe`): the product's reads, blockers and warnings, the stored pass."""

import io
import json

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import translation

from coupling.models import ExactConnection
from mappings.models import CouplingOptions
from sync.services.exact_probe import exact_probe
from sync.services.golive import golive_state

pytestmark = pytest.mark.django_db(databases=["default", "sandbox"])


def _probe_json() -> tuple[int, dict]:
    out, err = io.StringIO(), io.StringIO()
    try:
        call_command("exact_probe", "--json", stdout=out, stderr=err)
        code = 0
    except SystemExit as exit_:
        code = exit_.code
    return code, json.loads(out.getvalue())


@pytest.fixture
def seeded(coachview):
    """The seeded sandbox (both sides), connected, and Coachview's invoices fetched."""
    call_command("sandbox_seed", stdout=io.StringIO(), stderr=io.StringIO())
    call_command("sandbox_connect", stdout=io.StringIO(), stderr=io.StringIO())
    call_command("fetch_invoices", stdout=io.StringIO(), stderr=io.StringIO())
    return ExactConnection.load()


def test_against_the_seeded_sandbox_it_passes_with_the_seeded_gaps_as_warnings(seeded):
    code, report = _probe_json()
    assert code == 0, report
    assert report["usable"] is True and report["blockers"] == []
    warnings = {item["code"] for item in report["warnings"]}
    assert {
        "preflight.vat_code_inclusive",
        "preflight.gl_account_blocked",
        "preflight.cost_center_unmapped",
        "preflight.debtor_not_customer",
    } <= warnings, report["warnings"]
    assert all(item["examples"] and item["message"] for item in report["warnings"])
    assert all(read["ok"] for read in report["reads"])
    assert ExactConnection.load().probe_passed()


def test_sandbox_connect_runs_the_exact_check_after_the_coachview_check(seeded):
    connection = ExactConnection.load()
    assert connection.probe_ran_at is not None and connection.probe_report["usable"] is True


def test_a_missing_sales_journal_is_a_blocker_and_exits_3(seeded):
    CouplingOptions.objects.filter(administration=seeded.administration).update(sales_journal="")
    code, report = _probe_json()
    assert code == 3
    assert [item["code"] for item in report["blockers"]] == ["preflight.journal_missing"]
    assert not ExactConnection.load().probe_passed()


def test_a_journal_that_is_not_a_sales_journal_is_a_blocker(seeded):
    CouplingOptions.objects.filter(administration=seeded.administration).update(sales_journal="90")
    report = exact_probe()
    assert not report.usable
    assert report.blockers[0].code == "preflight.journal_invalid"


def test_a_read_exact_refuses_is_a_blocker_named_with_exacts_answer(seeded, monkeypatch):
    from sync.services import payments

    monkeypatch.setattr(payments, "SYNC_SELECT", [*payments.SYNC_SELECT])
    monkeypatch.setattr(
        payments, "terms_read",
        lambda *, client, timestamp: client.get_list("bulk/Cashflow/Receivables", select=["ID"], filter="IsFullyPaid eq false"),
    )  # fmt: skip
    report = exact_probe()
    refused = [item for item in report.blockers if item.code == "golive.exact_read_refused"]
    assert refused and "not supported" in refused[0].message.lower() or "mandatory" in refused[0].message.lower()
    assert not report.usable


def test_it_exits_2_when_exact_is_not_connected(db):
    code, report = _probe_json()
    assert code == 2 and report["usable"] is False


def test_changing_the_division_or_the_environment_clears_the_pass(seeded):
    assert seeded.probe_passed()
    seeded.division = 7654321
    assert not seeded.probe_passed()
    seeded.refresh_from_db()
    seeded.environment = ExactConnection.Environment.LIVE
    assert not seeded.probe_passed()


def test_export_waits_for_both_checks_and_says_which_one(seeded):
    from coupling.models import CoachviewProfile

    CoachviewProfile.load().probe_record(report={}, usable=True)
    assert golive_state().export_allowed
    ExactConnection.objects.update(probe_passed_for="")
    state = golive_state()
    assert not state.export_allowed
    with translation.override("en"):
        assert "go-live check of Exact" in state.waiting_for() and "Coachview" not in state.waiting_for()
    with translation.override("nl"):
        assert state.waiting_for().startswith("De export wacht op de go-live-controle van Exact")


def test_the_connection_page_checks_against_exact_and_shows_the_result(seeded, admin_client):
    page = admin_client.get(reverse("admin:coupling_exactconnection_change", args=[seeded.pk]))
    assert b"Check against Exact" in page.content
    answer = admin_client.post(reverse("admin:coupling_exactconnection_check", args=[seeded.pk]), follow=True)
    assert b"The Exact go-live check passed" in answer.content
    assert b"inclusive" in answer.content


def test_the_front_page_shows_the_exact_result(seeded, admin_client):
    exact_probe()
    page = admin_client.get(reverse("admin:index"))
    assert b"console-golive-exact" in page.content


def test_seeded_gaps_examples_name_the_codes(seeded):
    report = exact_probe()
    by_code = {item.code: item for item in report.warnings}
    assert any("4" in example or "I" in example for example in by_code["preflight.vat_code_inclusive"].examples)


def test_an_invoice_without_a_financial_period_is_a_blocker(seeded):
    from mappings.models import ExactFinancialPeriod

    report_before = exact_probe()
    assert report_before.usable
    from sync.services import exact_probe as module

    original = module._reference_refresh

    def refresh_then_forget_periods(client):
        result = original(client)
        ExactFinancialPeriod.objects.all().delete()
        return result

    module._reference_refresh = refresh_then_forget_periods
    try:
        report = exact_probe()
    finally:
        module._reference_refresh = original
    assert "preflight.no_financial_period" in [item.code for item in report.blockers]
