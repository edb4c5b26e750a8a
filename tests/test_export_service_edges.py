"""The export's exactly-once rules against Exact as `responses` answers it (the end-to-end tests use the sandbox)."""

from datetime import date, timedelta
from decimal import Decimal as D

import pytest
from django.utils import translation

from coupling import clock
from mappings.models import CouplingOptions
from sync.models import ExportAttempt, ExportRun, ExportState, InvoiceExport
from sync.services.export_claims import export_claim
from sync.services.export_run import exports_run
from tests.exact_fake import FakeExact
from tests.factories import ADMINISTRATION, DebtorFactory, InvoiceFactory, exact_mirror_seed

pytestmark = pytest.mark.django_db
PDF = b"%PDF-1.4 test invoice"
ACCOUNTS, ENTRIES, DOCUMENTS = "crm/Accounts", "salesentry/SalesEntries", "documents/Documents"
ATTACHMENTS, BANK_ACCOUNTS, CONTACTS = "documents/DocumentAttachments", "crm/BankAccounts", "crm/Contacts"


@pytest.fixture(autouse=True)
def mirror():
    exact_mirror_seed()


def invoice(**kwargs):
    kwargs.setdefault("pdf", PDF)
    return InvoiceFactory(**kwargs)


def export_of(inv) -> InvoiceExport:
    return InvoiceExport.objects.get(invoice=inv, administration=ADMINISTRATION)


@pytest.fixture
def exact(exact_api) -> FakeExact:
    return exact_api.fake


def run(exact_api, **kwargs):
    """One export run through ExactClient, against the fake Exact."""
    return exports_run(client=exact_api.client(), **kwargs)


def test_a_new_debtor_becomes_a_customer_with_bank_account_contact_and_the_pdf_linked(exact_api, exact):
    debtor = DebtorFactory(iban="NL91ABNA0417164300", contact={"first_name": "Anna", "last_name": "Vries"})
    inv = invoice(debtor=debtor)
    result = run(exact_api)
    export = export_of(inv)
    assert export.state == ExportState.EXPORTED, export.reasons
    assert result.run.exported == 1 and result.run.calls_used == len(exact.api_calls())
    (account,) = [a for a in exact.rows[ACCOUNTS] if a["Code"] == debtor.number.rjust(18)]
    assert account["Status"] == "C" and str(export.account_id) == account["ID"]
    assert exact.rows[BANK_ACCOUNTS][0]["Account"] == account["ID"] and exact.rows[CONTACTS][0]["LastName"] == "Vries"
    entry = exact.rows[ENTRIES][0]
    assert entry["Document"] == exact.rows[DOCUMENTS][0]["ID"] == str(export.document_id)
    assert exact.rows[ATTACHMENTS][0]["Document"] == exact.rows[DOCUMENTS][0]["ID"]
    assert entry["EntryID"] == str(export.client_entry_id) == str(export.entry_id)
    assert export.booked_total == D("121.00") and not export.reasons
    actions = list(export.attempts.order_by("id").values_list("action", "outcome"))
    assert [a for a, _ in actions] == ["lookup", "account", "bank_account", "contact", "document", "attachment", "entry"]
    assert {o for _, o in actions} == {ExportAttempt.Outcome.OK}
    sent = export.attempts.get(action="attachment").sent
    assert sent["Attachment"] == {"size": len(PDF), "sha256": __import__("hashlib").sha256(PDF).hexdigest()}


def test_a_code_of_a_relation_that_is_not_a_customer_is_held_and_never_changed(exact_api, exact):
    inv = invoice()
    exact.account_add(inv.debtor.number, status="", IsSupplier=True)
    run(exact_api)
    export = export_of(inv)
    assert export.state == ExportState.HELD
    assert export.reasons[0]["code"] == "preflight.debtor_not_customer"
    assert ("POST", ACCOUNTS) not in exact.sent() and ("PUT", ACCOUNTS) not in exact.sent()
    assert not exact.rows[ENTRIES]


