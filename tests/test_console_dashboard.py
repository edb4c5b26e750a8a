"""The front page: the link red or green with what to do, invoices per state, last runs, budget, top causes."""

from datetime import timedelta

import pytest
from django.urls import reverse

from coupling import clock
from coupling.models import ExactBudget, ExactConnection
from sync.models import ExportRun, HealthProblem, JobRun
from sync.services.dashboard import dashboard_build, failing_codes, state_counts
from tests.console_support import export_in, failed_export, paid_export, role_client

pytestmark = pytest.mark.django_db


def test_without_a_connection_the_link_is_red_and_says_an_administrator_must_connect():
    page = role_client("support", language="en").get(reverse("admin:index")).content.decode()
    assert "console-red" in page
    assert "an administrator must connect on the connection page" in page


def test_a_refused_token_asks_for_a_reconnect_and_shows_the_open_health_problems():
    ExactConnection.objects.create(client_id="c", division=1234567, status="reconnect_needed", last_error="invalid_grant")
    now = clock.now()
    HealthProblem.objects.create(
        kind="reconnect_needed", severity="broken", params={"administration": "test:1234567", "error": "invalid_grant"},
        opened_at=now, last_seen_at=now,
    )
    page = role_client("admin", language="en").get(reverse("admin:index")).content.decode()
    assert "must reconnect" in page
    assert "The link to Exact Online is broken: connect again" in page
    assert reverse("admin:coupling_exactconnection_change", args=[ExactConnection.objects.get().pk]) in page


def test_a_working_link_is_green_with_the_budget_left():
    ExactConnection.objects.create(client_id="c", division=1234567, status="connected")
    ExactBudget.objects.create(
        division=1234567, minutely_limit=60, minutely_remaining=42, daily_limit=5000, daily_remaining=4321,
        minutely_reset_at=clock.now() + timedelta(seconds=30), daily_reset_at=clock.now() + timedelta(hours=5),
    )
    link = dashboard_build().link
    assert link.ok and link.todo == ""
    assert (link.minutely_remaining, link.daily_remaining) == (42, 4321)
    page = role_client("finance", language="en").get(reverse("admin:index")).content.decode()
    assert "console-green" in page and "42 of 60 left" in page and "4321 of 5000 left" in page


def test_every_state_is_counted_in_contract_order_also_at_zero():
    failed_export("1")
    failed_export("2")
    paid_export("3")
    counts = {state: n for state, _label, n in state_counts()}
    assert list(counts) == ["new", "held", "ready", "exporting", "unknown", "exported", "failed", "excluded", "changed"]
    assert counts["failed"] == 2 and counts["exported"] == 1 and counts["held"] == 0


def test_the_top_causes_count_each_invoice_once_per_catalogue_entry():
    failed_export("1")
    failed_export("2")
    reason = {"code": "preflight.journal_missing", "values": {}, "message": "no journal"}
    export_in("held", number="3", reasons=[reason, reason])
    export_in("exported", number="4", reasons=[reason])  # not failing now: not counted
    top = failing_codes(limit=5)
    assert [(f.code, f.count) for f in top] == [("preflight.vat_code_inclusive", 2), ("preflight.journal_missing", 1)]
    assert top[0].title  # the catalogue's title in the active language


def test_the_last_runs_come_from_job_runs_or_else_from_the_export_run():
    now = clock.now()
    JobRun.objects.create(kind="fetch", started_at=now, finished_at=now, ok=True, summary="3 invoices fetched")
    ExportRun.objects.create(started_at=now, finished_at=now, exported=2, calls_used=9)
    jobs = {job.kind: job for job in dashboard_build().jobs}
    assert jobs["fetch"].ok is True and jobs["fetch"].summary == "3 invoices fetched"
    assert jobs["export"].ok is True and "2 geëxporteerd" in jobs["export"].summary  # in the reader's language
    assert "9 aanroepen naar Exact" in jobs["export"].summary  # words, not "Exact-calls"
    assert jobs["poll"].at is None


def test_the_front_page_links_to_coverage_catalogue_and_history_for_those_who_may_see_them():
    admin_page = role_client("admin").get(reverse("admin:index")).content.decode()
    assert reverse("admin:sync_mapping_coverage") in admin_page
    assert reverse("admin:sync_errorcatalogueentry_changelist") in admin_page and 'name="explain"' in admin_page
    finance_page = role_client("finance").get(reverse("admin:index")).content.decode()
    assert reverse("admin:sync_mapping_coverage") not in finance_page
    assert 'name="explain"' not in finance_page
    assert reverse("admin:sync_exporthistory_changelist") in finance_page
