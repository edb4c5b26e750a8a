"""What a payment poll costs and when it does something else: no changes, paging, fallback, backfill, off."""

import io
from datetime import timedelta
from decimal import Decimal as D

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import timezone

from coupling.models import ExactBudget, ExactConnection
from mappings.models import CouplingOptions
from sandbox.exact import receivables as sandbox_receivables
from sandbox.models import ExactRecord, SandboxRequest
from sandbox.seedcodes import DIVISION
from sync.models import PaymentObservation, PaymentPollState, StatusWriteback
from sync.services.payments import payment_status_poll
from tests.payments_support import Books, exact_calls, exact_connect, pay, payment_writes

pytestmark = pytest.mark.django_db(databases=["default", "sandbox"])


@pytest.fixture
def books(coachview):
    exact_connect()
    return Books()


def test_a_poll_with_no_changes_costs_one_exact_call(books):
    books.invoice(7101, "121.00")
    payment_status_poll()
    SandboxRequest.objects.all().delete()

    result = payment_status_poll()

    calls = exact_calls()
    assert [call.path.rsplit("/", 3)[-3:] for call in calls] == [["sync", "Cashflow", "PaymentTerms"]]
    assert "Timestamp gt" in calls[0].query.replace("+", " ").replace("%20", " ")
    assert (result.calls, result.changed) == (1, 0)


def test_a_changed_term_costs_one_call_and_is_joined_on_the_entry_id_stored_at_export(books):
    export = books.invoice(7102, "80.00")
    payment_status_poll()
    pay("7102")
    SandboxRequest.objects.all().delete()

    result = payment_status_poll()

    assert len(exact_calls()) == 1 and result.calls == 1
    export.refresh_from_db()
    assert export.payment_status == "paid"


def test_payments_to_suppliers_in_the_sync_are_skipped_and_more_than_a_page_costs_one_call_per_1000(books):
    export = books.invoice(7103, "50.00")
    payment_status_poll()
    for _ in range(1000):
        sandbox_receivables.supplier_payment_add(amount=D("10.00"))
    pay("7103")  # one more changed term after the 1000 payments: 1001 (+1 bank receipt) in all
    SandboxRequest.objects.all().delete()

    result = payment_status_poll()

    assert result.calls == 2 == len(exact_calls())
    export.refresh_from_db()
    assert export.payment_status == "paid"


def test_the_first_poll_walks_the_sync_from_its_start_and_settled_entries_count_as_paid(books):
    open_export = books.invoice(7104, "100.00")
    paid_export = books.invoice(7105, "200.00")
    pay("7105")

    result = payment_status_poll()

    assert result.mode == "fallback"
    paths = [call.path for call in exact_calls()]
    # Never a bulk read: Exact may refuse its filters (and a refusal counts toward its error block).
    assert not any("/bulk/" in path for path in paths)
    assert any(path.endswith("sync/Cashflow/PaymentTerms") for path in paths)
    open_export.refresh_from_db()
    paid_export.refresh_from_db()
    assert (open_export.payment_status, paid_export.payment_status) == ("open", "paid")
    assert paid_export.paid_date is not None  # the replayed sync brought the payment's date
    assert PaymentPollState.objects.get().timestamp > 1


def test_the_first_poll_walks_the_exports_in_chunks_and_misses_none(books, monkeypatch):
    from sync.services import payments

    monkeypatch.setattr(payments, "CHUNK", 2)  # five exports: chunks of 2, 2 and 1
    exports = [books.invoice(7110 + n, "100.00") for n in range(5)]
    pay("7111", "7113")
    pay("7114", "--amount", "40")

    result = payment_status_poll()
    assert result.mode == "fallback"
    # One change per invoice, though the fallback and the replayed sync both observed the paid ones.
    assert (result.changed, result.by_status) == (5, {"open": 2, "paid": 2, "partial": 1})

    for export in exports:
        export.refresh_from_db()
    assert [e.payment_status for e in exports] == ["open", "paid", "open", "paid", "partial"]
    assert exports[4].amount_outstanding == D("60.00")


def test_a_moved_division_makes_the_poll_replay_the_sync_from_its_start(books, settings):
    export = books.invoice(7106, "100.00")
    payment_status_poll()
    record = ExactRecord.objects.using("sandbox").get(division=DIVISION, entity="system/Divisions")
    record.data["DivisionMoveDate"] = "2026-06-01T00:00:00"
    record.save(using="sandbox")
    state = PaymentPollState.objects.get()
    state.division_checked_at = state.division_checked_at - timedelta(hours=settings.PAYMENT_DIVISION_CHECK_HOURS + 1)
    state.save()
    pay("7106")

    result = payment_status_poll()

    assert result.mode == "fallback"
    export.refresh_from_db()
    assert export.payment_status == "paid"


