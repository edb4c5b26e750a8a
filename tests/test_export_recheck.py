"""'Check again now' tells the truth: the Exact-side reason an invoice was held for is
looked up where one read decides it, kept (with 'only the next export can tell') where none can; a person
returns to the invoice they acted on, and its page offers only the actions that apply to its state."""

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse
from django.utils import translation

from coupling.exact.client import ExactClient
from sandbox import seedcodes
from sandbox.exact.dump import dump_exact
from sync.models import ExportAttempt, ExportState, InvoiceExport
from sync.services.export_actions import export_recheck
from sync.services.export_run import exports_run
from sync.services.fetch import invoices_fetch
from sync.services.preflight_reasons import period_closed_reason
from tests.coachview_data import debtor_record, invoice_record, line_record, put_debtor, put_invoice
from tests.console_support import export_in
from tests.factories import exact_mirror_seed

pytestmark = pytest.mark.django_db(databases=["default", "sandbox"])

SUPPLIER = seedcodes.SUPPLIER_NUMBER


@pytest.fixture(autouse=True)
def _english():
    """The messages are pinned in English here; one test below reads the Dutch a clerk sees."""
    with translation.override("en"):
        yield


@pytest.fixture
def person():
    return get_user_model().objects.create_superuser("sup", "sup@example.org", "pw")


@pytest.fixture
def held_for_supplier(sandbox_flow):
    """An invoice of the debtor whose number is a supplier's in Exact, held by an export run."""
    debtor = put_debtor(debtor_record(SUPPLIER), "2026-02-01T08:00:00")
    put_invoice(invoice_record(5104, debtor), "2026-03-01T10:00:04")
    invoices_fetch()
    exports_run()
    export = InvoiceExport.objects.select_related("invoice__debtor").get(invoice__number="5104")
    assert export.state == ExportState.HELD
    assert [r["code"] for r in export.reasons] == ["preflight.debtor_not_customer"]
    return export


def _make_customer(code: int) -> None:
    """What a person does in Exact: the relation becomes a customer."""
    account = next(a for a in dump_exact()["accounts"] if a["Code"].strip() == str(code))
    ExactClient().put("crm/Accounts", account["ID"], {"Status": "C"})


def test_a_supplier_that_is_still_a_supplier_keeps_the_invoice_held_and_says_so(held_for_supplier, person):
    done = export_recheck(export=held_for_supplier, user=person)

    held_for_supplier.refresh_from_db()
    assert held_for_supplier.state == ExportState.HELD
    assert [r["code"] for r in held_for_supplier.reasons] == ["preflight.debtor_not_customer"]
    assert done.text == (
        "Invoice 5104 stays held. Looked up in Exact just now: relation 10006 is still not a customer (a supplier)."
    )
    lookup = held_for_supplier.attempts.get(action="account_lookup")
    assert lookup.outcome == ExportAttempt.Outcome.OK and lookup.triggered_by == person


def test_a_dutch_clerk_reads_what_the_recheck_found_in_dutch(held_for_supplier, person):
    with translation.override("nl"):
        done = export_recheck(export=held_for_supplier, user=person)

    assert done.text == (
        "Factuur 5104 blijft tegengehouden. Zojuist in Exact opgezocht: relatie 10006 is nog steeds geen klant "
        "(een leverancier)."
    )


def test_a_supplier_that_became_a_customer_makes_the_invoice_ready(held_for_supplier, person):
    _make_customer(SUPPLIER)

    done = export_recheck(export=held_for_supplier, user=person)

    held_for_supplier.refresh_from_db()
    assert held_for_supplier.state == ExportState.READY and held_for_supplier.reasons == []
    assert done.text == (
        "Invoice 5104: the check finds nothing; it is ready for the next export. "
        "Looked up in Exact just now: relation 10006 is a customer now."
    )
    exports_run()
    held_for_supplier.refresh_from_db()
    assert held_for_supplier.state == ExportState.EXPORTED


def _gl_account_blocked(code: str, blocked: bool) -> None:
    """What a person does in Exact: (un)block a G/L account."""
    from sandbox.models import ExactRecord

    for record in ExactRecord.objects.using("sandbox").filter(entity="financial/GLAccounts"):
        if (record.data.get("Code") or "").strip() == code:
            record.data["IsBlocked"] = blocked
            record.save(using="sandbox", update_fields=["data"])


@pytest.fixture
def held_for_blocked_gl_account(sandbox_flow):
    """An invoice with a line on the G/L account Exact's lists show blocked, held by the pre-flight."""
    debtor = put_debtor(debtor_record(20301), "2026-02-01T08:00:00")
    lines = [line_record(1, "100.00", grootboekrekeningNummer=seedcodes.GL_ACCOUNT_BLOCKED)]
    put_invoice(invoice_record(5105, debtor, lines=lines), "2026-03-01T10:00:05")
    invoices_fetch()
    exports_run()
    export = InvoiceExport.objects.select_related("invoice__debtor").get(invoice__number="5105")
    assert [r["code"] for r in export.reasons] == ["preflight.gl_account_blocked"]
    return export


def test_a_gl_account_still_blocked_in_exact_keeps_the_invoice_held(held_for_blocked_gl_account, person):
    done = export_recheck(export=held_for_blocked_gl_account, user=person)

    held_for_blocked_gl_account.refresh_from_db()
    assert held_for_blocked_gl_account.state == ExportState.HELD
    assert done.text == "Invoice 5105 stays held. Looked up in Exact just now: G/L account 8900 is still blocked."
    assert held_for_blocked_gl_account.attempts.get(action="gl_account_lookup").outcome == ExportAttempt.Outcome.OK


