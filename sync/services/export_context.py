"""The export's call-recording context: what one run shares, and every Exact call with its attempt row.

Every call gets an attempt row written before it and completed after it (`export_call`); a call the
budget or an endpoint block refuses before sending stops the run (`StopRun`) and counts no call.
"""

from dataclasses import dataclass, field

from coupling import clock
from coupling.exact.errors import ExactBudgetExhausted, ExactEndpointBlocked, ExactError
from sync.models import ExportAttempt, InvoiceExport
from sync.services import export_ports as ports
from sync.services.exact_payloads import redacted


class StopRun(Exception):
    """The budget or an endpoint block says stop: leave the rest for the next run."""

    def __init__(self, message: str, *, code: str = ""):
        super().__init__(f"{code}: {message}" if code else message)
        self.code = code  # connection.budget_daily_spent, connection.budget_minute_spent, ...


@dataclass
class RunContext:
    """What one run shares between invoices: the client, options, and what it learnt from Exact."""

    client: object
    administration: str
    options: object
    resolver: object
    worker: str
    accounts: dict[str, dict | None] = field(default_factory=dict)  # code → Exact account (None: absent)
    closed_periods: set[tuple[int, int]] = field(default_factory=set)  # (year, period) Exact refused as closed
    updated_codes: set[str] = field(default_factory=set)
    calls: int = 0
    user: object = None

    def count_call(self) -> None:
        self.calls += 1


def run_context(*, client, administration: str, worker: str, user=None) -> RunContext:
    return RunContext(
        client=client,
        administration=administration,
        options=ports.coupling_options(administration=administration),
        resolver=ports.line_resolver(administration=administration),
        worker=worker,
        user=user,
    )


# --- calls with their history ------------------------------------------------------------------


def export_call(ctx: RunContext, export: InvoiceExport, action: str, sent, fn):
    """Record the attempt, make the call, complete the attempt; Exact's errors are re-raised."""
    attempt = ExportAttempt.objects.create(
        export=export, action=action, sent=redacted(sent) if sent is not None else None, triggered_by=ctx.user
    )
    try:
        ctx.count_call()
        received = fn()
    except (ExactBudgetExhausted, ExactEndpointBlocked) as exc:
        ctx.calls -= 1  # refused before sending: no call was made
        _complete(attempt, ExportAttempt.Outcome.TRANSIENT, error_text=f"not sent: {exc}")
        raise StopRun(str(exc), code=exc.code) from exc
    except ExactError as exc:
        outcome = (
            ExportAttempt.Outcome.UNKNOWN
            if getattr(exc, "outcome_unknown", False)
            else ExportAttempt.Outcome.FAILED
            if getattr(exc, "permanent", False)
            else ExportAttempt.Outcome.TRANSIENT
        )
        texts = list(getattr(exc, "messages", None) or [str(exc)])
        _complete(
            attempt,
            outcome,
            http_status=getattr(exc, "status", None),
            error_text="\r\n".join(texts),
            catalogue_code=ports.attempt_catalogue_code(texts=texts) if outcome == ExportAttempt.Outcome.FAILED else "",
        )
        raise
    _complete(attempt, ExportAttempt.Outcome.OK, received=redacted(received) if received is not None else None)
    return received


def _complete(attempt: ExportAttempt, outcome: str, **fields) -> None:
    attempt.outcome = outcome
    attempt.finished_at = clock.now()
    for name, value in fields.items():
        setattr(attempt, name, value)
    attempt.save()


def export_lookup(ctx: RunContext, export: InvoiceExport, action: str, resource: str, filter_: str) -> dict | None:
    """The first row matching `filter_` (one read, recorded as `{action}_lookup`), or None."""
    rows = export_call(
        ctx, export, f"{action}_lookup", {"filter": filter_},
        lambda: ctx.client.get_list(resource, select=["ID"], filter=filter_),
    )  # fmt: skip
    return rows[0] if rows else None


def created_before(ctx: RunContext, export: InvoiceExport, action: str, resource: str, filter_: str) -> dict | None:
    """After a POST with an unknown outcome, the row it may have created (one read); None otherwise."""
    # ASSUMPTION: a document with our subject on this account (or an attachment on our document) is ours.
    last = export.attempts.filter(action=action).order_by("-id").values_list("outcome", flat=True).first()
    if last not in (ExportAttempt.Outcome.UNKNOWN, ExportAttempt.Outcome.PENDING):
        return None
    return export_lookup(ctx, export, action, resource, filter_)
