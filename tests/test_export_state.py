"""An export's state has one writer (`sync/services/export_state.py`) and a fixed set of moves.

The moves are the contracts' "Invoice states" as the code makes them; the helper refuses any other,
and only touches rows still in the states the caller checked (a claim-safe conditional UPDATE).
A static check reads every product module and fails when any other module writes the state.
"""

import ast
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from coupling import clock
from sync.models import ExportState, InvoiceExport
from sync.services.export_state import TRANSITIONS, state_move, states_bulk_write, transition_check
from tests.factories import InvoiceExportFactory

S = ExportState
NOW = datetime(2026, 3, 2, 10, 0, 0, tzinfo=UTC)
EARLIER = NOW - timedelta(days=3)
ROOT = Path(__file__).resolve().parent.parent
PRODUCT = ("coupling", "mappings", "sync")
ONE_WRITER = "sync/services/export_state.py"


def reached_from(state: str) -> set[str]:
    return set(TRANSITIONS[state])


def leads_to(state: str) -> set[str]:
    return {to for to, sources in TRANSITIONS.items() if state in sources}


# --- the moves -----------------------------------------------------------------------------------


def test_the_table_names_every_state_and_nothing_else():
    assert set(TRANSITIONS) == set(S.values)
    assert set().union(*TRANSITIONS.values()) <= set(S.values)


def test_an_exported_invoice_may_only_become_changed_and_a_changed_one_only_exported_again():
    assert leads_to(S.EXPORTED) == {S.CHANGED}
    assert reached_from(S.CHANGED) == {S.EXPORTED}
    assert leads_to(S.CHANGED) == {S.EXPORTED}
    assert reached_from(S.EXPORTED) == {S.EXPORTING, S.CHANGED}


def test_only_an_invoice_not_yet_sent_or_failed_may_be_excluded_and_an_excluded_one_only_comes_back_as_new():
    assert reached_from(S.EXCLUDED) == {S.NEW, S.HELD, S.READY, S.FAILED}
    assert leads_to(S.EXCLUDED) == {S.NEW}
    assert reached_from(S.NEW) == {S.EXCLUDED}


def test_only_a_claim_makes_an_export_exporting_and_only_the_worker_holding_it_ends_it():
    assert reached_from(S.EXPORTING) == {S.READY, S.UNKNOWN, S.EXPORTING}  # exporting: an expired claim
    assert leads_to(S.EXPORTING) == {S.EXPORTING, S.HELD, S.READY, S.UNKNOWN, S.EXPORTED, S.FAILED}


def test_an_unknown_outcome_comes_only_from_a_worker_and_is_only_left_by_claiming_it_to_look_it_up():
    assert reached_from(S.UNKNOWN) == {S.EXPORTING}
    assert leads_to(S.UNKNOWN) == {S.EXPORTING}


def test_held_and_ready_are_reached_by_the_preflight_a_person_or_a_worker_never_from_exported_or_excluded():
    for state in (S.HELD, S.READY):
        assert reached_from(state) == {S.NEW, S.HELD, S.READY, S.FAILED, S.EXPORTING}


def test_failed_comes_from_a_worker_or_a_recheck_of_what_was_waiting():
    assert reached_from(S.FAILED) == {S.EXPORTING, S.FAILED, S.NEW, S.HELD, S.READY}
    assert leads_to(S.FAILED) == {S.HELD, S.READY, S.FAILED, S.EXCLUDED}


def test_a_move_the_table_does_not_have_is_a_programming_error_that_says_which():
    with pytest.raises(ValueError, match=r"^an export never moves to ExportState.READY from \[ExportState.EXPORTED\]$"):
        transition_check(to=S.READY, from_states=[S.EXPORTED])
    with pytest.raises(ValueError, match=r"^an export never moves to ExportState.EXCLUDED from \[ExportState.EXPORTING\]$"):
        transition_check(to=S.EXCLUDED, from_states=[S.NEW, S.EXPORTING])
    with pytest.raises(ValueError, match=r"^'archived' is not an export state$"):
        transition_check(to="archived", from_states=[S.NEW])
    with pytest.raises(ValueError, match=r"^an export never moves to ExportState.READY from nothing$"):
        transition_check(to=S.READY, from_states=[])
    assert transition_check(to=S.CHANGED, from_states=(s for s in [S.EXPORTED])) == [S.EXPORTED]


# --- the conditional update ----------------------------------------------------------------------


@pytest.fixture
def frozen(monkeypatch):
    monkeypatch.setattr(clock, "now", lambda: NOW)


def rows(*states: str) -> list[InvoiceExport]:
    made = [InvoiceExportFactory(state=state) for state in states]
    InvoiceExport.objects.filter(pk__in=[row.pk for row in made]).update(state_changed_at=EARLIER)
    return made


