"""The sandbox's Exact keeps receivables, outstanding items and transaction lines consistent with its payments."""

import io
import json

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.urls import reverse

from coupling.exact import odata
from sandbox.models import ExactPaymentMatch, ExactReceivable
from tests.payments_support import Books, exact_connect, pay

pytestmark = pytest.mark.django_db(databases=["default", "sandbox"])

TERM = ["ID", "TransactionEntryID", "AmountDC", "Status", "IsFullyPaid", "YourRef", "TransactionType"]


@pytest.fixture
def books(coachview):
    exact_connect()
    return Books()


def receivables(books, export):
    return books.client.get_list(
        "cashflow/Receivables", select=TERM, filter=f"TransactionEntryID eq {odata.guid(export.entry_id)}"
    )


def test_a_booked_entry_has_one_open_receivable_of_its_amount(books):
    export = books.invoice(7201, "121.00")
    [term] = receivables(books, export)
    assert (term["AmountDC"], term["Status"], term["IsFullyPaid"], term["YourRef"]) == (-121.0, 20, False, "7201")


def test_a_partial_payment_splits_the_receivable_and_the_outstanding_items_show_the_rest(books):
    export = books.invoice(7202, "1000.00")
    pay("7202", "--amount", "250")

    terms = sorted(receivables(books, export), key=lambda t: t["Status"])
    assert [(t["AmountDC"], t["Status"]) for t in terms] == [(-750.0, 20), (-250.0, 50)]
    listed = books.client.get_list(
        "read/financial/ReceivablesList", select=["YourRef", "Amount"], filter="YourRef eq '7202'"
    )
    assert listed == [{"__metadata": listed[0]["__metadata"], "YourRef": "7202", "Amount": -750.0}]


def test_every_operation_gives_the_terms_it_touches_a_new_timestamp(books):
    export = books.invoice(7203, "60.00")
    select = ["Timestamp", "ID", "TransactionEntryID", "Status", "LineType"]
    before = books.client.get_list("sync/Cashflow/PaymentTerms", select=select, filter="Timestamp gt 1L")
    mark = max(row["Timestamp"] for row in before)

    pay("7203")
    paid = books.client.get_list("sync/Cashflow/PaymentTerms", select=select, filter=f"Timestamp gt {mark}L")
    pay("7203", "--undo")
    undone = books.client.get_list(
        "sync/Cashflow/PaymentTerms", select=select, filter=f"Timestamp gt {max(r['Timestamp'] for r in paid)}L"
    )

    entry = str(export.entry_id)
    assert [(r["TransactionEntryID"], r["Status"]) for r in paid if r["TransactionEntryID"] == entry] == [(entry, 50)]
    assert [(r["TransactionEntryID"], r["Status"]) for r in undone if r["TransactionEntryID"] == entry] == [(entry, 20)]
    assert len(paid) == 2 and len(undone) == 2  # the invoice's term and the bank receipt
    assert all(row["LineType"] == 20 for row in paid + undone)


def test_a_write_off_appears_as_transaction_lines_of_type_83_or_82(books):
    books.invoice(7204, "100.00")
    books.invoice(7205, "100.00")
    pay("7204", "--amount", "99.99", "--write-off", "payment")
    pay("7205", "--amount", "99.50", "--write-off", "exchange")

    lines = books.client.get_list(
        "financialtransaction/TransactionLines", select=["Type", "AmountDC", "GLAccountCode", "YourRef"],
        filter="(Type eq 83 or Type eq 82) and Date ge datetime'2000-01-01'",  # mandatory filtering
    )
    found = sorted((line["Type"], line["GLAccountCode"], line["AmountDC"], line["YourRef"]) for line in lines)
    assert found == [
        (82, "1300", -0.5, "7205"), (82, "8920", 0.5, "7205"),
        (83, "1300", -0.01, "7204"), (83, "8910", 0.01, "7204"),
    ]


def test_sandbox_dump_lists_the_payment_terms_as_contracts_md_says(books):
    books.invoice(7206, "121.00")
    pay("7206")
    out = io.StringIO()
    call_command("sandbox_dump", stdout=out)

    terms = json.loads(out.getvalue())["exact"]["payment_terms"]
    assert set(terms[0]) == {"TransactionEntryID", "EntryID", "YourRef", "LineType", "AmountDC", "IsFullyPaid", "Status"}
    assert sorted((t["AmountDC"], t["IsFullyPaid"], t["Status"]) for t in terms) == [(-121.0, True, 50), (121.0, True, 50)]


def test_the_sandbox_admin_pays_the_selected_receivables(books, client):
    books.invoice(7207, "10.00")
    admin = get_user_model().objects.create_superuser("root", "root@example.nl", "pw")
    client.force_login(admin)
    changelist = reverse("admin:sandbox_exactreceivable_changelist")
    assert client.get(changelist).status_code == 200
    term = ExactReceivable.objects.get(entity="cashflow/Receivables", data__YourRef="7207")

    answer = client.post(changelist, {"action": "pay_in_full", "_selected_action": [term.pk]})

    assert answer.status_code == 302
    assert ExactPaymentMatch.objects.get().numbers == ["7207"]


def test_receivables_and_transaction_lines_use_only_exacts_field_names(books):
    from sandbox.exact import entities
    from sandbox.models import ExactRecord

    books.invoice(7208, "100.00")
    pay("7208", "--amount", "99.98", "--write-off", "payment")
    allowed = {
        "cashflow/Receivables": set(entities.entity("cashflow/Receivables").properties)
        | set(entities.entity("sync/Cashflow/PaymentTerms").properties),
        "financialtransaction/TransactionLines": set(entities.entity("financialtransaction/TransactionLines").properties),
    }
    for storage, names in allowed.items():
        for record in ExactRecord.objects.filter(entity=storage):
            assert {key for key in record.data if not key.startswith("_")} <= names, storage


def test_a_partial_payment_can_reduce_the_receivable_in_place(books, settings):
    settings.SANDBOX_EXACT_PARTIAL_IN_PLACE = True
    export = books.invoice(7209, "1000.00")
    pay("7209", "--amount", "250")
    assert [(t["AmountDC"], t["Status"]) for t in receivables(books, export)] == [(-750.0, 20)]
    pay("7209", "--undo")
    assert [(t["AmountDC"], t["Status"]) for t in receivables(books, export)] == [(-1000.0, 20)]
