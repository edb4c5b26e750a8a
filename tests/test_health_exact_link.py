"""The health check on the real Exact link rows: connection, token expiry, budget and blocks."""

import io
from datetime import timedelta

import pytest
from django.core import mail
from django.core.management import call_command
from django.utils import timezone

from coupling.models import ExactBudget, ExactConnection, ExactEndpointBlock
from sync.models import HealthProblem
from sync.services.health import link_health_check
from sync.services.health_notify import health_check_run

Kind = HealthProblem.Kind
DIVISION = 1234567


@pytest.fixture
def connection(db):
    return ExactConnection.objects.create(
        division=DIVISION,
        status=ExactConnection.Status.CONNECTED,
        refresh_token_expires_at=timezone.now() + timedelta(days=30),
    )


def status_code() -> int:
    try:
        call_command("connection_status", stdout=io.StringIO())
    except SystemExit as exc:
        return exc.code
    return 0


@pytest.mark.django_db
def test_no_connection_row_at_all_is_broken():
    assert [p.kind for p in link_health_check()] == [Kind.NOT_CONNECTED]
    assert status_code() == 1


@pytest.mark.django_db
def test_exit_codes_follow_the_real_link(connection):
    assert status_code() == 0
    connection.refresh_token_expires_at = timezone.now() + timedelta(days=6)
    connection.save()
    assert status_code() == 2
    connection.status = ExactConnection.Status.RECONNECT_NEEDED
    connection.save()
    assert status_code() == 1


@pytest.mark.django_db
def test_a_spent_daily_budget_and_a_blocked_endpoint_are_reported_until_they_reset(connection, settings):
    now = timezone.now()
    ExactBudget.objects.create(
        division=DIVISION,
        minutely_limit=60,
        minutely_remaining=60,
        daily_limit=5000,
        daily_remaining=0,
        daily_reset_at=now + timedelta(hours=3),
    )
    ExactEndpointBlock.objects.create(
        division=DIVISION, endpoint="crm/Accounts", error_count=9, blocked_until=now + timedelta(minutes=30)
    )
    assert {p.kind for p in link_health_check(now=now)} == {Kind.BUDGET_DAILY_SPENT, Kind.ENDPOINT_BLOCKED}
    # Both windows pass (the product's clock moves): the budget is whole again and the block is over.
    settings.CLOCK_OFFSET_SECONDS = 4 * 3600
    assert link_health_check() == []


@pytest.mark.django_db
def test_a_broken_token_chain_mails_once_and_reconnecting_mails_the_recovery(connection, administrators):
    connection.status = ExactConnection.Status.RECONNECT_NEEDED
    connection.last_error = "invalid_grant"
    connection.save()
    for _ in range(3):
        health_check_run()
    connection.status = ExactConnection.Status.CONNECTED
    connection.save()
    for _ in range(2):
        health_check_run()
    assert len(mail.outbox) == 2