def stored(row: InvoiceExport) -> tuple:
    row = InvoiceExport.objects.get(pk=row.pk)
    return row.state, row.state_changed_at, row.reasons


@pytest.mark.django_db
def test_a_move_changes_only_the_rows_still_in_the_states_checked_and_counts_them(frozen):
    new, held, exporting, exported = rows(S.NEW, S.HELD, S.EXPORTING, S.EXPORTED)
    reasons = [{"code": "export.excluded", "message": "by hand", "values": {}}]
    moved = state_move(InvoiceExport.objects.all(), to=S.EXCLUDED, from_states=[S.NEW, S.HELD], reasons=reasons)
    assert moved == 2
    assert stored(new) == (S.EXCLUDED, NOW, reasons)
    assert stored(held) == (S.EXCLUDED, NOW, reasons)
    assert stored(exporting) == (S.EXPORTING, EARLIER, [])
    assert stored(exported) == (S.EXPORTED, EARLIER, [])


@pytest.mark.django_db
def test_a_move_keeps_a_given_state_time(frozen):
    (row,) = rows(S.EXPORTED)
    given = NOW - timedelta(minutes=5)
    assert state_move(InvoiceExport.objects.all(), to=S.CHANGED, from_states=[S.EXPORTED], state_changed_at=given) == 1
    assert stored(row) == (S.CHANGED, given, [])


@pytest.mark.django_db
def test_a_move_the_table_does_not_have_is_refused_and_writes_nothing(frozen):
    exported, ready = rows(S.EXPORTED, S.READY)
    with pytest.raises(ValueError):
        state_move(InvoiceExport.objects.all(), to=S.READY, from_states=[S.EXPORTED, S.READY])
    with pytest.raises(ValueError, match=r"^the new state is `to`, not a field$"):
        state_move(InvoiceExport.objects.all(), to=S.READY, from_states=[S.READY], state=S.HELD)
    assert stored(exported) == (S.EXPORTED, EARLIER, [])
    assert stored(ready) == (S.READY, EARLIER, [])


@pytest.mark.django_db
def test_the_bulk_write_skips_unchanged_rows_and_rows_claimed_meanwhile_and_times_only_a_state_change(frozen):
    unchanged, reasons_only, to_held, claimed = rows(S.READY, S.HELD, S.NEW, S.READY)
    exports = list(InvoiceExport.objects.order_by("pk"))
    # A worker claims one after the check read it.
    InvoiceExport.objects.filter(pk=claimed.pk).update(state=S.EXPORTING, claimed_by="w1")
    why = [{"code": "preflight.no_lines", "message": "no lines", "values": {}}]
    moves = [(exports[0], S.READY, {"reasons": []}), (exports[1], S.HELD, {"reasons": why}),
             (exports[2], S.HELD, {"reasons": why}), (exports[3], S.HELD, {"reasons": why})]  # fmt: skip
    assert states_bulk_write(moves, from_states=[S.NEW, S.HELD, S.READY], now=NOW) == 2
    assert stored(unchanged) == (S.READY, EARLIER, [])
    assert stored(reasons_only) == (S.HELD, EARLIER, why)
    assert stored(to_held) == (S.HELD, NOW, why)
    assert stored(claimed) == (S.EXPORTING, EARLIER, [])
    assert (exports[2].state, exports[2].state_changed_at) == (S.HELD, NOW)  # the caller's copy follows


@pytest.mark.django_db
def test_the_bulk_write_writes_every_field_any_move_carries(frozen):
    held, ready = rows(S.NEW, S.NEW)
    reasons = [{"code": "preflight.pdf_missing", "values": {}, "message": "no PDF"}]
    moves = [(held, S.HELD, {"reasons": reasons}), (ready, S.READY, {"transient_failures": 3})]
    assert states_bulk_write(moves, from_states=[S.NEW], now=NOW) == 2
    held, ready = (InvoiceExport.objects.get(pk=row.pk) for row in (held, ready))
    assert (held.state, held.reasons, ready.state, ready.transient_failures) == (S.HELD, reasons, S.READY, 3)


@pytest.mark.django_db
def test_the_bulk_write_with_nothing_changed_sends_no_query(frozen, django_assert_num_queries):
    (row,) = rows(S.READY)
    export = InvoiceExport.objects.get(pk=row.pk)
    with django_assert_num_queries(0):
        assert states_bulk_write([(export, S.READY, {"reasons": []})], from_states=[S.READY], now=NOW) == 0


@pytest.mark.django_db
def test_the_bulk_write_refuses_a_move_the_table_does_not_have(frozen):
    (row,) = rows(S.EXPORTED)
    export = InvoiceExport.objects.get(pk=row.pk)
    with pytest.raises(ValueError):
        states_bulk_write([(export, S.HELD, {})], from_states=[S.EXPORTED], now=NOW)
    assert stored(row) == (S.EXPORTED, EARLIER, [])