def test_an_existing_customer_is_updated_only_when_allowed_and_only_what_changed(exact_api, exact):
    debtor = DebtorFactory(city="Groningen", email="a@b.nl")
    inv = invoice(debtor=debtor)
    account = exact.account_add(debtor.number, Name=debtor.name, City="Assen", Email="a@b.nl")
    run(exact_api)
    assert ("PUT", ACCOUNTS) not in exact.sent() and account["City"] == "Assen"
    assert export_of(inv).state == ExportState.EXPORTED

    CouplingOptions.objects.filter(administration=ADMINISTRATION).update(update_existing_customers=True)
    exact.rows.clear()  # another Exact, holding only this customer
    exact.calls.clear()
    account = exact.account_add(debtor.number, Name=debtor.name, City="Assen", Email="a@b.nl")
    InvoiceExport.objects.all().delete()
    run(exact_api)
    assert ("PUT", ACCOUNTS) in exact.sent()
    put = ExportAttempt.objects.get(action="account_update")
    assert put.sent == {"City": "Groningen"}


@pytest.mark.parametrize("honour", [True, False])
def test_a_lost_answer_is_resolved_by_lookup_and_never_posted_twice(exact_api, exact, honour):
    inv = invoice()
    exact.honour_entry_id = honour
    exact.faults[ENTRIES] = ["lose"]
    first = run(exact_api)
    export = export_of(inv)
    assert export.state == ExportState.UNKNOWN and export.lookup_before_post
    assert first.run.unknown == 1 and len(exact.rows[ENTRIES]) == 1
    second = run(exact_api)
    export.refresh_from_db()
    assert export.state == ExportState.EXPORTED and len(exact.rows[ENTRIES]) == 1
    assert str(export.entry_id) == exact.rows[ENTRIES][0]["EntryID"]
    assert not export.linked_existing  # ours, not booked by hand
    assert second.run.linked == 1 and ("POST", ENTRIES) not in exact.sent()[-1:]


def test_a_post_that_never_arrived_is_posted_again_after_the_lookup_proves_absence(exact_api, exact):
    inv = invoice()
    exact.faults[ENTRIES] = ["timeout-before"]
    run(exact_api)
    assert export_of(inv).state == ExportState.UNKNOWN and not exact.rows[ENTRIES]
    run(exact_api)
    export = export_of(inv)
    assert export.state == ExportState.EXPORTED and len(exact.rows[ENTRIES]) == 1
    # The document and attachment were stored the first time: not created again.
    assert len(exact.rows[DOCUMENTS]) == 1 and len(exact.rows[ATTACHMENTS]) == 1


def test_an_entry_booked_by_hand_is_linked_not_duplicated(exact_api, exact):
    inv = invoice()
    exact.entry_add(inv.number, EntryNumber=555)
    result = run(exact_api)
    export = export_of(inv)
    assert export.state == ExportState.EXPORTED and export.linked_existing and export.entry_number == 555
    assert export.reasons[0]["code"] == "export.linked_existing"
    assert len(exact.rows[ENTRIES]) == 1 and result.run.linked == 1
    assert ("POST", ENTRIES) not in exact.sent()


def test_the_cut_off_excludes_older_invoices_and_skips_the_lookup_for_newer_ones(exact_api, exact):
    CouplingOptions.objects.filter(administration=ADMINISTRATION).update(export_from_date=date(2026, 3, 1))
    old = invoice(invoice_date=date(2026, 2, 27))
    new = invoice(invoice_date=date(2026, 3, 2))
    run(exact_api)
    assert export_of(old).state == ExportState.EXCLUDED
    assert export_of(new).state == ExportState.EXPORTED
    assert ("GET", ENTRIES) not in exact.sent()
    assert [e["YourRef"] for e in exact.rows[ENTRIES]] == [new.number]


def test_lookups_are_batched_per_forty_invoices(exact_api, exact):
    invoices = [invoice() for _ in range(45)]
    result = run(exact_api)
    assert result.run.exported == 45
    assert exact.sent().count(("GET", ACCOUNTS)) == 2
    assert exact.sent().count(("GET", ENTRIES)) == 2
    assert len(exact.rows[ENTRIES]) == len({e["YourRef"] for e in exact.rows[ENTRIES]}) == len(invoices)


