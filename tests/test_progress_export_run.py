"""A running export writes its counts as it goes, so the front page shows a count that moves."""

from datetime import timedelta

import pytest

from coupling import clock
from sync.models import ExportRun
from sync.services import export_progress
from sync.services.export_progress import ExportProgress
from sync.services.export_run import exports_run
from tests.factories import InvoiceFactory, exact_mirror_seed

pytestmark = pytest.mark.django_db


def test_the_runs_counts_are_written_while_it_runs(monkeypatch, exact_api):
    exact_mirror_seed()
    for n in range(3):
        InvoiceFactory(number=str(2026100 + n), pdf=b"%PDF-1.4")
    monkeypatch.setattr(export_progress, "PROGRESS_EVERY", timedelta(0))  # every invoice, to watch it move
    seen = []

    def watch(method, resource, row):
        """Reads the run's row as the front page would, each time an entry is posted."""
        if resource == "salesentry/SalesEntries":
            run = ExportRun.objects.get()
            seen.append((run.exported, run.finished_at is None, run.progress_at is not None))

    exact_api.fake.on_write = watch
    result = exports_run(client=exact_api.client())
    assert seen == [(0, True, True), (1, True, True), (2, True, True)]
    run = ExportRun.objects.get()
    assert (run.exported, run.handled, result.run.exported) == (3, 3, 3)
    assert run.finished_at is not None


def test_progress_is_written_at_most_every_few_seconds_within_a_chunk(monkeypatch):
    exact_mirror_seed()
    run = ExportRun.objects.create(administration="test:1234567", started_at=clock.now())
    start = clock.now()
    at = {"now": start}
    monkeypatch.setattr(clock, "now", lambda: at["now"])
    progress = ExportProgress(run)
    written = []
    for exported, seconds in ((1, 0), (2, 1), (3, 6)):
        at["now"] = start + timedelta(seconds=seconds)
        run.exported = exported
        progress.tick(calls=exported * 3)
        written.append(ExportRun.objects.get(pk=run.pk).exported)
    assert written == [1, 1, 3]  # the second invoice came within 5 s of the first write
    assert ExportRun.objects.get(pk=run.pk).calls_used == 9


def test_an_unfinished_run_that_stopped_writing_is_not_running():
    now = clock.now()
    alive = ExportRun(started_at=now - timedelta(hours=2), progress_at=now - timedelta(minutes=1))
    dead = ExportRun(started_at=now - timedelta(hours=2), progress_at=now - timedelta(hours=1))
    done = ExportRun(started_at=now, finished_at=now)
    stale = timedelta(minutes=15)
    assert [run.is_running(now=now, stale_after=stale) for run in (alive, dead, done)] == [True, False, False]


def test_a_run_keeps_the_seconds_its_client_waited_for_the_budget(exact_api):
    exact_mirror_seed()
    InvoiceFactory(number="2026200", pdf=b"%PDF-1.4")
    client = exact_api.client()
    client.waited_s = 12.5  # what ExactClient counts while it sleeps for the budget or a token lease
    exports_run(client=client)
    assert ExportRun.objects.get().waited_seconds == 12.5


def test_the_run_list_shows_the_seconds_each_run_waited_for_exacts_budget(role_permissions):
    from django.urls import reverse

    from tests.console_support import role_client

    ExportRun.objects.create(administration="test:1234567", started_at=clock.now(), waited_seconds=12.5)
    page = role_client("support").get(reverse("admin:sync_exportrun_changelist"))
    assert page.status_code == 200
    text = page.content.decode()
    assert "Seconden gewacht op het belbudget van Exact" in text and 'field-waited_seconds">12,5' in text
