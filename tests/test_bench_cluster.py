"""`bench --workers 2` end to end on PostgreSQL: a real qcluster exports, each invoice booked once."""

import json

import pytest
from django.conf import settings
from django.core.management import call_command

from tests.faults_support import redis_reachable

INVOICES = 30

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.skipif(
        not settings.DATABASES["default"]["ENGINE"].endswith("postgresql"),
        reason="needs PostgreSQL (DATABASE_URL): the cluster's workers are processes sharing the database",
    ),
]


@pytest.mark.parametrize("broker", ["orm", "redis"])
def test_two_workers_export_every_invoice_once_and_their_calls_add_up(broker, tmp_path):
    """About 75 seconds a broker: migrations, seed, a server, a cluster, the phases."""
    if broker == "redis" and not redis_reachable():
        pytest.skip("Redis is not reachable on 127.0.0.1:6379")
    out = tmp_path / "bench.json"
    call_command(
        "bench", "--invoices", str(INVOICES), "--workers", "2", "--broker", broker, "--json", str(out)
    )
    result = json.loads(out.read_text())
    export = result["phases"]["export"]
    workers = export["per_worker"]
    assert (result["workers"], result["broker"], result["database"]) == (2, broker, "postgresql")
    assert export["ended"] == "every invoice is in a final state"
    assert result["export_states"] == {"exported": INVOICES}
    assert (result["exact_sales_entries"], result["exact_duplicate_entries"], result["exact_429"]) == (
        INVOICES,
        0,
        0,
    )
    # One export task per worker in one round; together they made every call the sandbox answered.
    assert sum(worker["runs"] for worker in workers.values()) == 2
    assert sum(worker["exported"] for worker in workers.values()) == INVOICES
    assert sum(worker["exact_calls"] for worker in workers.values()) == export["exact_calls"]
    assert all(worker["waited_s"] == 0 for worker in workers.values())  # the limits are lifted
    assert export["cluster_db_queries"] > 0 and export["cluster_cpu_s"] > 0
