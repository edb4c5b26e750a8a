"""The jobs through a real `qcluster`: schedules fire and invoices go from Coachview to Exact unaided.

The cluster is django-q2's own command in its own process, with the ORM broker on PostgreSQL or
the Redis broker, against a live sandbox server. The test only puts invoices in the simulated
Coachview and creates the schedules (`setup_schedules`); it never calls a fetch or an export. The
guard cycle is set so the scheduler runs at the cluster's start, and every schedule is due (its
`next_run` in the past), so the jobs fire within seconds instead of on the minute.
"""

import os
import signal
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.core.management import call_command
from django.db import connections

from coupling import clock
from coupling.models import CoachviewConnection
from sync.models import ExportState, InvoiceExport
from tests.faults_support import exact_flow, invoices_generate, ledger_problems, redis_reachable

pytestmark = [
    pytest.mark.faults,
    pytest.mark.postgres,
    pytest.mark.skipif(
        not django_settings.DATABASES["default"]["ENGINE"].endswith("postgresql"),
        reason="needs PostgreSQL (DATABASE_URL): the cluster is another process sharing the database",
    ),
    pytest.mark.django_db(transaction=True, databases=["default", "sandbox"]),
]

ROOT = Path(__file__).resolve().parent.parent
COUNT = 12
WAIT_SECONDS = 150
# The real command, with two test-only knobs set before django-q2 reads its configuration.
CLUSTER = """
import os, sys, django
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "coupling.settings")
django.setup()
from django.conf import settings
settings.Q_CLUSTER.update(name=os.environ["FAULTS_Q_NAME"], guard_cycle=30, poll=0.2, workers=2)
from django.core.management import call_command
call_command("qcluster")
"""


def database_url(alias: str) -> str:
    config = connections[alias].settings_dict
    password = f":{config['PASSWORD']}" if config.get("PASSWORD") else ""
    return f"postgres://{config['USER']}{password}@{config['HOST']}:{config['PORT'] or 5432}/{config['NAME']}"


def done(count: int) -> bool:
    """All exported and Coachview told (an export's write-back follows its state change)."""
    from sync.models import StatusWriteback

    exported = InvoiceExport.objects.filter(state=ExportState.EXPORTED).count() == count
    return exported and not StatusWriteback.objects.filter(pending__isnull=False).exists()


@pytest.fixture
def live_flow(live_server, settings):
    settings.SANDBOX = True
    settings.SANDBOX_BASE_URL = live_server.url
    settings.SANDBOX_EXACT_RATE_LIMITS = False
    # Lifted on both sides: the sandbox advertises (and the client assumes) limits no run reaches.
    settings.SANDBOX_EXACT_MINUTELY_LIMIT = settings.EXACT_MINUTELY_LIMIT = 10**6
    settings.SANDBOX_EXACT_DAILY_LIMIT = settings.EXACT_DAILY_LIMIT = 10**7
    settings.SANDBOX_REQUEST_LOG = False
    connection = CoachviewConnection.load()
    connection.environment = CoachviewConnection.Environment.CUSTOM
    connection.custom_base_url = f"{live_server.url}/sandbox/coachview"
    connection.client_id = settings.SANDBOX_COACHVIEW_CLIENT_ID
    connection.client_secret = settings.SANDBOX_COACHVIEW_CLIENT_SECRET
    connection.save()
    return exact_flow(), live_server.url


@pytest.mark.parametrize("broker", ["orm", "redis"])
def test_the_scheduled_jobs_in_a_real_cluster_take_invoices_from_coachview_to_exact(
    live_flow, broker, settings
):
    from django_q.models import Schedule

    if broker == "redis" and not redis_reachable():
        pytest.skip("Redis is not reachable on 127.0.0.1:6379")
    administration, base_url = live_flow
    records = invoices_generate(count=COUNT, seed=77)
    call_command("setup_schedules", stdout=open(os.devnull, "w"))  # noqa: SIM115
    call_command("export_schedule", "on", stdout=open(os.devnull, "w"))  # noqa: SIM115  (an administrator's switch)
    Schedule.objects.update(next_run=clock.now().replace(year=2020))  # every schedule is due
    assert not InvoiceExport.objects.exists()

    env = {
        **os.environ,
        "DEBUG": "1",
        "DATABASE_URL": database_url("default"),
        "SANDBOX_DATABASE_URL": database_url("sandbox"),
        "SANDBOX_BASE_URL": base_url,
        "SANDBOX": "1",
        "FAULTS_Q_NAME": f"faults-{uuid.uuid4().hex[:8]}",  # its own queue: other test runs share Redis
        "REDIS_URL": "redis://127.0.0.1:6379/13" if broker == "redis" else "",
        "LOG_LEVEL": "WARNING",
        "EXACT_MINUTELY_LIMIT": str(10**6),
        "EXACT_DAILY_LIMIT": str(10**7),
    }
    for alias in connections:
        connections[alias].close()
    cluster = subprocess.Popen(  # noqa: S603 - our own interpreter and code
        [sys.executable, "-c", CLUSTER], cwd=ROOT, env=env, start_new_session=True,
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
    )  # fmt: skip
    try:
        started = time.monotonic()
        while not done(COUNT):
            if cluster.poll() is not None or time.monotonic() > started + WAIT_SECONDS:
                break
            time.sleep(0.5)  # a real process on the real clock: poll, do not guess
        print(f"{broker}: the cluster took {time.monotonic() - started:.1f} s")
        from django_q.models import Task

        for task in Task.objects.order_by("started"):
            print(
                f"  {task.name} {task.func} {task.started:%H:%M:%S.%f} → {task.stopped:%H:%M:%S.%f} ok={task.success}"
            )
    finally:
        os.killpg(cluster.pid, signal.SIGTERM)
        try:
            # The guard loop notices a stop only between its (long, see above) cycles; the work is done.
            output = cluster.communicate(timeout=5)[0].decode(errors="replace")
        except subprocess.TimeoutExpired:
            os.killpg(cluster.pid, signal.SIGKILL)
            output = cluster.communicate()[0].decode(errors="replace")
    exported = InvoiceExport.objects.filter(state=ExportState.EXPORTED).count()
    assert exported == COUNT, f"{exported} of {COUNT} exported; cluster said:\n{output[-3000:]}"
    assert ledger_problems(records=records, administration=administration) == []