def test_backfill_determines_the_status_of_invoices_exported_before_once(books):
    payment_status_poll()
    earlier = books.invoice(7107, "400.00")
    pay("7107", "--amount", "100")
    # Exported before payment registration existed: the sync already went past its entry's terms.
    PaymentPollState.objects.update(timestamp=10**9)

    result = payment_status_poll(backfill=True)

    earlier.refresh_from_db()
    assert (earlier.payment_status, earlier.amount_outstanding) == ("partial", D("300.00"))
    assert result.mode == "backfill"
    assert [w["betaaldOmschrijving"] for w in payment_writes(earlier)] == ["Deels betaald: € 300,00 openstaand"]
    SandboxRequest.objects.all().delete()
    payment_status_poll(backfill=True)  # nothing left to backfill: just the sync call
    assert len(exact_calls()) == 1


def test_the_poller_does_nothing_when_payment_registration_is_switched_off(books):
    books.invoice(7108, "10.00")
    administration = ExactConnection.load().administration
    CouplingOptions.objects.update_or_create(administration=administration, defaults={"payment_registration": False})
    SandboxRequest.objects.all().delete()

    result = payment_status_poll()

    assert result.mode == "off" and exact_calls() == []
    assert PaymentObservation.objects.count() == 0


def test_poll_payments_prints_a_one_line_summary(books):
    books.invoice(7109, "10.00")
    out = io.StringIO()
    call_command("poll_payments", stdout=out)
    assert out.getvalue().count("\n") == 1 and out.getvalue().startswith("Payments (fallback)")


def test_poll_payments_exits_2_when_exact_is_not_connected(db):
    with pytest.raises(CommandError) as raised:
        call_command("poll_payments", stdout=io.StringIO())
    assert raised.value.returncode == 2


def test_sandbox_pay_exits_2_for_an_unknown_invoice(books):
    with pytest.raises(CommandError) as raised:
        pay("999999")
    assert raised.value.returncode == 2


def test_a_payment_status_coachview_did_not_take_is_retried_by_the_next_poll(books, settings):
    export = books.invoice(7110, "75.00")
    payment_status_poll()
    pay("7110")
    settings.SANDBOX_COACHVIEW_FAIL_PATHS = ["Betaalstatus"]
    first = payment_status_poll()
    assert first.write_pending == 1 and payment_writes(export) == []

    settings.SANDBOX_COACHVIEW_FAIL_PATHS = []
    second = payment_status_poll()

    assert (second.changed, second.written) == (0, 1)
    assert [w["betaald"] for w in payment_writes(export)] == [True]


def test_a_change_a_dead_poll_never_handed_over_is_written_by_the_next_one(books):
    export = books.invoice(7111, "75.00")
    payment_status_poll()
    pay("7111")
    payment_status_poll()
    PaymentObservation.objects.filter(export=export, status="paid").update(handed_over=False)
    StatusWriteback.objects.all().delete()  # as if the run died before it told Coachview

    payment_status_poll()

    assert [w["betaald"] for w in payment_writes(export)] == [True, True]
    assert not PaymentObservation.objects.filter(handed_over=False).exists()


def test_a_second_poll_while_one_runs_does_nothing(books):
    payment_status_poll()
    PaymentPollState.objects.update(lease_until=timezone.now() + timedelta(minutes=5))
    SandboxRequest.objects.all().delete()

    result = payment_status_poll()

    assert result.stopped == "another payment poll is running" and exact_calls() == []


def test_poll_payments_exits_2_and_keeps_its_place_when_the_daily_budget_is_spent(books):
    export = books.invoice(7112, "30.00")
    payment_status_poll()
    pay("7112")
    before = PaymentPollState.objects.get().timestamp
    ExactBudget.objects.filter(division=DIVISION).update(
        daily_remaining=0, daily_reset_at=timezone.now() + timedelta(hours=6)
    )

    with pytest.raises(CommandError) as raised:
        call_command("poll_payments", stdout=io.StringIO())

    assert raised.value.returncode == 2 and "daily" in str(raised.value)
    assert PaymentPollState.objects.get().timestamp == before
    export.refresh_from_db()
    assert export.payment_status == "open"
    ExactBudget.objects.filter(division=DIVISION).update(daily_remaining=5000)
    payment_status_poll()
    export.refresh_from_db()
    assert export.payment_status == "paid"