def test_a_permanent_error_fails_with_the_catalogue_and_a_transient_one_backs_off(exact_api, exact):
    bad, later = invoice(), invoice()
    exact.faults[ENTRIES] = ["permanent", "transient"]
    result = run(exact_api)
    failed, retry = export_of(bad), export_of(later)
    assert failed.state == ExportState.FAILED and failed.reasons[0]["message"]
    assert retry.state == ExportState.READY and retry.next_attempt_at > clock.now()
    assert result.run.failed == 1 and result.run.retry_later == 1
    again = run(exact_api)  # backing off: not picked up yet
    assert again.run.exported == 0


def test_a_spent_budget_stops_the_run_cleanly_and_leaves_the_rest(exact_api, exact):
    first, second = invoice(), invoice()
    exact.faults[DOCUMENTS] = [None, "budget"]
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


def test_a_changed_invoice_is_never_sent_again(exact_api, exact):
    inv = invoice()
    run(exact_api, limit=0)
    InvoiceExport.objects.filter(invoice=inv).update(state=ExportState.CHANGED)
    exact.calls.clear()
    run(exact_api)
    assert not exact.sent()


def test_test_and_live_administrations_keep_their_own_state(exact_api, exact):
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


def test_a_dry_run_reports_and_sends_nothing(exact_api, exact):
    inv = invoice()
    result = run(exact_api, dry_run=True)
    assert exact.sent() == [("GET", ACCOUNTS)]  # one batched read, nothing written
    with translation.override("en"):
        result = run(exact_api, dry_run=True)
    assert result.report[0].startswith(f"{inv.number}: would be booked in journal 70")
    assert "G/L account 8000, VAT code 2" in result.report[1]


def test_a_worker_that_died_after_posting_leaves_a_state_the_next_run_resolves_by_lookup(exact_api, exact):
    inv = invoice()
    run(exact_api, limit=0)
    export = export_of(inv)
    exact.entry_add(inv.number, EntryID=str(__import__("uuid").uuid4()), EntryNumber=77)
    # The dead worker had claimed it and marked the POST as possibly sent; its claim has expired.
    InvoiceExport.objects.filter(pk=export.pk).update(
        state=ExportState.EXPORTING, claimed_by="dead", claimed_until=clock.now() - timedelta(seconds=1),
        lookup_before_post=True,
    )
    result = run(exact_api)
    export.refresh_from_db()
    assert export.state == ExportState.EXPORTED and export.entry_number == 77
    assert len(exact.rows[ENTRIES]) == 1 and result.run.linked == 1


def test_the_booked_total_is_compared_with_coachviews_and_a_difference_flagged(exact_api, exact):
    inv = invoice()

    def booked_a_cent_more(method, resource, row):
        if resource == ENTRIES:
            row["AmountFC"] = 121.01

    exact.on_write = booked_a_cent_more
    run(exact_api)
    export = export_of(inv)
    assert export.state == ExportState.EXPORTED and export.booked_total == D("121.01")
    assert [r["code"] for r in export.reasons] == ["export.total_difference"]


@pytest.mark.parametrize("resource", [DOCUMENTS, ATTACHMENTS])
def test_a_lost_answer_on_the_pdf_never_creates_a_second_document_or_attachment(exact_api, exact, resource):
    inv = invoice()
    exact.faults[resource] = ["lose"]
    run(exact_api)
    assert export_of(inv).state == ExportState.UNKNOWN
    run(exact_api)
    export = export_of(inv)
    assert export.state == ExportState.EXPORTED
    assert len(exact.rows[DOCUMENTS]) == 1 and len(exact.rows[ATTACHMENTS]) == 1 and len(exact.rows[ENTRIES]) == 1
    assert exact.rows[ENTRIES][0]["Document"] == exact.rows[DOCUMENTS][0]["ID"] == str(export.document_id)


