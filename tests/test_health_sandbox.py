"""The health check end to end: a link connected to the Exact sandbox, and its budget running out."""

import io
import random

import pytest
from django.core import mail
from django.core.management import call_command

from coupling.exact.client import ExactClient
from coupling.exact.errors import ExactBudgetExhausted
from sync.models import HealthProblem
from sync.services.health import link_health_check
from sync.services.health_notify import health_check_run

pytestmark = pytest.mark.django_db(databases=["default", "sandbox"])


@pytest.fixture
def connected(sandbox_http, settings):
    from sandbox.exact.seed import seed_exact

    settings.CLOCK_OFFSET_SECONDS = 0.0
    seed_exact(rng=random.Random(1))
    call_command("sandbox_connect")


def status_code() -> int:
    try:
        call_command("connection_status", stdout=io.StringIO())
    except SystemExit as exc:
        return exc.code
    return 0


def test_a_freshly_connected_link_is_healthy(connected):
    assert link_health_check() == []
    assert status_code() == 0


def test_a_spent_daily_budget_is_reported_once_from_exacts_own_headers(connected, settings, administrators):
    settings.SANDBOX_EXACT_DAILY_LIMIT = 4
    client = ExactClient()
    with pytest.raises(ExactBudgetExhausted):
        for _ in range(10):
            client.get_list("financial/Journals", select=["Code"])

    assert [p.kind for p in link_health_check()] == [HealthProblem.Kind.BUDGET_DAILY_SPENT]
    assert status_code() == 2
    health_check_run()
    health_check_run()
    assert len(mail.outbox) == 1
