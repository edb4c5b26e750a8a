"""Each health problem e-mails the administrators once, and once more when it clears."""

from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone

from sync.models import ExportState, HealthProblem, InvoiceExport, JobRun, PaymentStatus
from sync.services import health, health_notify
from tests.factories import BareInvoiceExportFactory
from tests.link_fake import FakeBlock

Kind = HealthProblem.Kind


def _not_connected(link, now):
    link.status = "not_connected"
    return lambda: setattr(link, "status", "connected")


def _reconnect_needed(link, now):
    link.status, link.last_error = "reconnect_needed", "invalid_grant"
    return lambda: setattr(link, "status", "connected")


def _refresh_token_expiring(link, now):
    link.refresh_token_expires_at = now + timedelta(days=3)
    return lambda: setattr(link, "refresh_token_expires_at", now + timedelta(days=30))


def _budget_spent(link, now):
    link.daily_remaining = 0
    return lambda: setattr(link, "daily_remaining", 5000)


def _endpoint_blocked(link, now):
    link.blocked_endpoints = [FakeBlock("crm/Accounts", 9, now + timedelta(minutes=40))]
    return lambda: setattr(link, "blocked_endpoints", [])


def _stalled_export(link, now):
    BareInvoiceExportFactory(state=ExportState.READY, since=now - timedelta(hours=5))

    def clear():
        JobRun.objects.create(kind=JobRun.Kind.EXPORT, started_at=now, finished_at=now, ok=True)

    return clear


def _stalled_poll(link, now):
    BareInvoiceExportFactory(
        state=ExportState.EXPORTED, payment_status=PaymentStatus.OPEN, since=now - timedelta(days=3)
    )
    # The export itself is fine: it completed recently.
    JobRun.objects.create(kind=JobRun.Kind.EXPORT, started_at=now, finished_at=now, ok=True)

    def clear():
        JobRun.objects.create(kind=JobRun.Kind.POLL, started_at=now, finished_at=now, ok=True)

    return clear


def _unknown_stale(link, now):
    row = BareInvoiceExportFactory(state=ExportState.UNKNOWN, since=now - timedelta(hours=3))
    JobRun.objects.create(kind=JobRun.Kind.EXPORT, started_at=now, finished_at=now, ok=True)
    return lambda: InvoiceExport.objects.filter(pk=row.pk).update(state=ExportState.EXPORTED, payment_status="paid")


SCENARIOS = {
    Kind.NOT_CONNECTED: _not_connected,
    Kind.RECONNECT_NEEDED: _reconnect_needed,
    Kind.REFRESH_TOKEN_EXPIRING: _refresh_token_expiring,
    Kind.BUDGET_DAILY_SPENT: _budget_spent,
    Kind.ENDPOINT_BLOCKED: _endpoint_blocked,
    Kind.STALLED_EXPORT: _stalled_export,
    Kind.STALLED_POLL: _stalled_poll,
    Kind.UNKNOWN_STALE: _unknown_stale,
}


@pytest.mark.django_db
@pytest.mark.parametrize("kind", list(SCENARIOS))
def test_each_problem_mails_once_and_its_recovery_once(kind, link, administrators):
    now = timezone.now()
    clear = SCENARIOS[kind](link, now)

    for minutes in (0, 15, 30):
        health_notify.health_check_run(now=now + timedelta(minutes=minutes))

    assert [p.kind for p in health.link_health_check(now=now)] == [kind]
    assert len(mail.outbox) == 1
    problem_mail = mail.outbox[0]
    assert sorted(problem_mail.to) == ["admin@example.nl", "root@example.nl"]
    assert HealthProblem.objects.get(kind=kind).notified_at is not None

    clear()
    for minutes in (45, 60):
        health_notify.health_check_run(now=now + timedelta(minutes=minutes))

    assert len(mail.outbox) == 2
    assert "OK:" in mail.outbox[1].subject
    row = HealthProblem.objects.get(kind=kind)
    assert row.resolved_at is not None and row.recovery_notified_at is not None


@pytest.mark.django_db
def test_the_mail_says_what_to_do_in_dutch_and_in_english(link, administrators):
    link.status, link.last_error = "reconnect_needed", "invalid_grant"
    health_notify.health_check_run()
    body = mail.outbox[0].body
    assert "connects again" in body
    assert "opnieuw" in body
    assert "Exact Online" in mail.outbox[0].subject


@pytest.mark.django_db
def test_a_problem_that_returns_after_clearing_is_mailed_again(link, administrators):
    now = timezone.now()
    for minutes, status in [(0, "not_connected"), (15, "connected"), (30, "not_connected")]:
        link.status = status
        health_notify.health_check_run(now=now + timedelta(minutes=minutes))
    assert len(mail.outbox) == 3
    assert HealthProblem.objects.filter(kind=Kind.NOT_CONNECTED).count() == 2


@pytest.mark.django_db
def test_a_failed_mail_is_sent_on_the_next_run_and_only_then(link, administrators, monkeypatch):
    link.status = "not_connected"
    real_send = health_notify.send_mail

    def broken(*args, **kwargs):
        raise OSError("SMTP down")

    monkeypatch.setattr(health_notify, "send_mail", broken)
    health_notify.health_check_run()
    assert HealthProblem.objects.get().notified_at is None

    monkeypatch.setattr(health_notify, "send_mail", real_send)
    health_notify.health_check_run()
    health_notify.health_check_run()
    assert len(mail.outbox) == 1


@pytest.mark.django_db
def test_two_blocked_endpoints_are_two_problems(link, administrators):
    until = timezone.now() + timedelta(hours=1)
    link.blocked_endpoints = [
        FakeBlock("crm/Accounts", 9, until),
        FakeBlock("salesentry/SalesEntries", 8, until),
    ]
    health_notify.health_check_run()
    assert len(mail.outbox) == 2
    link.blocked_endpoints = link.blocked_endpoints[:1]
    health_notify.health_check_run()
    assert len(mail.outbox) == 3
    assert HealthProblem.objects.get(resolved_at__isnull=False).subject == "salesentry/SalesEntries"


@pytest.mark.django_db
def test_a_broken_link_does_not_also_report_stalled_exports(link, administrators):
    now = timezone.now()
    BareInvoiceExportFactory(state=ExportState.READY, since=now - timedelta(hours=5))
    link.status = "reconnect_needed"
    assert [p.kind for p in health.link_health_check(now=now)] == [Kind.RECONNECT_NEEDED]


@pytest.mark.django_db
def test_work_waiting_for_less_than_the_stall_time_is_no_problem(link, settings):
    now = timezone.now()
    settings.HEALTH_STALL_EXPORT_MINUTES = 60
    BareInvoiceExportFactory(state=ExportState.READY, since=now - timedelta(minutes=50))
    assert health.link_health_check(now=now) == []
    assert [p.kind for p in health.link_health_check(now=now + timedelta(minutes=11))] == [Kind.STALLED_EXPORT]


@pytest.mark.django_db
def test_nothing_waiting_is_never_stalled_however_long_ago_the_last_run(link):
    now = timezone.now()
    BareInvoiceExportFactory(
        state=ExportState.EXPORTED, payment_status=PaymentStatus.PAID, since=now - timedelta(days=40)
    )
    assert health.link_health_check(now=now) == []


@pytest.mark.django_db
def test_nobody_with_an_address_still_marks_the_front_page(link):
    link.status = "not_connected"
    health_notify.health_check_run()
    assert mail.outbox == []
    assert [p.kind for p in health_notify.front_page_problems()] == [Kind.NOT_CONNECTED]
