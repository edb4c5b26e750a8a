"""The claim rules of the export: who may take, renew, give back and finish an invoice's export.

A claim is one conditional UPDATE, so these rules hold the same on SQLite and PostgreSQL
(`make test-postgres` runs this file there); the clock is frozen so the expiry instant is exact.
"""

import logging
from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest
from django.test import override_settings

from coupling import clock
from sync.models import AccountCreation, ExportState, InvoiceExport
from sync.services import export_ports
from sync.services.export_claims import (
    account_created,
    account_creation_claim,
    account_creation_end,
    claim_release,
    claim_renew,
    claimable,
    entry_found,
    export_claim,
    export_finish,
    export_retry_later,
    export_store,
)
from tests.factories import DebtorFactory, InvoiceExportFactory

pytestmark = pytest.mark.django_db

NOW = datetime(2026, 3, 2, 10, 0, 0, tzinfo=UTC)
CLAIM = timedelta(seconds=600)


@pytest.fixture(autouse=True)
def frozen_clock(monkeypatch):
    monkeypatch.setattr(clock, "now", lambda: NOW)


@pytest.fixture
def written(monkeypatch):
    """The exports whose booking result was written back to Coachview."""
    calls = []
    monkeypatch.setattr(export_ports, "booking_status_written", lambda *, export: calls.append(export.state))
    return calls


def export(**fields) -> InvoiceExport:
    return InvoiceExportFactory(**fields)


def held_by(worker: str, *, until=NOW + CLAIM, **fields) -> InvoiceExport:
    return export(state=ExportState.EXPORTING, claimed_by=worker, claimed_until=until, **fields)


def fresh(row: InvoiceExport) -> InvoiceExport:
    return InvoiceExport.objects.get(pk=row.pk)


def claimable_ids() -> set[int]:
    return set(InvoiceExport.objects.filter(claimable()).values_list("pk", flat=True))


# --- which exports may be taken ------------------------------------------------------------------


def test_ready_and_unknown_exports_are_claimable_and_every_other_state_is_not():
    ready, unknown = export(state=ExportState.READY), export(state=ExportState.UNKNOWN)
    for state in (ExportState.NEW, ExportState.HELD, ExportState.EXPORTED, ExportState.FAILED,
                  ExportState.EXCLUDED, ExportState.CHANGED):
        export(state=state)
    assert claimable_ids() == {ready.pk, unknown.pk}


def test_a_backed_off_export_is_claimable_from_its_next_attempt_time_on_and_not_a_second_before():
    due_now = export(state=ExportState.READY, next_attempt_at=NOW)
    due_before = export(state=ExportState.UNKNOWN, next_attempt_at=NOW - timedelta(seconds=1))
    export(state=ExportState.READY, next_attempt_at=NOW + timedelta(seconds=1))
    export(state=ExportState.HELD, next_attempt_at=NOW - timedelta(seconds=1))  # due, but not resumable
    assert claimable_ids() == {due_now.pk, due_before.pk}


def test_an_exporting_export_is_claimable_only_once_its_claim_has_expired():
    expired = held_by("dead", until=NOW - timedelta(seconds=1))
    held_by("alive", until=NOW)  # the claim still holds at its expiry instant
    held_by("busy")
    # The back-off time does not matter for a stale claim: its worker died mid-export.
    stale_backed_off = held_by("dead", until=NOW - timedelta(seconds=1), next_attempt_at=NOW + CLAIM)
    export(state=ExportState.READY, claimed_until=NOW - timedelta(seconds=1), next_attempt_at=NOW + CLAIM)
    assert claimable_ids() == {expired.pk, stale_backed_off.pk}


# --- taking a claim -----------------------------------------------------------------------------


@override_settings(EXPORT_CLAIM_SECONDS=600)
def test_a_claim_marks_the_export_exporting_for_this_worker_for_the_claim_time():
    row = export(state=ExportState.READY, state_changed_at=NOW - timedelta(days=1))
    assert export_claim(export_id=row.pk, worker="w1") is True
    row = fresh(row)
    assert (row.state, row.claimed_by, row.claimed_until) == (ExportState.EXPORTING, "w1", NOW + CLAIM)
    assert row.state_changed_at == NOW


def test_a_live_claim_cannot_be_taken_by_another_worker_nor_again_by_its_own():
    row = held_by("w1")
    assert export_claim(export_id=row.pk, worker="w2") is False
    assert export_claim(export_id=row.pk, worker="w1") is False
    assert fresh(row).claimed_by == "w1"


def test_an_expired_claim_is_taken_over_by_another_worker_or_taken_again_by_its_own():
    row = held_by("w1", until=NOW - timedelta(seconds=1))
    assert export_claim(export_id=row.pk, worker="w1") is True
    assert fresh(row).claimed_until == NOW + CLAIM
    other = held_by("w1", until=NOW - timedelta(seconds=1))
    assert export_claim(export_id=other.pk, worker="w2") is True
    assert (fresh(other).claimed_by, fresh(other).claimed_until) == ("w2", NOW + CLAIM)


