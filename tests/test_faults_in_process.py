"""Exactly once under faults, one worker, in-process: deterministic, on SQLite too, seconds not minutes.

The same faults as the two-process suite (5 % 5xx, 3 % timeouts, 3 % lost answers of committed
writes, 429 bursts, a token expiry in the middle, failing Coachview status PUTs), delivered by the
in-process transport. Runs repeat an hour later each time (injected time) until nothing is left.
"""

import pytest

from sync.models import ExportState, InvoiceExport, StatusWriteback
from sync.services.export_run import exports_run
from sync.services.fetch import invoices_fetch
from tests.faults_support import (
    INVOICES,
    all_booked,
    exact_flow,
    invoices_generate,
    ledger_problems,
)

pytestmark = [pytest.mark.faults, pytest.mark.django_db(databases=["default", "sandbox"])]

COUNT = max(INVOICES // 4, 20)
ROUNDS = 10


def exact_faults(seed: int) -> dict:
    return {
        "seed": seed, "unavailable_rate": 0.025, "server_error_rate": 0.025, "timeout_rate": 0.03,
        "lost_response_rate": 0.03, "burst_429": {"every": 150, "length": 3}, "token_expiry_at": COUNT * 3,
    }  # fmt: skip


COACHVIEW_FAULTS = {
    "seed": 5, "server_error_rate": 0.02, "timeout_rate": 0.02, "lost_response_rate": 0.03,
    "status_put_failure_rate": 0.05, "burst_429": {"every": 120, "length": 2}, "token_expiry_at": COUNT,
}  # fmt: skip


def runs_until_done(settings, sleeper) -> int:
    from coupling.exact.client import ExactClient

    done = [ExportState.EXPORTED, ExportState.HELD, ExportState.FAILED, ExportState.EXCLUDED]
    for number in range(1, ROUNDS + 1):
        settings.CLOCK_OFFSET_SECONDS = number * 3700  # retry pauses and error-block windows expire
        if number == ROUNDS - 1:
            settings.SANDBOX_FAULTS = settings.SANDBOX_COACHVIEW_FAULTS = {}  # the weather clears
        invoices_fetch()
        exports_run(client=ExactClient(sleeper=sleeper))
        left = InvoiceExport.objects.exclude(state__in=done).exists()
        if not left and not StatusWriteback.objects.filter(pending__isnull=False).exists():
            return number
    return ROUNDS


@pytest.fixture
def flow(coachview, settings):
    settings.SANDBOX_EXACT_RATE_LIMITS = False
    # Lifted on both sides: the sandbox advertises (and the client assumes) limits no run reaches.
    settings.SANDBOX_EXACT_MINUTELY_LIMIT = settings.EXACT_MINUTELY_LIMIT = 10**6
    settings.SANDBOX_EXACT_DAILY_LIMIT = settings.EXACT_DAILY_LIMIT = 10**7
    # A 429 burst spends the minute window until it ends: windows of 2 s cost seconds, not minutes.
    settings.SANDBOX_EXACT_MINUTE_WINDOW_SECONDS = settings.EXACT_MINUTE_WINDOW_SECONDS = 2
    settings.SANDBOX_EXACT_ERROR_LIMIT = 10**6
    settings.SANDBOX_REQUEST_LOG = False
    settings.COACHVIEW_SETTLED_AFTER_SECONDS = 0
    settings.EXACT_RESET_SLACK_SECONDS = 0
    return exact_flow()


@pytest.fixture
def no_waiting(settings, monkeypatch):
    """A 429 makes the clients wait for the window's reset: here waiting moves the clock instead."""
    from coupling.coachview import client as coachview_client

    def sleeper(seconds: float) -> None:
        settings.CLOCK_OFFSET_SECONDS += seconds

    monkeypatch.setattr(coachview_client.time, "sleep", sleeper)
    return sleeper


@pytest.mark.parametrize(
    "honour_entry_id", [True, False], ids=["exact-keeps-entry-ids", "exact-ignores-entry-ids"]
)
def test_under_faults_every_invoice_is_booked_once_to_the_cent_and_told_to_coachview_once(
    flow, settings, no_waiting, honour_entry_id
):
    records = invoices_generate(count=COUNT)
    settings.SANDBOX_EXACT_HONOUR_ENTRY_ID = honour_entry_id
    settings.SANDBOX_FAULTS = exact_faults(seed=3 if honour_entry_id else 4)
    settings.SANDBOX_COACHVIEW_FAULTS = COACHVIEW_FAULTS
    rounds = runs_until_done(settings, no_waiting)
    assert ledger_problems(records=records, administration=flow) == [], f"after {rounds} runs"
    all_booked(administration=flow)
