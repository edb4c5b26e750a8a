"""Exactly once under faults: two worker processes export N invoices while both sandboxes misbehave.

Real processes (forked, each running `export_invoices` as an operator or a schedule would) against
a live sandbox server on PostgreSQL. The sandboxes answer 5xx, time out (the server holds the answer
past the client's lowered read timeout), lose the answers of committed POSTs and PUTs, send 429
bursts and expire every token in the middle. Rate limits are lifted and time is injectable: each
round moves both clocks an hour on, so pauses and stale claims expire without waiting. Afterwards
every invoice is booked once, to the cent, told to Coachview once, and none is lost or stuck.
N is 200 here; FAULTS_INVOICES=2000 for a larger run.
"""

import multiprocessing
import os
import signal
import time
from collections import Counter

import pytest
from django.conf import settings as django_settings
from django.db import connections

from coupling.models import CoachviewConnection
from sync.models import ExportState, InvoiceExport
from sync.services.fetch import invoices_fetch
from tests.faults_support import (
    INVOICES,
    all_booked,
    exact_flow,
    invoices_generate,
    ledger_problems,
)

pytestmark = [
    pytest.mark.faults,
    pytest.mark.postgres,
    pytest.mark.skipif(
        not django_settings.DATABASES["default"]["ENGINE"].endswith("postgresql"),
        reason="needs PostgreSQL (DATABASE_URL): several worker processes share the database",
    ),
    pytest.mark.django_db(transaction=True, databases=["default", "sandbox"]),
]

HANG_SECONDS = 1.0  # the server holds a "timed out" answer this long; the client read timeout is 0.6 s
ROUNDS = 8
ROUND_SECONDS = 3700  # an hour and more: retry pauses, stale claims and error-block windows expire


def exact_faults(*, seed: int, count: int) -> dict:
    return {
        "seed": seed, "unavailable_rate": 0.025, "server_error_rate": 0.025, "timeout_rate": 0.03,
        "lost_response_rate": 0.03, "burst_429": {"every": 400, "length": 3},
        "token_expiry_at": count * 3, "hang_seconds": HANG_SECONDS,
    }  # fmt: skip


def coachview_faults(*, seed: int, count: int) -> dict:
    return {
        "seed": seed, "server_error_rate": 0.02, "timeout_rate": 0.02, "lost_response_rate": 0.03,
        "status_put_failure_rate": 0.05, "burst_429": {"every": 120, "length": 2},
        "token_expiry_at": count, "hang_seconds": HANG_SECONDS,
    }  # fmt: skip


def _worker() -> None:
    """One worker process: what `manage.py export_invoices` does, as cron or a person would run it."""
    from django.core.management import CommandError, call_command

    for alias in connections:
        connections[alias].close()
    try:
        call_command("export_invoices", stdout=open(os.devnull, "w"), stderr=open(os.devnull, "w"))  # noqa: SIM115
    except (SystemExit, CommandError):
        pass  # exit 2 ("could not run"): a stop the next run picks up
    finally:
        for alias in connections:
            connections[alias].close()


def _start(count: int) -> list:
    for alias in connections:
        connections[alias].close()  # a forked child must not share the parent's sockets
    context = multiprocessing.get_context("fork")
    workers = [context.Process(target=_worker) for _ in range(count)]
    for worker in workers:
        worker.start()
    return workers


def _join(workers: list, timeout: float = 300) -> None:
    deadline = time.monotonic() + timeout
    for worker in workers:
        worker.join(timeout=max(deadline - time.monotonic(), 1))
        if worker.is_alive():
            worker.kill()
            pytest.fail("a worker process did not finish in time")


def _unfinished() -> int:
    done = [ExportState.EXPORTED, ExportState.HELD, ExportState.FAILED, ExportState.EXCLUDED]
    return InvoiceExport.objects.exclude(state__in=done).count()


def _rounds_until_done(settings, *, first_round: int = 1) -> int:
    """Run both workers round after round, an hour later each time, until nothing is left to do."""
    for number in range(first_round, ROUNDS + 1):
        settings.CLOCK_OFFSET_SECONDS = number * ROUND_SECONDS
        if number == ROUNDS - 1:
            settings.SANDBOX_FAULTS = settings.SANDBOX_COACHVIEW_FAULTS = {}  # the weather clears
        started = time.monotonic()
        _join(_start(2))
        from sync.models import StatusWriteback

        states = dict(Counter(InvoiceExport.objects.values_list("state", flat=True)))
        print(f"round {number}: {time.monotonic() - started:.1f} s, {states}")  # the CI log shows progress

        if not _unfinished() and not StatusWriteback.objects.filter(pending__isnull=False).exists():
            return number
    return ROUNDS