def _new_debtor_with_details():
    return DebtorFactory(iban="NL91ABNA0417164300", contact={"first_name": "Anna", "last_name": "Vries"})


@pytest.mark.parametrize("fault", ["transient", "lose", "timeout-before"])
@pytest.mark.parametrize("resource", [BANK_ACCOUNTS, CONTACTS])
def test_a_fault_on_the_bank_account_or_contact_is_finished_by_the_retry_and_never_made_twice(exact_api, exact, resource, fault):
    inv = invoice(debtor=_new_debtor_with_details())
    exact.faults[resource] = [fault]
    run(exact_api)
    assert export_of(inv).state in (ExportState.READY, ExportState.UNKNOWN)
    InvoiceExport.objects.update(next_attempt_at=None)  # the back-off has passed

    run(exact_api)

    assert export_of(inv).state == ExportState.EXPORTED
    assert (len(exact.rows[ACCOUNTS]), len(exact.rows[BANK_ACCOUNTS]), len(exact.rows[CONTACTS])) == (1, 1, 1)
    assert len(exact.rows[ENTRIES]) == 1
    assert ("GET", resource) in exact.sent()  # an earlier try of it: Exact is asked before posting again


def test_a_customer_found_after_its_own_create_lost_its_answer_still_gets_its_bank_account_and_contact(exact_api, exact):
    inv = invoice(debtor=_new_debtor_with_details())
    exact.faults[ACCOUNTS] = ["lose"]
    run(exact_api)
    assert export_of(inv).state == ExportState.UNKNOWN and len(exact.rows[ACCOUNTS]) == 1
    assert not exact.rows[BANK_ACCOUNTS]

    run(exact_api)

    assert export_of(inv).state == ExportState.EXPORTED
    assert (len(exact.rows[ACCOUNTS]), len(exact.rows[BANK_ACCOUNTS]), len(exact.rows[CONTACTS])) == (1, 1, 1)


def test_two_invoices_of_one_new_debtor_whose_first_create_was_lost_add_its_contact_once(exact_api, exact):
    debtor = _new_debtor_with_details()
    first, second = invoice(debtor=debtor), invoice(debtor=debtor)
    # The first invoice's create never arrives (its outcome unknown), the second's goes through,
    # and the second's contact meets a 503: both exports now have a claim on the details.
    exact.faults[ACCOUNTS] = ["timeout-before"]
    exact.faults[CONTACTS] = ["transient"]
    run(exact_api)
    assert {export_of(first).state, export_of(second).state} == {ExportState.UNKNOWN, ExportState.READY}
    InvoiceExport.objects.update(next_attempt_at=None)

    run(exact_api)

    assert {export_of(first).state, export_of(second).state} == {ExportState.EXPORTED}
    assert (len(exact.rows[ACCOUNTS]), len(exact.rows[BANK_ACCOUNTS]), len(exact.rows[CONTACTS])) == (1, 1, 1)


def test_an_existing_customer_never_gets_a_bank_account_or_contact_from_us(exact_api, exact):
    debtor = _new_debtor_with_details()
    inv = invoice(debtor=debtor)
    exact.account_add(debtor.number)
    exact.faults[DOCUMENTS] = ["lose"]  # a resumed export, with lookup_before_post set
    run(exact_api)
    run(exact_api)
    assert export_of(inv).state == ExportState.EXPORTED
    assert exact.rows[BANK_ACCOUNTS] == [] and exact.rows[CONTACTS] == []


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


def test_an_invoice_a_person_included_again_is_not_excluded_by_the_cut_off_again(exact_api, exact):
    from sync.services.export_actions import export_include

    CouplingOptions.objects.filter(administration=ADMINISTRATION).update(export_from_date=date(2026, 3, 1))
    old = invoice(invoice_date=date(2026, 2, 27))
    run(exact_api, limit=0)
    assert export_of(old).state == ExportState.EXCLUDED
    export_include(export=export_of(old))
    exact.calls.clear()
    run(exact_api)
    assert export_of(old).state == ExportState.EXPORTED
    assert ("GET", ENTRIES) in exact.sent()  # looked up first: it may have been booked by hand


