"""A new debtor's Exact account is posted by one worker only: another worker's invoice of that
debtor waits for the next run, which finds the account instead of posting it again.
"""

from datetime import timedelta

import pytest

from coupling import clock
from sync.models import AccountCreation, ExportRun, ExportState, InvoiceExport
from sync.services.export_run import exports_run
from tests.exact_fake import FakeExact
from tests.factories import ADMINISTRATION, DebtorFactory, InvoiceFactory, exact_mirror_seed

pytestmark = pytest.mark.django_db


def account_posts(exact: FakeExact) -> int:
    return exact.sent().count(("POST", "crm/Accounts"))


def entries(exact: FakeExact) -> list[dict]:
    return exact.rows["salesentry/SalesEntries"]


def test_an_invoice_whose_new_debtor_another_worker_is_creating_waits_without_posting_the_account(exact_api):
    exact_mirror_seed()
    debtor = DebtorFactory()
    AccountCreation.objects.create(
        administration=ADMINISTRATION, debtor=debtor, owner="w1", until=clock.now() + timedelta(minutes=5)
    )
    invoice = InvoiceFactory(debtor=debtor, pdf=b"%PDF-1.4 x")
    exact = exact_api.fake

    exports_run(client=exact_api.client(), worker="w2")

    export = InvoiceExport.objects.get(invoice=invoice)
    assert (export.state, export.claimed_by, export.account_id) == (ExportState.READY, "", None)
    assert account_posts(exact) == 0 and entries(exact) == []
    assert list(export.attempts.values_list("action", flat=True)) == ["lookup"]  # the batched look-up only
    assert ExportRun.objects.get().retry_later == 1

    # Meanwhile the first worker created the account: the next run finds it and books the invoice.
    account = exact.account_add(debtor.number)
    exports_run(client=exact_api.client(), worker="w2")
    export.refresh_from_db()
    assert (export.state, str(export.account_id)) == (ExportState.EXPORTED, account["ID"])
    assert account_posts(exact) == 0 and [entry["YourRef"] for entry in entries(exact)] == [invoice.number]


def test_one_worker_posts_a_new_debtors_account_once_for_all_its_invoices(exact_api):
    exact_mirror_seed()
    debtor = DebtorFactory()
    invoices = [InvoiceFactory(debtor=debtor, pdf=b"%PDF-1.4 x") for _ in range(3)]

    exact = exact_api.fake
    exports_run(client=exact_api.client(), worker="w1")

    assert account_posts(exact) == 1
    assert sorted(entry["YourRef"] for entry in entries(exact)) == sorted(invoice.number for invoice in invoices)
    lease = AccountCreation.objects.get(debtor=debtor)
    created = next(row for row in exact.rows["crm/Accounts"] if row["Code"].strip() == debtor.number)
    assert (lease.owner, str(lease.account_id)) == ("", created["ID"])  # ended, the id kept for the others


def test_an_account_another_worker_created_after_our_look_up_is_used_not_posted_again(exact_api):
    exact_mirror_seed()
    debtor = DebtorFactory()
    created = exact_api.fake.account_add("999999")  # not under this debtor's code: our look-up misses it
    AccountCreation.objects.create(
        administration=ADMINISTRATION, debtor=debtor, owner="", until=clock.now() + timedelta(minutes=5),
        account_id=created["ID"],
    )
    invoice = InvoiceFactory(debtor=debtor, pdf=b"%PDF-1.4 x")
    exact = exact_api.fake

    exports_run(client=exact_api.client(), worker="w2")

    export = InvoiceExport.objects.get(invoice=invoice)
    assert (export.state, str(export.account_id)) == (ExportState.EXPORTED, created["ID"])
    assert account_posts(exact) == 0
    assert [entry["Customer"] for entry in entries(exact)] == [created["ID"]]
    assert exact.sent().count(("POST", "crm/BankAccounts")) == exact.sent().count(("POST", "crm/Contacts")) == 0


def test_a_create_that_failed_leaves_the_debtor_free_for_the_next_run_of_any_worker(exact_api):
    exact_mirror_seed()
    debtor = DebtorFactory()
    invoice = InvoiceFactory(debtor=debtor, pdf=b"%PDF-1.4 x")
    exact = exact_api.fake
    exact.faults["crm/Accounts"] = ["transient"]

    exports_run(client=exact_api.client(), worker="w1")
    assert InvoiceExport.objects.get(invoice=invoice).state == ExportState.READY
    assert AccountCreation.objects.values_list("owner", "until").get(debtor=debtor) == ("", None)

    InvoiceExport.objects.update(next_attempt_at=None)
    exports_run(client=exact_api.client(), worker="w2")
    assert InvoiceExport.objects.get(invoice=invoice).state == ExportState.EXPORTED
    assert account_posts(exact) == 2  # the refused try, then the create
    assert [row["Code"].strip() for row in exact.rows["crm/Accounts"]].count(debtor.number) == 1