def test_an_export_that_is_not_claimable_is_not_claimed():
    row = export(state=ExportState.HELD)
    assert export_claim(export_id=row.pk, worker="w1") is False
    assert (fresh(row).state, fresh(row).claimed_by) == (ExportState.HELD, "")


def test_a_claim_takes_only_the_export_it_names():
    row, neighbour = export(state=ExportState.READY), export(state=ExportState.READY)
    assert export_claim(export_id=row.pk, worker="w1") is True
    assert (fresh(neighbour).state, fresh(neighbour).claimed_by) == (ExportState.READY, "")


# --- renewing ------------------------------------------------------------------------------------


def test_a_worker_renews_its_own_claim_for_the_full_claim_time():
    row = held_by("w1", until=NOW + timedelta(seconds=5))
    assert claim_renew(export=row, worker="w1") is True
    assert fresh(row).claimed_until == NOW + CLAIM


def test_a_worker_never_renews_a_claim_another_worker_took_over_after_its_own_expired():
    row = held_by("w1", until=NOW - timedelta(seconds=1))
    assert export_claim(export_id=row.pk, worker="w2") is True
    taken_over_until = fresh(row).claimed_until
    assert claim_renew(export=row, worker="w1") is False
    assert (fresh(row).claimed_by, fresh(row).claimed_until) == ("w2", taken_over_until)


def test_a_claim_that_already_ended_is_not_renewed():
    row = export(state=ExportState.EXPORTED, claimed_by="w1", claimed_until=NOW - timedelta(seconds=1))
    assert claim_renew(export=row, worker="w1") is False
    assert fresh(row).claimed_until == NOW - timedelta(seconds=1)


def test_renewing_touches_only_the_export_it_names():
    row, neighbour = held_by("w1"), held_by("w1", until=NOW + timedelta(seconds=5))
    assert claim_renew(export=row, worker="w1") is True
    assert fresh(neighbour).claimed_until == NOW + timedelta(seconds=5)


# --- giving back --------------------------------------------------------------------------------


@pytest.mark.parametrize("state", [ExportState.READY, ExportState.UNKNOWN])
def test_the_holder_gives_an_export_back_in_the_state_it_names_without_a_claim(state):
    row = held_by("w1", state_changed_at=NOW - timedelta(days=1))
    claim_release(export=row, worker="w1", state=state)
    row = fresh(row)
    assert (row.state, row.claimed_by, row.claimed_until, row.state_changed_at) == (state, "", None, NOW)


def test_only_the_holder_can_give_an_export_back():
    row = held_by("w2")
    claim_release(export=row, worker="w1", state=ExportState.READY)
    assert (fresh(row).state, fresh(row).claimed_by) == (ExportState.EXPORTING, "w2")


def test_an_export_that_is_no_longer_exporting_is_not_given_back():
    row = export(state=ExportState.EXPORTED, claimed_by="w1", claimed_until=NOW + CLAIM)
    claim_release(export=row, worker="w1", state=ExportState.READY)
    assert fresh(row).state == ExportState.EXPORTED


def test_giving_back_touches_only_the_export_it_names():
    row, neighbour = held_by("w1"), held_by("w1")
    claim_release(export=row, worker="w1", state=ExportState.READY)
    assert (fresh(neighbour).state, fresh(neighbour).claimed_by) == (ExportState.EXPORTING, "w1")


# --- finishing ------------------------------------------------------------------------------------


@pytest.mark.parametrize("state", [ExportState.EXPORTED, ExportState.HELD, ExportState.FAILED])
def test_finishing_in_an_end_state_ends_the_claim_and_writes_the_result_back(state, written):
    row = held_by("w1", state_changed_at=NOW - timedelta(days=1), updated_at=NOW - timedelta(days=1))
    export_finish(row, state)
    stored = fresh(row)
    assert (stored.state, stored.claimed_by, stored.claimed_until) == (state, "", None)
    assert (stored.state_changed_at, stored.updated_at) == (NOW, NOW)
    assert (row.state, row.claimed_by, row.claimed_until, row.state_changed_at) == (state, "", None, NOW)
    assert written == [state]


@pytest.mark.parametrize("state", [ExportState.READY, ExportState.UNKNOWN])
def test_finishing_in_a_state_that_is_tried_again_writes_nothing_back(state, written):
    row = held_by("w1")
    export_finish(row, state)
    assert fresh(row).state == state
    assert written == []


