"""When will the waiting invoices be booked? At Exact's and Coachview's limits, from the budget left today."""

import json
from datetime import UTC, datetime, timedelta
from io import StringIO

import pytest
from django.core.management import call_command
from django.urls import reverse

from coupling import clock
from coupling.models import CoachviewConnection, ExactBudget, ExactConnection
from sync.models import ExportRun, ExportState
from sync.services.backlog import backlog_estimate
from tests.console_support import role_client
from tests.factories import InvoiceExportFactory

pytestmark = pytest.mark.django_db
NOW = datetime(2026, 12, 4, 9, 0, tzinfo=UTC)


@pytest.fixture
def budgeted_link(monkeypatch, settings):
    monkeypatch.setattr(clock, "now", lambda: NOW)
    settings.EXACT_DAILY_RESERVE = 0
    connection = ExactConnection.objects.create(client_id="c", division=1234567, status="connected")
    ExactBudget.objects.create(
        division=1234567, minutely_limit=60, minutely_remaining=60, daily_limit=5000, daily_remaining=1000,
        minutely_reset_at=NOW + timedelta(seconds=30), daily_reset_at=NOW + timedelta(hours=15),
    )
    CoachviewConnection.objects.filter(pk=1).update(rate_limit_limit=5000, rate_limit_remaining=5000, rate_limit_reset=NOW + timedelta(hours=20))
    return connection.administration


def waiting(n: int, administration: str) -> None:
    for _ in range(n):
        InvoiceExportFactory(administration=administration, state=ExportState.READY)


def test_nothing_waiting_means_no_date(budgeted_link):
    assert backlog_estimate().waiting == 0 and backlog_estimate().done_at is None


def test_within_todays_budget_it_is_done_at_the_minute_pace(budgeted_link):
    waiting(10, budgeted_link)
    ExportRun.objects.create(administration=budgeted_link, started_at=NOW, exported=10, calls_used=40)  # 4 per invoice
    estimate = backlog_estimate()
    assert estimate.waiting == 10 and estimate.exact_calls == 40
    assert estimate.done_at == NOW + timedelta(minutes=40 / 60)


def test_beyond_todays_budget_it_spills_into_the_next_days_from_the_reset(budgeted_link):
    waiting(400, budgeted_link)
    ExportRun.objects.create(administration=budgeted_link, started_at=NOW, exported=100, calls_used=350)  # 3.5 per invoice
    estimate = backlog_estimate()
    assert estimate.exact_calls == 1400  # 1,000 left today, 400 after the reset
    assert estimate.done_at == NOW + timedelta(hours=15) + timedelta(minutes=400 / 60)
    assert estimate.limited_by == "exact"


def test_the_front_page_and_connection_status_show_it(budgeted_link):
    waiting(3, budgeted_link)
    page = role_client("finance", language="en").get(reverse("admin:index")).content.decode()
    assert "3 invoices waiting for export" in page and "around" in page
    out = StringIO()
    try:
        call_command("connection_status", "--json", stdout=out, stderr=StringIO())
    except SystemExit:
        pass  # its exit code is the link's health, not this test's subject
    document = json.loads(out.getvalue())
    assert document["backlog"] == 3 and document["backlog_done_at"].startswith("2026-12-04T")
