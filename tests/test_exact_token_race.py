"""Two processes share one Exact link and one budget on PostgreSQL, against a live sandbox server.

Token lifetime and the minute window are shortened (settings), so a few seconds hold several token
expiries and budget windows. With EXACT_REFRESH_LEASE off the same test ends in "Old refresh
token used" (shown once: see the note in the report).
"""

import multiprocessing
import os
import random
import time

import pytest
from django.conf import settings as django_settings
from django.core.management import call_command
from django.db import connections

from coupling.models import ExactApiCall, ExactConnection

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.skipif(
        not django_settings.DATABASES["default"]["ENGINE"].endswith("postgresql"),
        reason="needs PostgreSQL (DATABASE_URL): row-level concurrency between processes",
    ),
    pytest.mark.django_db(transaction=True, databases=["default", "sandbox"]),
]

RUN_SECONDS = float(os.environ.get("EXACT_RACE_SECONDS", "14"))


def _worker(seconds: float, results) -> None:
    """One process: calls Exact as fast as the shared budget allows until time is up."""
    from coupling.exact.client import ExactClient
    from coupling.exact.errors import ExactBudgetExhausted, ExactError

    for alias in connections:
        connections[alias].close()
    calls, errors = 0, []
    end = time.monotonic() + seconds
    client = ExactClient()
    while time.monotonic() < end:
        try:
            client.get_list("financial/GLAccounts", select=["ID"], filter="Code ne ''", top=1)
            calls += 1
        except ExactBudgetExhausted as exc:
            errors.append(f"budget: {exc}")
        except ExactError as exc:
            errors.append(f"{type(exc).__name__}: {exc}")
            if exc.code == "connection.reconnect_needed":
                break
    for alias in connections:
        connections[alias].close()
    results.put((calls, errors))


def test_two_processes_share_the_link_and_the_budget_across_token_expiries(live_server, settings):
    from sandbox.exact.seed import seed_exact

    settings.SANDBOX_BASE_URL = live_server.url
    settings.SANDBOX_EXACT_ACCESS_TOKEN_SECONDS = 4
    settings.SANDBOX_EXACT_REFRESH_MARGIN_SECONDS = 2
    settings.EXACT_REFRESH_MARGIN_SECONDS = 1.5
    settings.SANDBOX_EXACT_MINUTE_WINDOW_SECONDS = 5
    settings.EXACT_MINUTE_WINDOW_SECONDS = 5
    settings.SANDBOX_EXACT_MINUTELY_LIMIT = 40
    settings.EXACT_RESET_SLACK_SECONDS = 0.2
    settings.EXACT_REFRESH_LEASE = os.environ.get("EXACT_RACE_LEASE", "1") == "1"
    seed_exact(rng=random.Random(1))
    call_command("sandbox_connect")
    for alias in connections:
        connections[alias].close()

    context = multiprocessing.get_context("fork")
    results = context.Queue()
    workers = [context.Process(target=_worker, args=(RUN_SECONDS, results)) for _ in range(2)]
    for worker in workers:
        worker.start()
    outcomes = [results.get(timeout=RUN_SECONDS + 60) for _ in workers]
    for worker in workers:
        worker.join(timeout=10)

    connection = ExactConnection.load()
    refreshes = ExactApiCall.objects.filter(endpoint="oauth2/token", status=200).count() - 1
    errors = [error for _, error_list in outcomes for error in error_list]
    print(f"calls per process {[calls for calls, _ in outcomes]}, refreshes {refreshes}, errors {errors[:5]}")
    assert connection.status == ExactConnection.Status.CONNECTED, (connection.last_error, errors)
    assert not any("Old refresh token used" in error for error in errors)
    assert refreshes >= 2, "the run should span several token expiries"
    assert all(calls > 10 for calls, _ in outcomes)
    # The shared budget held: the sandbox never had to refuse a call.
    assert ExactApiCall.objects.filter(status=429).count() == 0
