"""The one writer of `InvoiceExport.state`: which moves exist, and the conditional update that makes them.

Every change of an export's state goes through here (`tests/test_export_state.py` reads every product
module and fails on a write elsewhere). A move is a conditional `UPDATE ... WHERE state IN (...)`: a
row that left the expected states meanwhile (a worker claimed it, a person acted) is not touched, and
the number of rows changed tells the caller whether it won.
"""

from collections.abc import Iterable
from datetime import datetime

from django.db.models import QuerySet

from coupling import clock
from sync.models import ExportState, InvoiceExport

S = ExportState

# To-state → the states it may be reached from, as the code moves them (docs/architecture.md,
# "Export state: one writer", names who makes each move). A state listed in its own set is rewritten
# in place (new reasons, a retry's reset). `new` is also where every export starts (a created row).
TRANSITIONS: dict[str, frozenset[str]] = {
    # A person includes an excluded invoice; the fetch brings back one excluded for another Coachview.
    S.NEW: frozenset({S.EXCLUDED}),
    # The pre-flight and a person's re-check (held/ready/new; failed only when it failed meanwhile);
    # a worker that finds a cause only Exact shows (exporting).
    S.HELD: frozenset({S.NEW, S.HELD, S.READY, S.FAILED, S.EXPORTING}),
    # The pre-flight, a person's retry, re-check or number decision; a worker giving an export back
    # (run stopped, transient error, aborted, account being created by another worker).
    S.READY: frozenset({S.NEW, S.HELD, S.READY, S.FAILED, S.EXPORTING}),
    # A worker's claim; `exporting` itself once the claim of the worker before it expired.
    S.EXPORTING: frozenset({S.READY, S.UNKNOWN, S.EXPORTING}),
    # Only a worker: the write's outcome was lost, or the run stopped or broke off after the POST.
    S.UNKNOWN: frozenset({S.EXPORTING}),
    # A worker that booked or found the entry; a person accepting a change in Coachview.
    S.EXPORTED: frozenset({S.EXPORTING, S.CHANGED}),
    # A worker refused by Exact; a person's re-check of a failed invoice keeps it failed (it also
    # writes `failed` over new/held/ready should the invoice have moved there meanwhile).
    S.FAILED: frozenset({S.EXPORTING, S.FAILED, S.NEW, S.HELD, S.READY}),
    # A person's exclusion; the export run (before the cut-off) and the fetch (another Coachview).
    S.EXCLUDED: frozenset({S.NEW, S.HELD, S.READY, S.FAILED}),
    # Only the fetch: the invoice changed in Coachview after it was booked.
    S.CHANGED: frozenset({S.EXPORTED}),
}


def transition_check(*, to: str, from_states: Iterable[str]) -> list[str]:
    """The from-states as a list; ValueError when one of them may not move to `to` (a programming error)."""
    states = list(from_states)
    allowed = TRANSITIONS.get(to)
    if allowed is None:
        raise ValueError(f"{to!r} is not an export state")
    wrong = [state for state in states if state not in allowed]
    if not states or wrong:
        raise ValueError(f"an export never moves to {to!r} from {wrong or 'nothing'}")
    return states


def state_move(exports: QuerySet, *, to: str, from_states: Iterable[str], **fields) -> int:
    """Move the exports still in `from_states` to `to` (with `fields`) in one UPDATE; the number of rows changed."""
    states = transition_check(to=to, from_states=from_states)
    if "state" in fields:
        raise ValueError("the new state is `to`, not a field")
    fields.setdefault("state_changed_at", clock.now())
    return exports.filter(state__in=states).update(state=to, **fields)


def state_mirror(export: InvoiceExport, *, to: str, **fields) -> None:
    """Give the caller's copy of an export the state (and fields) just written for it."""
    export.state = to
    for name, value in fields.items():
        setattr(export, name, value)


def states_bulk_write(
    moves: Iterable[tuple[InvoiceExport, str, dict]],
    *,
    from_states: Iterable[str],
    now: datetime,
    batch_size: int = 500,  # pragma: no mutate (how many UPDATEs, not what they write)
) -> int:
    """Give each export its new state and fields, writing only those that change, in one bulk UPDATE of the
    rows still in `from_states`; `state_changed_at` moves only where the state does. The rows written."""
    states = list(from_states)
    changed, names = [], set()
    for export, to, fields in moves:
        transition_check(to=to, from_states=states)
        if to == export.state and all(getattr(export, name) == value for name, value in fields.items()):
            continue
        if to != export.state:
            export.state_changed_at = now
        state_mirror(export, to=to, **fields)
        changed.append(export)
        names |= set(fields)
    if not changed:
        return 0
    # Only rows still in the checked states are written: a worker may have claimed one meanwhile.
    fields = ["state", *sorted(names), "state_changed_at"]
    # The batch size decides how many UPDATEs, not what they write.
    return InvoiceExport.objects.filter(state__in=states).bulk_update(changed, fields, batch_size=batch_size)  # pragma: no mutate
