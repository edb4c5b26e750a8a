"""The benchmark's table: the headline figures beside the lower bound, per phase, per endpoint, per size."""

HEADLINE = [
    ("invoices", "invoices seeded"),
    ("exported", "exported"),
    ("exact_calls", "Exact calls (export)"),
    ("exact_429", "Exact 429s (all phases)"),
    ("exact_sales_entries", "sales entries in Exact"),
    ("exact_duplicate_entries", "duplicate entries (must be 0)"),
    ("coachview_calls", "Coachview calls"),
    ("coachview_calls_per_invoice", "Coachview calls per invoice"),
    ("local_ms_per_invoice", "our CPU ms per invoice"),
    ("db_queries_per_invoice", "DB queries per invoice"),
    ("poll_calls", "Exact calls per payment poll"),
    ("poll_changes", "payment changes found"),
    ("poll_calls_per_change", "poll calls per change"),
    ("peak_rss_mb", "peak RSS MB (product)"),
    ("server_peak_rss_mb", "peak RSS MB (server)"),
    ("projected_hours_at_real_limits", "hours at 60/min, 5,000/day"),
]
PER_SIZE = [
    ("exact_calls_per_invoice", "Exact calls / invoice"),
    ("lower_bound_calls_per_invoice", "lower bound / invoice"),
    ("ratio_to_lower_bound", "ratio"),
    ("coachview_calls_per_invoice", "Coachview / invoice"),
    ("local_ms_per_invoice", "our CPU ms / invoice"),
    ("db_queries_per_invoice", "DB queries / invoice"),
    ("exact_429", "429s"),
    ("admin_max_queries", "most queries on an admin page"),
    ("peak_rss_mb", "peak RSS MB"),
    ("projected_hours_at_real_limits", "hours at real limits"),
]


def _fmt(value) -> str:
    if value is None:
        return "-"
    if isinstance(value, float):
        return f"{value:,.3f}".rstrip("0").rstrip(".") if abs(value) < 1000 else f"{value:,.0f}"
    return f"{value:,}" if isinstance(value, int) else str(value)


def _table(rows: list[list[str]], header: list[str]) -> list[str]:
    widths = [max(len(str(row[i])) for row in [header, *rows]) for i in range(len(header))]
    line = "  ".join(
        f"{h:<{w}}" if i == 0 else f"{h:>{w}}" for i, (h, w) in enumerate(zip(header, widths, strict=True))
    )
    out = [line, "-" * len(line)]
    for row in rows:
        out.append(
            "  ".join(
                f"{c:<{w}}" if i == 0 else f"{c:>{w}}"
                for i, (c, w) in enumerate(zip(row, widths, strict=True))
            )
        )
    return out


def run_table(result: dict) -> list[str]:
    """One run: headline, ours beside the lower bound, phases, and the export's calls per endpoint."""
    out = [
        f"Benchmark: {result['invoices']} invoices" + (" (faults injected)" if result.get("faults") else ""),
        "",
    ]
    out += _table(
        [
            [
                "Exact calls per exported invoice",
                _fmt(result["exact_calls_per_invoice"]),
                _fmt(result["lower_bound_calls_per_invoice"]),
                _fmt(result["ratio_to_lower_bound"]),
            ],
            [
                "  with the reference reads",
                _fmt(result["exact_calls_with_reference_per_invoice"]),
                _fmt(result["lower_bound_with_reference_per_invoice"]),
                "",
            ],
        ],  # fmt: skip
        ["", "ours", "lower bound", "ratio"],
    )
    out.append("")
    out += _table([[label, _fmt(result.get(key))] for key, label in HEADLINE], ["figure", "value"])
    out.append("")
    phase_rows = [
        [name, _fmt(p["wall_s"]), _fmt(p["cpu_s"]), _fmt(p["server_cpu_s"]), _fmt(p["db_queries"]),
         _fmt(p["exact_calls"]), _fmt(p["exact_429"]), _fmt(p["coachview_calls"]), _fmt(p.get("peak_mb"))]
        for name, p in result["phases"].items()
    ]  # fmt: skip
    out += _table(
        phase_rows,
        ["phase", "wall s", "our CPU s", "server CPU s", "queries", "Exact", "429", "Coachview", "peak MB"],
    )
    export = result["phases"].get("export", {})
    if export.get("exact_by_endpoint"):
        out.append("")
        exported = result["exported"] or 1
        rows = [
            [name, _fmt(n), _fmt(round(n / exported, 3))] for name, n in export["exact_by_endpoint"].items()
        ]
        out += _table(rows, ["Exact calls in the export, per endpoint", "calls", "per invoice"])
    workers = export.get("per_worker") or {}
    if workers:
        out += [
            "",
            f"export by {result.get('workers')} qcluster workers, {result.get('broker')} broker: {export['ended']}",
        ]
        rows = [
            [name, _fmt(w["runs"]), _fmt(w["exact_calls"]), _fmt(w["exported"]), _fmt(w["waited_s"])]
            for name, w in workers.items()
        ]
        out += _table(rows, ["worker", "runs", "Exact calls", "exported", "waited s"])
    pages = result.get("admin_pages") or {}
    if pages:
        out.append("")
        rows = [[name, _fmt(p["status"]), _fmt(p["queries"]), _fmt(p["ms"])] for name, p in pages.items()]
        out += _table(rows, ["admin page", "HTTP", "queries", "ms"])
    states = result.get("export_states") or {}
    if states:
        out += ["", "export states: " + ", ".join(f"{k} {v}" for k, v in sorted(states.items()))]
    return out


def sizes_table(results: list[dict]) -> list[str]:
    """How each per-invoice figure grows with the number of invoices (it should stay flat)."""
    header = ["per invoice", *[f"N={r['invoices']}" for r in results]]
    for result in results:
        result.setdefault(
            "admin_max_queries",
            max((p["queries"] for p in (result.get("admin_pages") or {}).values()), default=None),
        )
    rows = [[label, *[_fmt(r.get(key)) for r in results]] for key, label in PER_SIZE]
    return _table(rows, header)