def test_finishing_stores_the_reasons_given_and_other_fields_and_keeps_the_reasons_when_none_given(written):
    reason = {"code": "vat_code_unmapped", "values": {"code": "H21"}, "message": "No VAT code"}
    row = held_by("w1", reasons=[reason])
    export_finish(row, ExportState.READY, transient_failures=2)
    assert (fresh(row).reasons, fresh(row).transient_failures) == ([reason], 2)
    row = held_by("w1", reasons=[reason])
    export_finish(row, ExportState.READY, reasons=[])
    assert (fresh(row).reasons, row.reasons) == ([], [])


def test_a_worker_whose_claim_was_taken_over_finishes_nothing_and_says_so(written, caplog):
    row = held_by("w1", until=NOW - timedelta(seconds=1))
    assert export_claim(export_id=row.pk, worker="w2") is True
    with caplog.at_level(logging.WARNING, logger="sync.services.export_claims"):
        export_finish(row, ExportState.EXPORTED)
    assert (fresh(row).state, fresh(row).claimed_by) == (ExportState.EXPORTING, "w2")
    assert written == []
    assert caplog.messages == [f"export {row.pk} was taken over by another worker; its outcome is left to it"]


def test_finishing_touches_only_the_export_it_names(written):
    row, neighbour = held_by("w1"), held_by("w1")
    export_finish(row, ExportState.EXPORTED)
    assert fresh(neighbour).state == ExportState.EXPORTING


# --- storing Exact's ids --------------------------------------------------------------------------


def test_storing_saves_the_named_fields_at_once_and_only_those():
    row = held_by("w1", updated_at=NOW - timedelta(days=1))
    InvoiceExport.objects.filter(pk=row.pk).update(updated_at=NOW - timedelta(days=1))
    row.transient_failures = 5  # changed in memory, not named: not stored
    export_store(row, entry_number=42, entry_id="3f1c4b1e-0000-4000-8000-000000000001")
    stored = fresh(row)
    assert (stored.entry_number, str(stored.entry_id)) == (42, "3f1c4b1e-0000-4000-8000-000000000001")
    assert row.entry_number == 42
    assert stored.transient_failures == 0
    assert stored.updated_at > NOW - timedelta(days=1)


def test_an_export_nobody_holds_is_not_finished(written):
    row = export(state=ExportState.EXPORTED, claimed_by="")
    export_finish(row, ExportState.FAILED)
    assert fresh(row).state == ExportState.EXPORTED
    assert written == []


# --- creating a new debtor's Exact account: one worker at a time ---------------------------------

ADMIN = "test:1234567"


def lease_of(debtor, administration=ADMIN) -> tuple:
    return AccountCreation.objects.values_list("owner", "until").get(administration=administration, debtor=debtor)


def taken(debtor, worker, administration=ADMIN) -> bool:
    return account_creation_claim(administration=administration, debtor=debtor, worker=worker)


def test_a_free_debtor_is_taken_for_account_creation_for_the_claim_time():
    debtor = DebtorFactory()
    assert taken(debtor, "w1")
    assert lease_of(debtor) == ("w1", NOW + CLAIM)


def test_another_worker_cannot_create_the_account_while_the_first_holds_it_and_the_holder_can_again():
    debtor = DebtorFactory()
    AccountCreation.objects.create(administration=ADMIN, debtor=debtor, owner="w1", until=NOW + timedelta(seconds=1))
    assert not taken(debtor, "w2")
    assert lease_of(debtor) == ("w1", NOW + timedelta(seconds=1))
    assert taken(debtor, "w1")
    assert lease_of(debtor) == ("w1", NOW + CLAIM)


def test_an_expired_account_creation_is_taken_over_from_its_expiry_on():
    debtor = DebtorFactory()
    AccountCreation.objects.create(administration=ADMIN, debtor=debtor, owner="w1", until=NOW)
    assert not taken(debtor, "w2")  # until the very instant it ends
    AccountCreation.objects.update(until=NOW - timedelta(microseconds=1))
    assert taken(debtor, "w2")
    assert lease_of(debtor) == ("w2", NOW + CLAIM)


def test_account_creation_is_taken_per_debtor_and_per_administration():
    debtor, other = DebtorFactory(), DebtorFactory()
    assert taken(debtor, "w1")
    assert taken(other, "w2")
    assert taken(debtor, "w2", administration="live:1234567")
    assert lease_of(debtor) == ("w1", NOW + CLAIM)
    assert AccountCreation.objects.count() == 3


ACCOUNT = "0b6f2a1e-58a2-4b8e-9d6c-1f2e3d4c5b6a"


def test_a_create_that_ended_with_the_account_keeps_its_id_for_the_claim_time_for_the_other_workers():
    debtor = DebtorFactory()
    assert taken(debtor, "w1")
    assert account_created(administration=ADMIN, debtor=debtor) is None  # under way
    account_creation_end(administration=ADMIN, debtor=debtor, worker="w1", account_id=ACCOUNT)
    assert lease_of(debtor) == ("", NOW + CLAIM)
    assert account_created(administration=ADMIN, debtor=debtor) == ACCOUNT
    assert account_created(administration="live:1234567", debtor=debtor) is None
    AccountCreation.objects.update(until=NOW - timedelta(microseconds=1))
    assert account_created(administration=ADMIN, debtor=debtor) is None  # old news: look it up again


