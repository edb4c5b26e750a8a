"""The front page shows a running job with its count, reloads itself only then, and the last success of each job."""

from datetime import timedelta

import pytest
from django.urls import reverse

from coupling import clock
from mappings.models import ReferenceRefresh
from sync.models import ExportRun, JobRun
from tests.console_support import role_client

pytestmark = pytest.mark.django_db


def _front_page(client=None) -> str:
    return (client or role_client("support", language="en")).get(reverse("admin:index")).content.decode()


def test_a_running_export_shows_running_with_its_count_and_the_page_reloads_itself():
    now = clock.now()
    ExportRun.objects.create(started_at=now - timedelta(minutes=3), progress_at=now, exported=40, held=2, failed=1)
    page = _front_page()
    assert "console-running" in page
    assert "running: 43 invoices handled so far (40 exported, 2 held, 1 failed)" in page
    assert 'id="console-autorefresh"' in page


def test_without_a_running_job_the_page_does_not_reload_itself():
    now = clock.now()
    ExportRun.objects.create(started_at=now - timedelta(minutes=3), finished_at=now, exported=40)
    page = _front_page()
    assert "console-running" not in page
    assert "console-autorefresh" not in page


def test_an_unfinished_export_that_stopped_writing_is_shown_stopped_not_running():
    now = clock.now()
    ExportRun.objects.create(started_at=now - timedelta(hours=2), progress_at=now - timedelta(hours=1), exported=5)
    page = _front_page()
    assert "console-running" not in page and "console-autorefresh" not in page


def test_a_failed_latest_run_is_shown_beside_the_last_one_that_completed():
    now = clock.now()
    JobRun.objects.create(
        kind="fetch", started_at=now - timedelta(hours=3), finished_at=now - timedelta(hours=3), ok=True,
        counts={"new": 7, "updated": 1, "calls": 4},
    )  # fmt: skip
    JobRun.objects.create(kind="fetch", started_at=now, finished_at=now, ok=False, summary="Coachview: 503 busy")
    ExportRun.objects.create(started_at=now - timedelta(hours=2), finished_at=now - timedelta(hours=2), exported=12)
    ExportRun.objects.create(started_at=now, finished_at=now, stopped_reason="daily budget spent")
    page = _front_page()
    assert "Coachview: 503 busy" in page
    assert "7 new and 1 changed invoices; 4 calls to Coachview" in page  # the last fetch that completed
    assert "daily budget spent" in page
    assert "12 exported" in page  # the last export that completed
    assert page.count("console-last-success") == 2


def test_a_completed_latest_run_needs_no_second_line():
    now = clock.now()
    ExportRun.objects.create(started_at=now - timedelta(hours=2), finished_at=now - timedelta(hours=2), exported=12)
    ExportRun.objects.create(started_at=now, finished_at=now, exported=3)
    assert "console-last-success" not in _front_page()


def test_a_refresh_of_exacts_lists_is_shown_running_and_then_with_its_result():
    now = clock.now()
    refresh = ReferenceRefresh.objects.create(requested_at=now, started_at=now, lists_read=2, lists_total=6)
    client = role_client("support", language="en")
    page = _front_page(client)
    assert "running: 2 of 6 lists read from Exact" in page and 'id="console-autorefresh"' in page
    refresh.finished_at, refresh.ok, refresh.administration = now, True, "test:1234567"
    refresh.counts = {"exactvatcode": 9}
    refresh.save()
    page = _front_page(client)
    assert "Exact&#x27;s lists of test:1234567 refreshed: 9 Exact VAT codes." in page
    assert "console-autorefresh" not in page