@pytest.fixture
def live_flow(live_server, settings):
    """Both links pointed at the live sandbox server, N invoices in Coachview fetched, faults set later."""
    settings.SANDBOX = True
    settings.SANDBOX_BASE_URL = live_server.url
    settings.HTTP_TIMEOUT = (2.0, 0.6)
    settings.SANDBOX_EXACT_RATE_LIMITS = False
    # Lifted on both sides: the sandbox advertises (and the client assumes) limits no run reaches.
    settings.SANDBOX_EXACT_MINUTELY_LIMIT = settings.EXACT_MINUTELY_LIMIT = 10**6
    settings.SANDBOX_EXACT_DAILY_LIMIT = settings.EXACT_DAILY_LIMIT = 10**7
    # A 429 burst spends the minute window until it ends: windows of 2 s cost seconds, not minutes.
    settings.SANDBOX_EXACT_MINUTE_WINDOW_SECONDS = settings.EXACT_MINUTE_WINDOW_SECONDS = 2
    settings.SANDBOX_EXACT_ERROR_LIMIT = 10**6  # the error block is another test's subject
    settings.SANDBOX_REQUEST_LOG = False
    settings.COACHVIEW_SETTLED_AFTER_SECONDS = 0
    connection = CoachviewConnection.load()
    connection.environment = CoachviewConnection.Environment.CUSTOM
    connection.custom_base_url = f"{live_server.url}/sandbox/coachview"
    connection.client_id = settings.SANDBOX_COACHVIEW_CLIENT_ID
    connection.client_secret = settings.SANDBOX_COACHVIEW_CLIENT_SECRET
    connection.save()
    administration = exact_flow()

    def load(count: int) -> list[dict]:
        records = invoices_generate(count=count)
        result = invoices_fetch()
        assert not result.stopped, result.summary()
        return records

    return administration, load


@pytest.mark.parametrize(
    "honour_entry_id", [True, False], ids=["exact-keeps-entry-ids", "exact-ignores-entry-ids"]
)
def test_two_workers_under_faults_book_every_invoice_exactly_once_to_the_cent(
    live_flow, settings, honour_entry_id
):
    administration, load = live_flow
    records = load(INVOICES)
    settings.SANDBOX_EXACT_HONOUR_ENTRY_ID = honour_entry_id
    settings.SANDBOX_FAULTS = exact_faults(seed=11 if honour_entry_id else 12, count=INVOICES)
    settings.SANDBOX_COACHVIEW_FAULTS = coachview_faults(seed=21, count=INVOICES)
    rounds = _rounds_until_done(settings)
    problems = ledger_problems(records=records, administration=administration)
    assert problems == [], f"after {rounds} rounds: {problems[:20]}"
    all_booked(administration=administration)


def test_a_worker_killed_mid_run_loses_nothing_and_books_nothing_twice(live_flow, settings):
    administration, load = live_flow
    count = max(INVOICES // 2, 20)  # CI time: the crash, not the volume, is this test's subject
    records = load(count)
    settings.SANDBOX_FAULTS = exact_faults(seed=31, count=count)
    settings.SANDBOX_COACHVIEW_FAULTS = coachview_faults(seed=41, count=count)
    settings.CLOCK_OFFSET_SECONDS = ROUND_SECONDS
    victim, survivor = _start(2)
    deadline = time.monotonic() + 120
    while InvoiceExport.objects.filter(state=ExportState.EXPORTED).count() < len(records) // 4:
        assert time.monotonic() < deadline, "the workers made no progress"
        time.sleep(0.2)  # polling real processes: they run on the real clock
    os.kill(victim.pid, signal.SIGKILL)
    victim.join(timeout=10)
    _join([survivor])
    rounds = _rounds_until_done(settings, first_round=2)
    problems = ledger_problems(records=records, administration=administration)
    assert problems == [], f"after {rounds} rounds: {problems[:20]}"
    all_booked(administration=administration)
