"""One run's figures as the JSON object of contracts.md ("The benchmark"), from the measured phases."""

from devtools.bench.calls import (
    REFERENCE_READS,
    calls_counted,
    lower_bound_calls,
    projected_hours,
)
from devtools.bench.measure import PhaseCost

# Our own cost per invoice is taken over the phases whose work grows with the invoices.
PER_INVOICE_PHASES = ("fetch", "export")


def exported_numbers() -> list[str]:
    """Coachview numbers of the invoices in state exported."""
    from sync.models import InvoiceExport

    return list(InvoiceExport.objects.filter(state="exported").values_list("invoice__number", flat=True))


def _states() -> dict:
    from django.db.models import Count

    from sync.models import InvoiceExport

    return dict(InvoiceExport.objects.values_list("state").annotate(n=Count("id")).order_by())


def _entries_in_exact() -> tuple[int, int]:
    """Sales entries the sandbox's Exact holds, and how many of them repeat an invoice (YourRef)."""
    from collections import Counter

    from sandbox.models import ExactRecord

    refs = Counter(
        ExactRecord.objects.filter(entity="salesentry/SalesEntries")
        .values_list("data__YourRef", flat=True)
        .iterator()
    )
    return sum(refs.values()), sum(n - 1 for n in refs.values() if n > 1)


def _per(value: float, count: int, digits: int = 3) -> float | None:
    return round(value / count, digits) if count else None


def run_result(
    *, invoices: int, costs: list[PhaseCost], seeded, peak_rss: float, server_rss: float, faults: bool
) -> dict:
    """The run's JSON object: contract keys first, then per phase and per endpoint detail."""
    by_name = {cost.name: cost for cost in costs}
    phases, exact_total, exact_429, coachview_total = {}, 0, 0, 0
    for cost in costs:
        exact = calls_counted(system="exact", first=cost.requests[0], last=cost.requests[1])
        coachview = calls_counted(system="coachview", first=cost.requests[0], last=cost.requests[1])
        exact_429 += exact.too_many
        exact_total += exact.total
        if cost.name in ("fetch", "export", "poll_first", "poll"):
            coachview_total += coachview.total
        phases[cost.name] = {
            "wall_s": round(cost.wall_s, 3),
            "cpu_s": round(cost.cpu_s, 3),
            "server_cpu_s": round(cost.server_cpu_s, 3),
            "db_queries": cost.db_queries,
            "rss_after_mb": cost.rss_after_mb,
            "peak_mb": cost.peak_mb,
            "exact_calls": exact.total,
            "exact_by_endpoint": dict(sorted(exact.by_endpoint.items())),
            "exact_429": exact.too_many,
            "exact_5xx": exact.unavailable,
            "exact_oauth_calls": exact.token_calls,
            "coachview_calls": coachview.total,
            "coachview_by_endpoint": dict(sorted(coachview.by_endpoint.items())),
            "note": cost.note,
            **cost.detail,
        }
    numbers = exported_numbers()
    exported = len(numbers)
    export = phases.get("export", {})
    reference = phases.get("reference", {})
    exact_calls = export.get("exact_calls", 0)
    bound = lower_bound_calls(exported_numbers=numbers, seeded=seeded)
    # The backlog's calls: this export plus the reference reads it needs; the bound amortises six.
    backlog = exact_calls + reference.get("exact_calls", 0)
    bound_with_reference = bound + REFERENCE_READS
    poll = phases.get("poll", {})
    ours_cpu = sum(by_name[name].cpu_s for name in PER_INVOICE_PHASES if name in by_name)
    ours_queries = sum(by_name[name].db_queries for name in PER_INVOICE_PHASES if name in by_name)
    new_debtors = {
        seeded.invoice_debtor[n] for n in numbers if seeded.invoice_debtor.get(n) in seeded.new_debtors
    }
    entries, duplicates = _entries_in_exact()
    # The sandbox's own work done in this process (paying) does not count as ours.
    peaks = [cost.peak_mb for cost in costs if cost.name != "pay (sandbox)" and cost.peak_mb]
    peak_rss = max(peaks) if peaks else peak_rss
    return {
        "invoices": invoices,
        "exported": exported,
        "exact_calls": exact_calls,
        "exact_calls_per_invoice": _per(exact_calls, exported),
        "lower_bound_calls": bound,
        "lower_bound_calls_per_invoice": _per(bound, exported),
        "ratio_to_lower_bound": round(exact_calls / bound, 4) if bound else None,
        "exact_calls_with_reference_per_invoice": _per(backlog, exported),
        "lower_bound_with_reference_per_invoice": _per(bound_with_reference, exported),
        "exact_calls_all_phases": exact_total,
        "exact_sales_entries": entries,
        "exact_duplicate_entries": duplicates,
        "exact_429": exact_429,
        "coachview_calls": coachview_total,
        "coachview_calls_per_invoice": _per(coachview_total, invoices),
        "local_ms_per_invoice": _per(ours_cpu * 1000, invoices, 2),
        "db_queries_per_invoice": _per(ours_queries, invoices, 2),
        "poll_calls": poll.get("exact_calls", 0),
        "poll_changes": poll.get("changed", 0),
        "poll_calls_per_change": _per(poll.get("exact_calls", 0), poll.get("changed", 0)),
        "peak_rss_mb": round(peak_rss, 1),
        "server_peak_rss_mb": round(server_rss, 1),
        "projected_hours_at_real_limits": projected_hours(backlog),
        "faults": faults,
        "seeded": {
            "invoices": seeded.invoices,
            "credit_invoices": seeded.credit_invoices,
            "lines": seeded.lines,
            "pdf_kb_average": round(seeded.pdf_bytes / 1024 / max(seeded.invoices, 1), 1),
            "debtors_in_exact": seeded.existing_debtors,
            "new_debtors": len(seeded.new_debtors),
            "new_debtors_exported": len(new_debtors),
        },
        "admin_pages": phases.get("admin pages", {}).get("pages", {}),
        "export_states": _states(),
        "phases": phases,
    }
