"""One benchmark run from the outside: temporary databases, the server, the product's child process.

The seed runs first in its own process (`manage.py bench --seed-to FILE`); the child is
`manage.py bench --child FILE` with the same environment as the server (temporary
databases, SANDBOX_BASE_URL at the server, limits lifted); it seeds, runs the phases and writes its
figures as JSON to FILE.
"""

import json
import secrets
import subprocess
import sys
import time
from dataclasses import dataclass

from django.conf import settings

from devtools.bench.databases import databases_create
from devtools.bench.server import BenchServer, bench_environment, free_port, process_peak_rss_mb


class BenchFailed(Exception):
    """The run could not complete (the server or the product process failed)."""


@dataclass(frozen=True)
class ClusterShape:
    """How the export phase runs in a real qcluster: its workers and broker (an empty redis_url: the ORM)."""

    workers: int
    broker: str
    redis_url: str = ""

    def environment(self) -> dict:
        # Its own queue name: other runs and test sessions share the Redis server.
        return {
            "Q_WORKERS": str(self.workers),
            "Q_NAME": f"bench-{secrets.token_hex(4)}",
            "REDIS_URL": self.redis_url,
        }


def bench_run(
    *, invoices: int, faults: bool = False, keep: bool = False, timeout: float = 6 * 3600,
    cluster: ClusterShape | None = None,
) -> dict:  # fmt: skip
    """Run the benchmark once with `invoices` invoices and return its JSON object."""
    databases = databases_create()
    port = free_port()
    base_url = f"http://127.0.0.1:{port}"
    env = bench_environment(
        url=databases.url, sandbox_url=databases.sandbox_url, base_url=base_url, faults=faults
    )
    if cluster is not None:
        env.update(cluster.environment())
    out = databases.folder / "result.json"
    # The server's tables must exist before it serves; the child seeds after this.
    for alias in ("default", "sandbox"):
        _manage(["migrate", "--database", alias, "--verbosity", "0", "--no-input"], env=env)
    sys.stderr.write(f"  bench: seeding {invoices} invoices…\n")
    _manage(["bench", "--invoices", str(invoices), "--seed-to", str(databases.folder / "seed.json")], env=env)
    server = BenchServer(env=env, port=port, log=databases.folder / "server.log")
    try:
        server.wait_ready()
        started = time.perf_counter()
        child = subprocess.run(  # noqa: S603 - our own manage.py
            [sys.executable, "manage.py", "bench", "--child", str(out), "--invoices", str(invoices),
             "--server-pid", str(server.process.pid), *(["--faults"] if faults else []),
             "--workers", str(cluster.workers if cluster else 0)],
            env=env, cwd=settings.BASE_DIR, timeout=timeout, check=False,
        )  # fmt: skip
        if child.returncode != 0 or not out.exists():
            raise BenchFailed(
                f"The product process failed (exit {child.returncode}); server log: {server._log.name}"
            )
        result = json.loads(out.read_text())
        result["wall_s_total"] = round(time.perf_counter() - started, 1)
        result["server_peak_rss_mb"] = round(process_peak_rss_mb(server.process.pid), 1)
        result["database"] = "postgresql" if databases.postgres_names else "sqlite"
        result["workers"] = cluster.workers if cluster else 0
        result["broker"] = cluster.broker if cluster else ""
        return result
    finally:
        server.stop()
        if not keep:
            databases.drop()


def _manage(arguments: list[str], *, env: dict) -> None:
    done = subprocess.run(  # noqa: S603 - our own manage.py
        [sys.executable, "manage.py", *arguments],
        env=env,
        cwd=settings.BASE_DIR,
        capture_output=True,
        check=False,
    )
    if done.returncode != 0:
        raise BenchFailed(f"manage.py {' '.join(arguments)} failed: {done.stderr.decode()[-2000:]}")
