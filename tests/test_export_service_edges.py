"""The export's exactly-once rules against Exact as `responses` answers it (the end-to-end tests use the sandbox)."""

from datetime import date, timedelta
from decimal import Decimal as D

import pytest
from django.utils import translation

from coupling import clock
from mappings.models import CouplingOptions
from sync.models import ExportRun, ExportState, InvoiceExport
from sync.services.export_claims import export_claim
from tests.exact_fake import FakeExact
from tests.export_support import ACCOUNTS, ATTACHMENTS, DOCUMENTS, ENTRIES, export_of, invoice, run
from tests.factories import ADMINISTRATION, exact_mirror_seed

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("exact_mirror")]


@pytest.mark.parametrize("honour", [True, False])
def test_a_lost_answer_is_resolved_by_lookup_and_never_posted_twice(exact_api, fake_exact, honour):
    inv = invoice()
    fake_exact.honour_entry_id = honour
    fake_exact.faults[ENTRIES] = ["lose"]
    first = run(exact_api)
    export = export_of(inv)
    assert export.state == ExportState.UNKNOWN and export.lookup_before_post
    assert first.run.unknown == 1 and len(fake_exact.rows[ENTRIES]) == 1
    second = run(exact_api)
    export.refresh_from_db()
    assert export.state == ExportState.EXPORTED and len(fake_exact.rows[ENTRIES]) == 1
    assert str(export.entry_id) == fake_exact.rows[ENTRIES][0]["EntryID"]
    assert not export.linked_existing  # ours, not booked by hand
    assert second.run.linked == 1 and ("POST", ENTRIES) not in fake_exact.sent()[-1:]


def test_a_post_that_never_arrived_is_posted_again_after_the_lookup_proves_absence(exact_api, fake_exact):
    inv = invoice()
    fake_exact.faults[ENTRIES] = ["timeout-before"]
    run(exact_api)
    assert export_of(inv).state == ExportState.UNKNOWN and not fake_exact.rows[ENTRIES]
    run(exact_api)
    export = export_of(inv)
    assert export.state == ExportState.EXPORTED and len(fake_exact.rows[ENTRIES]) == 1
    # The document and attachment were stored the first time: not created again.
    assert len(fake_exact.rows[DOCUMENTS]) == 1 and len(fake_exact.rows[ATTACHMENTS]) == 1


def test_an_entry_booked_by_hand_is_linked_not_duplicated(exact_api, fake_exact):
    inv = invoice()
    fake_exact.entry_add(inv.number, EntryNumber=555)
    result = run(exact_api)
    export = export_of(inv)
    assert export.state == ExportState.EXPORTED and export.linked_existing and export.entry_number == 555
    assert export.reasons[0]["code"] == "export.linked_existing"
    assert len(fake_exact.rows[ENTRIES]) == 1 and result.run.linked == 1
    assert ("POST", ENTRIES) not in fake_exact.sent()


def test_the_cut_off_excludes_older_invoices_and_skips_the_lookup_for_newer_ones(exact_api, fake_exact):
    CouplingOptions.objects.filter(administration=ADMINISTRATION).update(export_from_date=date(2026, 3, 1))
    old = invoice(invoice_date=date(2026, 2, 27))
    new = invoice(invoice_date=date(2026, 3, 2))
    run(exact_api)
    assert export_of(old).state == ExportState.EXCLUDED
    assert export_of(new).state == ExportState.EXPORTED
    assert ("GET", ENTRIES) not in fake_exact.sent()
    assert [e["YourRef"] for e in fake_exact.rows[ENTRIES]] == [new.number]


def test_lookups_are_batched_per_forty_invoices(exact_api, fake_exact):
    invoices = [invoice() for _ in range(45)]
    result = run(exact_api)
    assert result.run.exported == 45
    assert fake_exact.sent().count(("GET", ACCOUNTS)) == 2
    assert fake_exact.sent().count(("GET", ENTRIES)) == 2
    assert len(fake_exact.rows[ENTRIES]) == len({e["YourRef"] for e in fake_exact.rows[ENTRIES]}) == len(invoices)


def test_a_permanent_error_fails_with_the_catalogue_and_a_transient_one_backs_off(exact_api, fake_exact):
    bad, later = invoice(), invoice()
    fake_exact.faults[ENTRIES] = ["permanent", "transient"]
    result = run(exact_api)
    failed, retry = export_of(bad), export_of(later)
    assert failed.state == ExportState.FAILED and failed.reasons[0]["message"]
    assert retry.state == ExportState.READY and retry.next_attempt_at > clock.now()
    assert result.run.failed == 1 and result.run.retry_later == 1
    again = run(exact_api)  # backing off: not picked up yet
    assert again.run.exported == 0