def test_a_lookup_that_fails_for_a_moment_is_asked_again_and_the_run_goes_on(exact_api, exact):
    inv = invoice()
    exact.faults[f"GET {ENTRIES}"] = ["503", "503"]
    result = run(exact_api)
    assert export_of(inv).state == ExportState.EXPORTED
    assert exact.sent().count(("GET", ENTRIES)) == 3 and not result.run.stopped_reason


def test_a_lookup_that_keeps_failing_stops_the_run_and_leaves_the_invoice_untouched(exact_api, exact):
    inv = invoice()
    exact.faults[f"GET {ENTRIES}"] = ["503"] * 3
    result = run(exact_api)
    export = export_of(inv)
    assert export.state == ExportState.READY and not export.claimed_by and not exact.rows[ENTRIES]
    assert result.run.stopped_reason


def test_a_worker_whose_claim_was_taken_over_leaves_the_outcome_to_the_new_owner(exact_api, exact):
    inv = invoice()

    def slow_post(method, resource, row):
        if resource == ENTRIES:
            # Meanwhile our claim expired and another worker took the invoice over.
            InvoiceExport.objects.filter(invoice=inv).update(claimed_by="other")

    exact.on_write = slow_post
    run(exact_api)
    export = export_of(inv)
    assert export.state == ExportState.EXPORTING and export.claimed_by == "other"
    assert export.lookup_before_post  # the new owner looks the entry up before posting



def test_a_code_exact_showed_as_not_a_customer_stays_held_without_a_lookup_every_run(exact_api, exact):
    from sync.services.export_actions import export_retry

    inv = invoice()
    sibling = invoice(debtor=inv.debtor)
    exact.account_add(inv.debtor.number, status="A", IsSupplier=True)
    run(exact_api)
    assert export_of(inv).state == ExportState.HELD
    exact.calls.clear()
    run(exact_api)
    assert export_of(inv).state == ExportState.HELD
    assert exact.sent() == [] and export_of(inv).reasons[0]["code"] == "preflight.debtor_not_customer"
    # Fixed in Exact (made a customer), a person retries: looked up again and exported.
    exact.rows[ACCOUNTS][0]["Status"] = "C"
    export_retry(export=export_of(inv))
    run(exact_api)
    assert export_of(inv).state == ExportState.EXPORTED
    assert export_of(sibling).state == ExportState.EXPORTED  # the lookup showed a customer for both


def test_with_a_cut_off_an_invoice_dated_before_the_coupling_began_is_still_looked_up_first(exact_api, exact, monkeypatch):
    from sync.services import export_ports

    CouplingOptions.objects.filter(administration=ADMINISTRATION).update(export_from_date=date(2026, 1, 1))
    monkeypatch.setattr(export_ports, "coupling_started", lambda: date(2026, 3, 10))
    before, after = invoice(invoice_date=date(2026, 3, 2)), invoice(invoice_date=date(2026, 3, 12))
    exact.entry_add(before.number, EntryNumber=321)
    run(exact_api)
    assert export_of(before).linked_existing and export_of(before).entry_number == 321
    assert export_of(after).state == ExportState.EXPORTED and not export_of(after).linked_existing
    assert exact.sent().count(("GET", ENTRIES)) == 1
    assert [e["YourRef"] for e in exact.rows[ENTRIES]] == [before.number, after.number]


def test_an_entry_that_cannot_be_built_is_held_before_any_call(exact_api, exact, monkeypatch):
    from sync.services import export as export_service
    from sync.services.exact_payloads import PayloadError

    inv = invoice()

    def refuse(**kwargs):
        raise PayloadError("preflight.vat_difference", "VAT 21.03 vs Exact's 21.00")

    monkeypatch.setattr(export_service, "sales_entry_payload", refuse)
    run(exact_api)
    export = export_of(inv)
    assert export.state == ExportState.HELD and export.reasons[0]["code"] == "preflight.vat_difference"
    assert [call for call in exact.sent() if call[0] != "GET"] == []
