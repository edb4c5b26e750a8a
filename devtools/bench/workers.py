"""Per worker: the export runs a cluster's workers made, summed by the worker process that made them."""

from collections.abc import Iterable


def worker_process(worker: str) -> str:
    """ "host:pid" from an ExportRun's worker ("host:pid:run-uuid"); the whole text when it has no pid."""
    parts = worker.split(":")
    return ":".join(parts[:2]) if len(parts) >= 3 else worker


def per_worker(runs: Iterable[dict]) -> dict[str, dict]:
    """ExportRun rows (worker, calls_used, exported, waited_seconds) summed per worker process."""
    workers: dict[str, dict] = {}
    for run in runs:
        totals = workers.setdefault(
            worker_process(run["worker"]), {"runs": 0, "exact_calls": 0, "exported": 0, "waited_s": 0.0}
        )
        totals["runs"] += 1
        totals["exact_calls"] += run["calls_used"]
        totals["exported"] += run["exported"]
        totals["waited_s"] = round(totals["waited_s"] + run["waited_seconds"], 3)
    return dict(sorted(workers.items()))