def test_a_gl_account_unblocked_in_exact_makes_the_invoice_ready_without_refreshing_all_lists(
    held_for_blocked_gl_account, person
):
    _gl_account_blocked(seedcodes.GL_ACCOUNT_BLOCKED, False)

    done = export_recheck(export=held_for_blocked_gl_account, user=person)

    held_for_blocked_gl_account.refresh_from_db()
    assert held_for_blocked_gl_account.state == ExportState.READY
    assert done.findings[1] == "Looked up in Exact just now: G/L account 8900 is not blocked and takes sales lines."
    exports_run()  # the export's own pre-flight agrees: Exact's list of that account was updated
    held_for_blocked_gl_account.refresh_from_db()
    assert held_for_blocked_gl_account.state == ExportState.EXPORTED, held_for_blocked_gl_account.reasons


def test_without_a_connection_to_ask_the_supplier_hold_stays_and_only_the_next_export_can_tell(person):
    exact_mirror_seed()
    reason = {
        "code": "preflight.debtor_not_customer",
        "values": {"debtor_code": "20001", "status": "A"},
        "message": "20001 Leverancier B.V.",
    }
    export = export_in(ExportState.HELD, number="2026811", reasons=[reason])

    done = export_recheck(export=export, user=person)

    export.refresh_from_db()
    assert export.state == ExportState.HELD
    assert [r["code"] for r in export.reasons] == ["preflight.debtor_not_customer"]
    assert done.findings[0] == "Invoice 2026811 stays held."
    assert "Exact could not be asked now whether relation" in done.findings[1]
    assert done.findings[1].endswith("only the next export can tell.")


def test_a_closed_period_no_lookup_can_decide_stays_held_until_the_next_export_tells(person):
    exact_mirror_seed()
    export = export_in(ExportState.HELD, number="2026812", reasons=[period_closed_reason(year=2026, period=3)])

    done = export_recheck(export=export, user=person)

    export.refresh_from_db()
    assert export.state == ExportState.HELD
    assert [r["code"] for r in export.reasons] == ["exact.period_closed"]
    assert done.text == (
        "Invoice 2026812 stays held. Exact answered that period 2026 - 3 is closed. Only the next export can "
        "tell whether it is open again: choose 'Retry at the next export run' to send it then."
    )
    assert not ExportAttempt.objects.exists()  # nothing was asked of Exact


def test_a_failed_invoice_stays_failed_because_only_sending_it_again_can_tell(person):
    exact_mirror_seed()
    refused = {"code": "exact.gl_account_blocked", "values": {}, "message": "Grootboekrekening geblokkeerd"}
    export = export_in(ExportState.FAILED, number="2026813", reasons=[refused])

    done = export_recheck(export=export, user=person)

    export.refresh_from_db()
    assert export.state == ExportState.FAILED and export.reasons == [refused]
    assert done.findings[0].startswith("Invoice 2026813 stays failed: Exact refused it when it was sent")


def _act_from_the_page(client, export, action: str, **extra):
    data = {"action": action, "_selected_action": [export.pk], "_from_detail": "1", **extra}
    return client.post(reverse("admin:sync_invoiceexport_changelist"), data)


def test_an_action_on_one_invoice_returns_to_that_invoice_with_what_was_found(client, person):
    exact_mirror_seed()
    export = export_in(ExportState.HELD, number="2026814", reasons=[period_closed_reason(year=2026, period=3)])
    client.force_login(person)

    response = _act_from_the_page(client, export, "recheck_exports")

    assert response.status_code == 302
    assert response["Location"] == reverse("admin:sync_invoiceexport_change", args=[export.pk])
    page = client.get(response["Location"])
    assert "Only the next export can tell whether it is open again" in page.content.decode()


def test_excluding_from_the_invoices_page_asks_why_then_returns_to_the_invoice(client, person):
    export = export_in(ExportState.HELD, number="2026815")
    client.force_login(person)

    confirm = _act_from_the_page(client, export, "exclude_exports")
    assert confirm.status_code == 200 and 'name="_from_detail"' in confirm.content.decode()
    done = _act_from_the_page(client, export, "exclude_exports", confirmed="yes", reason="Booked by hand")

    assert done["Location"] == reverse("admin:sync_invoiceexport_change", args=[export.pk])
    assert InvoiceExport.objects.get(pk=export.pk).state == ExportState.EXCLUDED


def test_an_action_from_the_list_returns_to_the_list(client, person):
    exact_mirror_seed()
    export = export_in(ExportState.HELD, number="2026816")
    client.force_login(person)
    url = reverse("admin:sync_invoiceexport_changelist")

    response = client.post(url, {"action": "recheck_exports", "_selected_action": [export.pk]})

    assert response.status_code == 302 and response["Location"] == url


def _offered(client, export) -> set[str]:
    page = client.get(reverse("admin:sync_invoiceexport_change", args=[export.pk])).content.decode()
    names = ["retry_exports", "recheck_exports", "exclude_exports", "include_exports", "same_invoice_exports",
             "new_number_exports"]  # fmt: skip
    return {name for name in names if f'name="action" value="{name}"' in page}


def test_an_invoices_page_offers_only_the_actions_that_apply_to_its_state(client, person):
    client.force_login(person)
    taken = {"code": "exact.entry_number_taken", "values": {}, "message": "Exact has entry 5104 for another relation"}

    assert _offered(client, export_in(ExportState.EXPORTED)) == set()
    assert _offered(client, export_in(ExportState.HELD)) == {"retry_exports", "recheck_exports", "exclude_exports"}
    assert _offered(client, export_in(ExportState.EXCLUDED)) == {"include_exports"}
    assert _offered(client, export_in(ExportState.HELD, reasons=[taken])) == {
        "retry_exports", "recheck_exports", "exclude_exports", "same_invoice_exports", "new_number_exports",
    }  # fmt: skip
