"""bench: Exact calls per invoice against the lower bound, and our cost per invoice (contracts.md)."""

import argparse
import dataclasses
import json
import os
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError


def _sizes(text: str) -> list[int]:
    try:
        sizes = [int(part) for part in text.split(",") if part.strip()]
    except ValueError as exc:
        raise argparse.ArgumentTypeError("--sizes takes numbers separated by commas, e.g. 100,1000") from exc
    if not sizes or min(sizes) < 1:
        raise argparse.ArgumentTypeError("--sizes takes positive numbers")
    return sizes


def cluster_checked(*, workers: int, broker: str):
    """The cluster a run exports with (None: in the bench's own process), or CommandError why not."""
    from django.conf import settings

    from devtools.bench.runner import ClusterShape

    if workers < 0:
        raise CommandError("--workers must be 0 (export in the bench's process) or more.", returncode=2)
    if not workers:
        return None
    if workers > 1 and not settings.DATABASES["default"]["ENGINE"].endswith("postgresql"):
        raise CommandError(
            "--workers above 1 needs PostgreSQL: SQLite has one writer, so a second worker only waits. "
            "Set DATABASE_URL=postgres://… (the bench creates and drops its own databases there).",
            returncode=2,
        )
    redis_url = os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/12") if broker == "redis" else ""
    return ClusterShape(workers=workers, broker=broker, redis_url=redis_url)


class Command(BaseCommand):
    help = (
        "Benchmark in a fresh temporary database with its own server: seed N invoices in the sandbox, "
        "connect, read reference data, fetch, export, pay some, poll payments; report Exact calls per "
        "invoice beside the lower bound, our own time and queries per invoice, and the real limits' hours."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--invoices", type=int, default=1000, help="invoices to seed and export (default 1000)"
        )
        parser.add_argument(
            "--sizes", type=_sizes, help="several runs, e.g. 100,1000,10000 (overrides --invoices)"
        )
        parser.add_argument("--json", dest="json_file", help="also write the figures as JSON to this file")
        parser.add_argument("--faults", action="store_true", help="turn on the sandbox's fault injection")
        parser.add_argument(
            "--workers", type=int, default=0,
            help="export through a real qcluster with this many workers (PostgreSQL only above 1); "
            "default: in this process",
        )  # fmt: skip
        parser.add_argument(
            "--broker", choices=["orm", "redis"], default="orm",
            help="the cluster's broker with --workers (redis: BENCH_REDIS_URL, default redis://127.0.0.1:6379/12)",
        )  # fmt: skip
        parser.add_argument(
            "--keep", action="store_true", help="keep the temporary databases (their folder is printed)"
        )
        # Internal: the product process of one run (started by the run itself).
        parser.add_argument("--child", help=argparse.SUPPRESS)
        parser.add_argument("--server-pid", type=int, default=0, help=argparse.SUPPRESS)
        parser.add_argument("--seed-to", help=argparse.SUPPRESS)

    def handle(
        self,
        *args,
        invoices,
        sizes,
        json_file,
        faults,
        workers,
        broker,
        keep,
        child,
        server_pid,
        seed_to,
        **options,
    ):
        if seed_to:
            from sandbox.benchseed import seed_bench

            # Its own process, so the product process's peak memory is the product's alone.
            Path(seed_to).write_text(json.dumps(dataclasses.asdict(seed_bench(invoices=invoices))))
            return
        if child:
            return self._child(
                out=Path(child), invoices=invoices, server_pid=server_pid, faults=faults, workers=workers
            )
        cluster = cluster_checked(workers=workers, broker=broker)
        from devtools.bench.report import run_table, sizes_table
        from devtools.bench.runner import BenchFailed, bench_run

        results = []
        for size in sizes or [invoices]:
            if size < 1:
                raise CommandError("--invoices must be at least 1.", returncode=2)
            self.stderr.write(f"bench: {size} invoices…")
            try:
                results.append(bench_run(invoices=size, faults=faults, keep=keep, cluster=cluster))
            except BenchFailed as exc:
                raise CommandError(str(exc), returncode=2) from exc
            for line in run_table(results[-1]):
                self.stdout.write(line)
            self.stdout.write("")
            if json_file:  # after every run, so a long series keeps what it finished
                document = {"runs": results} if sizes else results[0]
                Path(json_file).write_text(json.dumps(document, indent=2) + "\n")
        if sizes:
            for line in sizes_table(results):
                self.stdout.write(line)
        if json_file:
            self.stderr.write(f"bench: figures written to {json_file}")

    def _child(self, *, out: Path, invoices: int, server_pid: int, faults: bool, workers: int) -> None:
        """The product process of one run (the runner migrated and seeded): phases, then figures."""
        from django.conf import settings

        from devtools.bench.measure import peak_rss_mb
        from devtools.bench.phases import phases_run
        from devtools.bench.result import run_result
        from devtools.bench.server import process_peak_rss_mb
        from sandbox.benchseed import BenchSeed

        # The server runs with DEBUG (the sandbox needs it); the product runs as in production: no debug
        # cursor, which would keep every query's SQL (PDFs included) and cost CPU of its own.
        settings.DEBUG = False
        if faults:
            from devtools.bench.faults import lost_answers_simulated

            lost_answers_simulated(base_url=settings.SANDBOX_BASE_URL)
        seeded = BenchSeed(**json.loads(out.with_name("seed.json").read_text()))
        profile_to = os.environ.get("BENCH_PROFILE")
        if profile_to:  # a cProfile dump of the phases, to see where our time goes
            import cProfile
            import time

            profiler = cProfile.Profile(time.process_time)  # our CPU, not the wait for the server
            costs = profiler.runcall(
                phases_run, server_pid=server_pid, seeded=seeded, workers=workers, folder=out.parent
            )
            profiler.dump_stats(profile_to)
        else:
            costs = phases_run(server_pid=server_pid, seeded=seeded, workers=workers, folder=out.parent)
        result = run_result(
            invoices=invoices, costs=costs, seeded=seeded, peak_rss=peak_rss_mb(),
            server_rss=process_peak_rss_mb(server_pid), faults=faults,
        )  # fmt: skip
        out.write_text(json.dumps(result, indent=2, default=str))