def test_a_spent_budget_stops_the_run_cleanly_and_leaves_the_rest(exact_api, fake_exact):
    first, second = invoice(), invoice()
    fake_exact.faults[DOCUMENTS] = [None, "budget"]
    result = run(exact_api)
    assert export_of(first).state == ExportState.EXPORTED
    assert export_of(second).state == ExportState.READY and not export_of(second).claimed_by
    assert "budget" in result.run.stopped_reason
    assert ExportRun.objects.count() == 1


def test_two_claims_of_the_same_invoice_only_one_wins(exact_api):
    inv = invoice()
    run(exact_api, limit=0)
    export = export_of(inv)
    assert export.state == ExportState.READY
    assert export_claim(export_id=export.pk, worker="a") is True
    assert export_claim(export_id=export.pk, worker="b") is False
    # A dead worker's claim expires; the next worker takes it over (and looks up before posting).
    InvoiceExport.objects.filter(pk=export.pk).update(claimed_until=clock.now() - timedelta(seconds=1))
    assert export_claim(export_id=export.pk, worker="b") is True


def test_a_changed_invoice_is_never_sent_again(exact_api, fake_exact):
    inv = invoice()
    run(exact_api, limit=0)
    InvoiceExport.objects.filter(invoice=inv).update(state=ExportState.CHANGED)
    fake_exact.calls.clear()
    run(exact_api)
    assert not fake_exact.sent()


def test_test_and_live_administrations_keep_their_own_state(exact_api, fake_exact):
    inv = invoice()
    test = exact_api.fake
    run(exact_api)
    live = exact_api.connect(FakeExact(test.rsps, host="https://live.exact.test", minutely_limit=100_000), environment="live")
    exact_mirror_seed(administration="live:1234567")
    run(exact_api)
    test_export = InvoiceExport.objects.get(invoice=inv, administration="test:1234567")
    live_export = InvoiceExport.objects.get(invoice=inv, administration="live:1234567")
    assert test_export.state == live_export.state == ExportState.EXPORTED
    assert len(live.rows[ENTRIES]) == 1 and live.rows[ENTRIES][0]["EntryID"] != test.rows[ENTRIES][0]["EntryID"]
    assert live_export.document_id != test_export.document_id and live_export.account_id != test_export.account_id


def test_a_dry_run_reports_and_sends_nothing(exact_api, fake_exact):
    inv = invoice()
    result = run(exact_api, dry_run=True)
    assert fake_exact.sent() == [("GET", ACCOUNTS)]  # one batched read, nothing written
    with translation.override("en"):
        result = run(exact_api, dry_run=True)
    assert result.report[0].startswith(f"{inv.number}: would be booked in journal 70")
    assert "G/L account 8000, VAT code 2" in result.report[1]


def test_a_worker_that_died_after_posting_leaves_a_state_the_next_run_resolves_by_lookup(exact_api, fake_exact):
    inv = invoice()
    run(exact_api, limit=0)
    export = export_of(inv)
    fake_exact.entry_add(inv.number, EntryID=str(__import__("uuid").uuid4()), EntryNumber=77)
    # The dead worker had claimed it and marked the POST as possibly sent; its claim has expired.
    InvoiceExport.objects.filter(pk=export.pk).update(
        state=ExportState.EXPORTING, claimed_by="dead", claimed_until=clock.now() - timedelta(seconds=1),
        lookup_before_post=True,
    )
    result = run(exact_api)
    export.refresh_from_db()
    assert export.state == ExportState.EXPORTED and export.entry_number == 77
    assert len(fake_exact.rows[ENTRIES]) == 1 and result.run.linked == 1


def test_the_booked_total_is_compared_with_coachviews_and_a_difference_flagged(exact_api, fake_exact):
    inv = invoice()

    def booked_a_cent_more(method, resource, row):
        if resource == ENTRIES:
            row["AmountFC"] = 121.01

    fake_exact.on_write = booked_a_cent_more
    run(exact_api)
    export = export_of(inv)
    assert export.state == ExportState.EXPORTED and export.booked_total == D("121.01")
    assert [r["code"] for r in export.reasons] == ["export.total_difference"]


@pytest.mark.parametrize("resource", [DOCUMENTS, ATTACHMENTS])
def test_a_lost_answer_on_the_pdf_never_creates_a_second_document_or_attachment(exact_api, fake_exact, resource):
    inv = invoice()
    fake_exact.faults[resource] = ["lose"]
    run(exact_api)
    assert export_of(inv).state == ExportState.UNKNOWN
    run(exact_api)
    export = export_of(inv)
    assert export.state == ExportState.EXPORTED
    assert len(fake_exact.rows[DOCUMENTS]) == 1 and len(fake_exact.rows[ATTACHMENTS]) == 1 and len(fake_exact.rows[ENTRIES]) == 1
    assert fake_exact.rows[ENTRIES][0]["Document"] == fake_exact.rows[DOCUMENTS][0]["ID"] == str(export.document_id)


