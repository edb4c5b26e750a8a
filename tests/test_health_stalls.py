"""Stalled jobs, read from the records the fetch, export and payment poll really leave behind."""

from datetime import timedelta

import pytest
from django.utils import timezone

from coupling.models import CoachviewConnection
from sync.models import ExportRun, ExportState, FetchWatermark, HealthProblem, PaymentPollState, PaymentStatus
from sync.services import health
from tests.factories import ADMINISTRATION, BareInvoiceExportFactory, CouplingOptionsFactory

Kind = HealthProblem.Kind


def kinds(now):
    return [p.kind for p in health.link_health_check(now=now)]


def configured_coachview(since):
    CoachviewConnection.objects.update_or_create(pk=1, defaults={"client_id": "client", "client_secret": "secret"})
    CoachviewConnection.objects.filter(pk=1).update(updated_at=since)


@pytest.mark.django_db
def test_a_configured_coachview_that_was_never_fetched_from_stalls_after_the_stall_time(link):
    now = timezone.now()
    configured_coachview(now - timedelta(hours=1))
    assert kinds(now) == []
    assert kinds(now + timedelta(hours=2, minutes=1)) == [Kind.STALLED_FETCH]


@pytest.mark.django_db
def test_a_fresh_watermark_means_the_fetch_works(link):
    now = timezone.now()
    configured_coachview(now - timedelta(days=2))
    mark = FetchWatermark.objects.create(resource="Facturen", base_url="https://example")
    FetchWatermark.objects.filter(pk=mark.pk).update(updated_at=now - timedelta(hours=4))
    assert kinds(now) == [Kind.STALLED_FETCH]
    FetchWatermark.objects.filter(pk=mark.pk).update(updated_at=now - timedelta(minutes=10))
    assert kinds(now) == []


@pytest.mark.django_db
def test_an_export_run_that_completed_counts_and_one_that_stopped_early_does_not(link):
    now = timezone.now()
    BareInvoiceExportFactory(state=ExportState.READY, since=now - timedelta(hours=6))
    ExportRun.objects.create(started_at=now - timedelta(minutes=5), finished_at=now, stopped_reason="daily budget spent")
    assert kinds(now) == [Kind.STALLED_EXPORT]
    ExportRun.objects.create(started_at=now - timedelta(minutes=5), finished_at=now)
    assert kinds(now) == []


@pytest.mark.django_db
def test_a_poll_that_stopped_is_no_success_and_one_that_finished_is(link):
    now = timezone.now()
    BareInvoiceExportFactory(
        state=ExportState.EXPORTED, payment_status=PaymentStatus.OPEN, since=now - timedelta(days=3)
    )
    ExportRun.objects.create(started_at=now, finished_at=now)
    state = PaymentPollState.objects.create(
        administration=ADMINISTRATION,
        last_poll_at=now,
        last_summary="Payments (sync): 0 Exact calls; stopped: no.",
    )
    assert kinds(now) == [Kind.STALLED_POLL]
    state.last_summary = "Payments (sync): 1 Exact calls, 0 payment terms read."
    state.save()
    assert kinds(now) == []


@pytest.mark.django_db
def test_with_payment_registration_off_unpaid_invoices_do_not_wait_for_a_poll(link):
    now = timezone.now()
    BareInvoiceExportFactory(
        state=ExportState.EXPORTED, payment_status=PaymentStatus.OPEN, since=now - timedelta(days=3)
    )
    ExportRun.objects.create(started_at=now, finished_at=now)
    CouplingOptionsFactory(payment_registration=False)
    assert kinds(now) == []