# --- one writer ----------------------------------------------------------------------------------

# Calls whose `state=` keyword (or "state" in `defaults`) writes the field: only InvoiceExport has one.
WRITING_CALLS = {"update", "create", "get_or_create", "update_or_create", "InvoiceExport"}


def _names_state(node: ast.AST | None) -> bool:
    """A list, tuple or set literal of field names holding "state"."""
    return isinstance(node, ast.List | ast.Tuple | ast.Set) and any(
        isinstance(item, ast.Constant) and item.value == "state" for item in node.elts
    )


def _dict_has_state(node: ast.AST | None) -> bool:
    return isinstance(node, ast.Dict) and any(
        isinstance(key, ast.Constant) and key.value == "state" for key in node.keys
    )


def _call_writes_state(call: ast.Call) -> bool:
    name = call.func.attr if isinstance(call.func, ast.Attribute) else getattr(call.func, "id", "")
    keywords = {keyword.arg: keyword.value for keyword in call.keywords}
    if name in WRITING_CALLS and (
        "state" in keywords
        or any(_dict_has_state(value) for arg, value in keywords.items() if arg in (None, "defaults", "create_defaults"))
    ):
        return True
    if name == "bulk_update":
        fields = call.args[1] if len(call.args) > 1 else keywords.get("fields")
        return _names_state(fields)
    if name == "setattr" and len(call.args) > 1:
        return isinstance(call.args[1], ast.Constant) and call.args[1].value == "state"
    return _names_state(keywords.get("update_fields"))


def state_writes(source: str) -> list[int]:
    """The lines of `source` that write an export's state: `x.state = …` (also unpacked or augmented),
    `state=` in update/create calls or the InvoiceExport constructor, "state" in `bulk_update` or
    `update_fields`, `setattr(x, "state", …)`. Reading (`filter(state=…)`, `x.state ==`) is not writing.
    A state passed on in a dict built elsewhere (`update(**values)`) is beyond a static check: review catches it."""
    lines = set()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Attribute) and node.attr == "state" and isinstance(node.ctx, ast.Store | ast.Del):
            lines.add(node.lineno)
        elif isinstance(node, ast.Call) and _call_writes_state(node):
            lines.add(node.lineno)
    return sorted(lines)


def product_modules() -> list[Path]:
    return [
        path
        for app in PRODUCT
        for path in sorted((ROOT / app).rglob("*.py"))
        if "migrations" not in path.relative_to(ROOT).parts
    ]


def test_no_module_but_export_state_writes_an_exports_state():
    writers = {
        path.relative_to(ROOT).as_posix(): found
        for path in product_modules()
        if (found := state_writes(path.read_text()))
    }
    assert set(writers) == {ONE_WRITER}  # and the check does see the one writer's writes


@pytest.mark.parametrize(
    "source",
    [
        "export.state = ExportState.READY",
        "export.state, export.reasons = state, reasons",
        "for export.state in states: pass",
        "InvoiceExport.objects.filter(pk=1).update(state='held')",
        "InvoiceExport.objects.filter(pk=1).update(**{'state': 'held'})",
        "InvoiceExport.objects.create(invoice=i, administration=a, state='ready')",
        "InvoiceExport.objects.update_or_create(invoice=i, defaults={'state': 'ready'})",
        "rows = [InvoiceExport(invoice_id=pk, state='excluded') for pk in pks]",
        "InvoiceExport.objects.bulk_update(changed, ['state', 'reasons'])",
        "InvoiceExport.objects.bulk_update(changed, fields=('reasons', 'state'))",
        "export.save(update_fields=['state'])",
        "setattr(export, 'state', 'ready')",
    ],
)
def test_the_check_finds_an_injected_writer(source):
    assert state_writes("from sync.models import InvoiceExport\n" + source + "\n") == [2]


def test_the_check_leaves_reading_the_state_alone():
    source = "\n".join(
        [
            "InvoiceExport.objects.filter(state=ExportState.EXPORTED).exclude(state='held').count()",
            "if export.state == ExportState.HELD: before = export.state",
            "rows.append(dict(base, state=None))",
            "session = OAuth2Session(client_id, state=state)",
            "ExportAction.objects.create(export=export, state_before=before, state_after=export.state)",
            "InvoiceExport.objects.bulk_update(changed, ['reasons'])",
            "qs.annotate(export_state=Subquery(exports.values('state')[:1]))",
            "state_move(exports, to=ExportState.CHANGED, from_states=[ExportState.EXPORTED])",
        ]
    )
    assert state_writes(source) == []