def test_a_create_that_ended_without_an_account_is_free_at_once_and_a_new_claim_forgets_an_old_id():
    debtor = DebtorFactory()
    assert taken(debtor, "w1")
    account_creation_end(administration=ADMIN, debtor=debtor, worker="w1")
    assert lease_of(debtor) == ("", None)
    assert taken(debtor, "w2")
    account_creation_end(administration=ADMIN, debtor=debtor, worker="w2", account_id=ACCOUNT)
    assert taken(debtor, "w3")  # an ended create is no longer held
    assert account_created(administration=ADMIN, debtor=debtor) is None
    assert AccountCreation.objects.get().account_id is None


def test_only_the_worker_that_holds_a_create_can_end_it():
    debtor = DebtorFactory()
    assert taken(debtor, "w1")
    account_creation_end(administration=ADMIN, debtor=debtor, worker="w2", account_id=ACCOUNT)
    assert lease_of(debtor) == ("w1", NOW + CLAIM)
    assert account_created(administration=ADMIN, debtor=debtor) is None


# --- backing off after a transient failure --------------------------------------------------------


@pytest.mark.parametrize(
    "failures_before, minutes", [(0, 1), (1, 5), (2, 15), (3, 60), (4, 240), (5, 240), (9, 240)]
)
def test_a_transient_failure_gives_the_export_back_ready_after_a_growing_pause(failures_before, minutes, written):
    row = held_by("w1", transient_failures=failures_before)
    assert export_retry_later(row) == ExportState.READY
    row = fresh(row)
    assert (row.state, row.claimed_by, row.transient_failures) == (ExportState.READY, "", failures_before + 1)
    assert row.next_attempt_at == NOW + timedelta(minutes=minutes)
    assert written == []  # tried again later: nothing to tell Coachview yet


def test_ending_a_create_touches_only_that_debtor_in_that_administration():
    debtor, other = DebtorFactory(), DebtorFactory()
    for administration, row in [(ADMIN, debtor), (ADMIN, other), ("live:1234567", debtor)]:
        assert taken(row, "w1", administration=administration)
    account_creation_end(administration=ADMIN, debtor=debtor, worker="w1")
    assert lease_of(debtor) == ("", None)
    assert lease_of(other) == ("w1", NOW + CLAIM)
    assert lease_of(debtor, administration="live:1234567") == ("w1", NOW + CLAIM)
    account_creation_end(administration=ADMIN, debtor=other, worker="w1", account_id=ACCOUNT)
    assert account_created(administration=ADMIN, debtor=debtor) is None
    assert account_created(administration=ADMIN, debtor=other) == ACCOUNT


# --- the entry is in Exact ------------------------------------------------------------------------


def test_an_entry_found_in_exact_is_stored_and_the_export_exported_with_what_it_differs_in(written):
    row = held_by("w1", lookup_before_post=True, transient_failures=2, next_attempt_at=NOW + timedelta(minutes=5))
    entry = {"EntryID": "5d0c1a8e-0000-4000-8000-000000000001", "EntryNumber": 42, "AmountDC": 100.0}
    entry_found(row, entry, linked=True)
    row = fresh(row)
    number = row.invoice.number
    assert (row.state, str(row.entry_id), row.entry_number, row.booked_total) == (
        ExportState.EXPORTED, entry["EntryID"], 42, Decimal("100.00")
    )
    assert (row.lookup_before_post, row.linked_existing, row.transient_failures) == (False, True, 0)
    assert row.next_attempt_at is None  # booked: no later attempt waits
    assert row.reasons == [
        {"code": "export.linked_existing", "values": {"entry_number": 42},
         "message": f"Entry 42 with YourRef {number} already existed in Exact"},
        {"code": "export.total_difference", "values": {"exact": "100.00", "coachview": "121.00"},
         "message": "Exact holds 100.00, Coachview 121.00"},
    ]
    assert written == [ExportState.EXPORTED]


def test_an_entry_we_booked_with_coachviews_total_carries_no_reason(written):
    row = held_by("w1")
    entry_found(row, {"EntryID": "5d0c1a8e-0000-4000-8000-000000000002", "EntryNumber": 7, "AmountFC": 121.0,
                      "AmountDC": 99.0}, linked=False)
    row = fresh(row)
    assert (row.state, row.booked_total, row.reasons, row.linked_existing) == (
        ExportState.EXPORTED, Decimal("121.00"), [], False
    )
    assert written == [ExportState.EXPORTED]
