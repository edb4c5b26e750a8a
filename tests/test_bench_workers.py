"""`bench --workers N --broker B`: which runs it refuses, and the export's figures per worker process."""

import pytest
from django.conf import settings
from django.core.management import CommandError, call_command

from devtools.bench.runner import ClusterShape
from devtools.bench.workers import per_worker, worker_process
from devtools.management.commands.bench import cluster_checked

ON_SQLITE = settings.DATABASES["default"]["ENGINE"].endswith("sqlite3")


@pytest.mark.allowed_skip(reason="runs in CI's SQLite run; on PostgreSQL there is nothing to refuse")
@pytest.mark.skipif(not ON_SQLITE, reason="the refusal is SQLite's")
def test_more_than_one_worker_is_refused_on_sqlite_with_the_reason():
    with pytest.raises(CommandError, match="--workers above 1 needs PostgreSQL"):
        call_command("bench", "--invoices", "5", "--workers", "2")


def test_a_negative_number_of_workers_is_refused():
    with pytest.raises(CommandError, match="--workers must be 0"):
        call_command("bench", "--invoices", "5", "--workers", "-1")


def test_a_broker_other_than_orm_or_redis_is_refused():
    with pytest.raises(CommandError, match="invalid choice: 'rabbitmq'"):
        call_command("bench", "--invoices", "5", "--workers", "1", "--broker", "rabbitmq")


def test_without_workers_the_export_runs_in_the_bench_process():
    assert cluster_checked(workers=0, broker="redis") is None


def test_one_worker_is_a_cluster_on_any_database(monkeypatch):
    monkeypatch.delenv("BENCH_REDIS_URL", raising=False)
    assert cluster_checked(workers=1, broker="orm") == ClusterShape(workers=1, broker="orm", redis_url="")
    assert cluster_checked(workers=1, broker="redis") == ClusterShape(
        workers=1, broker="redis", redis_url="redis://127.0.0.1:6379/12"
    )


def test_the_cluster_gets_its_workers_broker_and_a_queue_of_its_own():
    first = ClusterShape(workers=2, broker="redis", redis_url="redis://127.0.0.1:6379/12").environment()
    second = ClusterShape(workers=2, broker="orm").environment()
    assert (first["Q_WORKERS"], first["REDIS_URL"]) == ("2", "redis://127.0.0.1:6379/12")
    assert second["REDIS_URL"] == ""  # the ORM broker, even when the caller's environment names a Redis
    assert first["Q_NAME"].startswith("bench-")
    assert first["Q_NAME"] != second["Q_NAME"]


def test_a_worker_is_its_host_and_process_whatever_the_run():
    assert worker_process("vm:5292:1a2b3c4d") == "vm:5292"
    assert worker_process("by hand") == "by hand"


def test_the_runs_are_summed_per_worker_process():
    runs = [
        {"worker": "vm:11:aaaa", "calls_used": 300, "exported": 100, "waited_seconds": 1.25},
        {"worker": "vm:12:bbbb", "calls_used": 150, "exported": 50, "waited_seconds": 0.0},
        {"worker": "vm:11:cccc", "calls_used": 30, "exported": 10, "waited_seconds": 0.5},
    ]
    assert per_worker(runs) == {
        "vm:11": {"runs": 2, "exact_calls": 330, "exported": 110, "waited_s": 1.75},
        "vm:12": {"runs": 1, "exact_calls": 150, "exported": 50, "waited_s": 0.0},
    }
