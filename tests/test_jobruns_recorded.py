"""Every fetch and payment poll leaves a JobRun: the front page and the health check read them."""

import pytest
from django.utils import translation

from sync.models import JobRun
from sync.services.dashboard import recent_jobs
from sync.services.fetch import invoices_fetch
from sync.services.payments import payment_status_poll
from tests.payments_support import Books, exact_connect

pytestmark = pytest.mark.django_db(databases=["default", "sandbox"])


def test_a_fetch_records_its_run_with_its_summary_and_the_front_page_shows_it(coachview):
    result = invoices_fetch()

    run = JobRun.objects.get(kind=JobRun.Kind.FETCH)
    assert run.ok is True and run.finished_at is not None
    assert run.summary == result.summary() and run.counts["calls"] == result.calls
    with translation.override("nl"):
        fetch = next(job for job in recent_jobs() if job.kind == "fetch")
    assert fetch.summary == f"{result.invoices_new} nieuwe en 0 gewijzigde facturen; {result.calls} aanroepen naar Coachview"


def test_a_fetch_that_cannot_reach_coachview_records_a_run_that_did_not_complete():
    invoices_fetch()  # no Coachview connection configured

    run = JobRun.objects.get(kind=JobRun.Kind.FETCH)
    assert run.ok is False and "stopped" in run.summary
    with translation.override("en"):
        fetch = next(job for job in recent_jobs() if job.kind == "fetch")
    assert fetch.summary.startswith("0 new and 0 changed invoices; 0 calls to Coachview — stopped: ")


def test_a_payment_poll_records_its_run(coachview):
    exact_connect()
    Books().invoice(7201, "121.00")

    result = payment_status_poll()

    run = JobRun.objects.get(kind=JobRun.Kind.POLL)
    assert run.ok is True and run.summary == result.summary()
    assert run.counts == {"changed": result.changed, "calls": result.calls, "stopped": ""}
