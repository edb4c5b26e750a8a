"""The product's phases, run in the benchmark's child process against the benchmark server over HTTP.

connect → reference data → fetch → export → first payment poll → pay (in the sandbox) → poll.
Each phase is measured (`devtools.bench.measure`); the sandbox's request log gives its calls.
"""

import io
import random
import sys
import time

from django.core.management import call_command
from django.db import transaction

from devtools.bench.measure import PhaseCost, phase_measured

PAY_SHARE = 0.3  # of the exported ordinary invoices, paid in full in the sandbox between two polls
MAX_EXPORT_ROUNDS = 10  # later runs pick up what a fault left over; without faults one run does
CLUSTER_START_SECONDS = 5.0
CLUSTER_TIMEOUT_SECONDS = 3 * 3600.0


def _say(text: str) -> None:
    sys.stderr.write(f"  bench: {text}\n")
    sys.stderr.flush()


def phases_run(*, server_pid: int, seeded, workers: int = 0, folder=None) -> list[PhaseCost]:
    """Run every phase in order and return what each cost; with `workers` a real cluster exports."""
    _SERVER["pid"] = server_pid
    costs = []
    with phase_measured("connect", server_pid=server_pid) as cost:
        out = io.StringIO()
        call_command("sandbox_connect", stdout=out)
        cost.note = out.getvalue().strip()[:200]
    costs.append(cost)
    _say(f"connected ({cost.wall_s:.1f} s)")

    from mappings.services import reference_data_sync

    with phase_measured("reference", server_pid=server_pid) as cost:
        cost.note = str(reference_data_sync())[:200]
    costs.append(cost)
    _say(f"reference data read ({cost.wall_s:.1f} s)")

    from sync.services.fetch import invoices_fetch

    with phase_measured("fetch", server_pid=server_pid) as cost:
        notes = []
        for _ in range(MAX_EXPORT_ROUNDS):
            result = invoices_fetch()
            notes.append(result.summary())
            if not result.partial or result.stopped:
                break
        cost.note = " / ".join(notes)[:300]
    costs.append(cost)
    _say(f"fetched ({cost.wall_s:.1f} s): {cost.note[:160]}")

    costs.append(_export_by_cluster(workers=workers, folder=folder) if workers else _export())
    costs += _payments(seeded=seeded)

    from devtools.bench.admin_pages import admin_pages_measured

    with phase_measured("admin pages", server_pid=server_pid) as cost:
        cost.detail = {"pages": admin_pages_measured()}
        worst = max(cost.detail["pages"].values(), key=lambda page: page["queries"], default=None)
        cost.note = f"{len(cost.detail['pages'])} pages, at most {worst['queries'] if worst else 0} queries"
    costs.append(cost)
    _say(cost.note)
    return costs


def _export() -> PhaseCost:
    from devtools.bench.result import exported_numbers

    try:
        from sync.services.export_run import exports_run
    except ImportError:
        cost = PhaseCost(name="export", note="skipped: the export engine is not in this build")
        _say(cost.note)
        return cost
    from coupling.exact.client import ExactClient
    from sync.models import InvoiceExport

    open_states = ["ready", "unknown"]
    with phase_measured("export", server_pid=_server_pid()) as cost:
        notes = []
        for _ in range(MAX_EXPORT_ROUNDS):
            before = len(exported_numbers())
            result = exports_run(client=ExactClient(deadline=None))
            notes.append(result.summary)
            left = InvoiceExport.objects.filter(state__in=open_states)
            if len(exported_numbers()) == before or not left.exists():
                break
            # The next scheduled run, brought forward: the bench does not wait out the back-off.
            left.update(next_attempt_at=None)
        cost.note = " / ".join(notes)[:300]
        cost.detail = {"export_rounds": len(notes)}
    _say(f"exported ({cost.wall_s:.1f} s): {cost.note[:160]}")
    return cost


def _export_by_cluster(*, workers: int, folder) -> PhaseCost:
    """The export phase in `workers` qcluster workers; CPU and queries are ours plus the cluster's."""
    from devtools.bench.cluster import Cluster, exports_by_cluster, schedules_prepared
    from devtools.bench.workers import per_worker
    from sync.models import ExportRun

    schedules_prepared()
    first_run = ExportRun.objects.order_by("-id").values_list("id", flat=True).first() or 0
    cluster = Cluster(folder=folder)
    try:
        time.sleep(CLUSTER_START_SECONDS)  # its start-up (Django, forking the workers) is not the export's
        cluster_cpu = cluster.cpu_seconds()
        with phase_measured("export", server_pid=_server_pid()) as cost:
            ended = exports_by_cluster(
                cluster=cluster,
                workers=workers,
                timeout=CLUSTER_TIMEOUT_SECONDS,
            )
            cluster_cpu = cluster.cpu_seconds() - cluster_cpu
    finally:
        cluster.stop()
    cluster_queries = cluster.queries()
    cost.cpu_s += cluster_cpu
    cost.db_queries += cluster_queries
    runs = ExportRun.objects.filter(id__gt=first_run).values(
        "worker", "calls_used", "exported", "waited_seconds"
    )
    notes = [run.summary() for run in ExportRun.objects.filter(id__gt=first_run).order_by("id")]
    cost.note = f"{ended['ended']}: " + " / ".join(notes)[:300]
    cost.detail = {
        "export_rounds": ended["rounds"],
        "ended": ended["ended"],
        "cluster_cpu_s": round(cluster_cpu, 3),
        "cluster_db_queries": cluster_queries,
        "per_worker": per_worker(runs),
    }
    _say(f"exported by {workers} workers ({cost.wall_s:.1f} s): {cost.note[:160]}")
    return cost


def _payments(*, seeded) -> list[PhaseCost]:
    try:
        from sandbox.exact.payments import PaymentError, payment_register
        from sync.services.payments import payment_status_poll
    except ImportError:
        cost = PhaseCost(name="poll", note="skipped: payments are not in this build")
        _say(cost.note)
        return [cost]
    from coupling.exact.client import ExactClient
    from devtools.bench.result import exported_numbers

    costs = []
    with phase_measured("poll_first", server_pid=_server_pid()) as cost:
        result = payment_status_poll(client=ExactClient(deadline=None))
        cost.note, cost.detail = result.summary(), {"changed": result.changed, "terms": result.terms}
    costs.append(cost)

    credits = set(seeded.credit_numbers)
    candidates = sorted(n for n in exported_numbers() if n not in credits)
    chosen = random.Random(7).sample(candidates, k=round(len(candidates) * PAY_SHARE))  # noqa: S311
    with phase_measured("pay (sandbox)", server_pid=_server_pid()) as cost:
        paid, refused = 0, 0
        for number in chosen:
            try:
                with transaction.atomic(using="sandbox"):
                    payment_register(numbers=[number])
                paid += 1
            except PaymentError:
                refused += 1  # e.g. settled already by a credit note
        cost.note, cost.detail = f"{paid} invoices paid in the sandbox, {refused} refused", {"paid": paid}
    costs.append(cost)
    _say(cost.note)

    with phase_measured("poll", server_pid=_server_pid()) as cost:
        result = payment_status_poll(client=ExactClient(deadline=None))
        cost.note, cost.detail = result.summary(), {"changed": result.changed, "terms": result.terms}
    costs.append(cost)
    _say(f"polled ({cost.wall_s:.1f} s): {cost.note[:160]}")
    return costs


_SERVER = {"pid": 0}


def _server_pid() -> int:
    return _SERVER["pid"]
