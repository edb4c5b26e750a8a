"""Refreshing Exact's lists runs as a background job: the button returns at once, the page shows progress and result."""

import pytest
from django.urls import reverse
from django.utils import translation
from django_q.models import OrmQ

from coupling.exact.errors import ExactNotConnected
from mappings import tasks
from mappings.models import ReferenceRefresh
from mappings.services import reference_jobs
from mappings.services.reference import SyncResult
from tests.console_support import role_client
from tests.factories import ADMINISTRATION, exact_mirror_seed

pytestmark = pytest.mark.django_db

LIST_URL = "admin:mappings_costcentermapping_changelist"
SYNC_URL = "admin:mappings_costcentermapping_sync_now"


@pytest.fixture
def admin():
    exact_mirror_seed()
    return role_client("admin", language="en")


def _page(client) -> str:
    return client.get(reverse(LIST_URL)).content.decode()


def test_the_button_queues_a_job_and_returns_at_once_with_a_message(admin, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        response = admin.post(reverse(SYNC_URL))
    assert response.status_code == 302 and response.url == reverse(LIST_URL)
    refresh = ReferenceRefresh.objects.get()
    assert (refresh.requested_by, refresh.started_at, refresh.ok) == (admin.user, None, None)
    [queued] = OrmQ.objects.all()  # django-q2's queue: the worker takes it from here
    assert (queued.task["func"], queued.task["args"]) == ("mappings.tasks.reference_refresh_task", (refresh.pk,))
    page = admin.get(response.url).content.decode()
    assert "being read in the background" in page
    assert "Waiting for the background worker to start reading Exact&#x27;s lists." in page
    assert 'id="refresh-reload"' in page  # the page reloads itself while the job waits or runs


def test_pressing_again_while_a_refresh_waits_queues_nothing_more(admin, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        admin.post(reverse(SYNC_URL))
        response = admin.post(reverse(SYNC_URL), follow=True)
    assert ReferenceRefresh.objects.count() == 1 and OrmQ.objects.count() == 1
    assert "already being read" in response.content.decode()


def test_the_job_records_each_list_read_and_then_the_result(admin, monkeypatch):
    refresh = ReferenceRefresh.objects.create(requested_at=reference_jobs.clock.now(), lists_total=6)
    seen = []

    def reading(*, on_list_read):
        for n in (1, 2):
            on_list_read(n, 6)
            seen.append(reference_jobs.reference_refresh_text(ReferenceRefresh.objects.get()))
        seen.append(_page(admin))
        return SyncResult(ADMINISTRATION, {"exactvatcode": 9, "exactcostcenter": 4}, 6)

    monkeypatch.setattr(reference_jobs, "reference_data_sync", reading)
    with translation.override("en"):
        text = tasks.reference_refresh_task(refresh.pk)
    assert seen[:2] == ["running: 1 of 6 lists read from Exact", "running: 2 of 6 lists read from Exact"]
    assert "running: 2 of 6 lists read from Exact" in seen[2] and 'id="refresh-reload"' in seen[2]
    assert text == f"Exact's lists of {ADMINISTRATION} refreshed: 9 Exact VAT codes, 4 Exact cost centres."
    refresh.refresh_from_db()
    assert refresh.ok is True and refresh.finished_at is not None
    page = _page(admin)
    assert "9 Exact VAT codes, 4 Exact cost centres" in page and "refresh-reload" not in page


def test_a_refresh_that_cannot_reach_exact_says_why(admin, monkeypatch):
    def not_connected(**kwargs):
        raise ExactNotConnected("Exact Online is not connected")

    monkeypatch.setattr(reference_jobs, "reference_data_sync", not_connected)
    refresh = ReferenceRefresh.objects.create(requested_at=reference_jobs.clock.now(), lists_total=6)
    tasks.reference_refresh_task(refresh.pk)
    refresh.refresh_from_db()
    assert (refresh.ok, refresh.error) == (False, "Exact Online is not connected")
    page = _page(admin)
    assert "Exact&#x27;s lists were not refreshed: Exact Online is not connected" in page
    assert "refresh-reload" not in page


def test_with_django_q_in_sync_mode_the_button_runs_the_job_through_the_real_task(
    admin, monkeypatch, django_capture_on_commit_callbacks
):
    from django_q.conf import Conf

    monkeypatch.setattr(Conf, "SYNC", True)
    monkeypatch.setattr(
        reference_jobs, "reference_data_sync", lambda **kwargs: SyncResult(ADMINISTRATION, {"exactjournal": 2}, 6)
    )
    with django_capture_on_commit_callbacks(execute=True):
        response = admin.post(reverse(SYNC_URL))
    assert ReferenceRefresh.objects.get().ok is True
    assert "2 Exact journals" in admin.get(response.url).content.decode()


def test_the_daily_schedule_records_its_refresh_like_one_a_person_asked_for(monkeypatch):
    monkeypatch.setattr(
        reference_jobs, "reference_data_sync", lambda **kwargs: SyncResult("test:1", {"exactvatcode": 3}, 6)
    )
    with translation.override("en"):
        text = tasks.reference_data_sync_task()
    assert text == "Exact's lists of test:1 refreshed: 3 Exact VAT codes."
    refresh = ReferenceRefresh.objects.get()
    assert (refresh.requested_by, refresh.ok, refresh.counts) == (None, True, {"exactvatcode": 3})