def test_an_unexpected_error_on_one_invoice_does_not_stop_the_others(exact_api, monkeypatch):
    from sync.services import export as export_service

    bad, good = invoice(number="9001"), invoice(number="9002")
    real = export_service.sales_entry_payload

    def payload(**kwargs):
        if kwargs["invoice"].number == "9001":
            raise RuntimeError("bug")
        return real(**kwargs)

    monkeypatch.setattr(export_service, "sales_entry_payload", payload)
    run(exact_api)
    assert export_of(bad).state == ExportState.READY and not export_of(bad).claimed_by
    assert export_of(good).state == ExportState.EXPORTED


def test_an_invoice_a_person_included_again_is_not_excluded_by_the_cut_off_again(exact_api, fake_exact):
    from sync.services.export_actions import export_include

    CouplingOptions.objects.filter(administration=ADMINISTRATION).update(export_from_date=date(2026, 3, 1))
    old = invoice(invoice_date=date(2026, 2, 27))
    run(exact_api, limit=0)
    assert export_of(old).state == ExportState.EXCLUDED
    export_include(export=export_of(old))
    fake_exact.calls.clear()
    run(exact_api)
    assert export_of(old).state == ExportState.EXPORTED
    assert ("GET", ENTRIES) in fake_exact.sent()  # looked up first: it may have been booked by hand


def test_a_lookup_that_fails_for_a_moment_is_asked_again_and_the_run_goes_on(exact_api, fake_exact):
    inv = invoice()
    fake_exact.faults[f"GET {ENTRIES}"] = ["503", "503"]
    result = run(exact_api)
    assert export_of(inv).state == ExportState.EXPORTED
    assert fake_exact.sent().count(("GET", ENTRIES)) == 3 and not result.run.stopped_reason


def test_a_lookup_that_keeps_failing_stops_the_run_and_leaves_the_invoice_untouched(exact_api, fake_exact):
    inv = invoice()
    fake_exact.faults[f"GET {ENTRIES}"] = ["503"] * 3
    result = run(exact_api)
    export = export_of(inv)
    assert export.state == ExportState.READY and not export.claimed_by and not fake_exact.rows[ENTRIES]
    assert result.run.stopped_reason


def test_a_worker_whose_claim_was_taken_over_leaves_the_outcome_to_the_new_owner(exact_api, fake_exact):
    inv = invoice()

    def slow_post(method, resource, row):
        if resource == ENTRIES:
            # Meanwhile our claim expired and another worker took the invoice over.
            InvoiceExport.objects.filter(invoice=inv).update(claimed_by="other")

    fake_exact.on_write = slow_post
    run(exact_api)
    export = export_of(inv)
    assert export.state == ExportState.EXPORTING and export.claimed_by == "other"
    assert export.lookup_before_post  # the new owner looks the entry up before posting



def test_with_a_cut_off_an_invoice_dated_before_the_coupling_began_is_still_looked_up_first(exact_api, fake_exact, monkeypatch):
    from sync.services import export_ports

    CouplingOptions.objects.filter(administration=ADMINISTRATION).update(export_from_date=date(2026, 1, 1))
    monkeypatch.setattr(export_ports, "coupling_started", lambda: date(2026, 3, 10))
    before, after = invoice(invoice_date=date(2026, 3, 2)), invoice(invoice_date=date(2026, 3, 12))
    fake_exact.entry_add(before.number, EntryNumber=321)
    run(exact_api)
    assert export_of(before).linked_existing and export_of(before).entry_number == 321
    assert export_of(after).state == ExportState.EXPORTED and not export_of(after).linked_existing
    assert fake_exact.sent().count(("GET", ENTRIES)) == 1
    assert [e["YourRef"] for e in fake_exact.rows[ENTRIES]] == [before.number, after.number]


def test_an_entry_that_cannot_be_built_is_held_before_any_call(exact_api, fake_exact, monkeypatch):
    from sync.services import export as export_service
    from sync.services.exact_payloads import PayloadError

    inv = invoice()

    def refuse(**kwargs):
        raise PayloadError("preflight.vat_difference", "VAT 21.03 vs Exact's 21.00")

    monkeypatch.setattr(export_service, "sales_entry_payload", refuse)
    run(exact_api)
    export = export_of(inv)
    assert export.state == ExportState.HELD and export.reasons[0]["code"] == "preflight.vat_difference"
    assert [call for call in fake_exact.sent() if call[0] != "GET"] == []
