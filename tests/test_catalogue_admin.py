"""The catalogue in the admin: search, the explain box, unexplained messages, affected invoices and retry."""

from datetime import date
from urllib.parse import parse_qs, urlsplit

import pytest
from django.contrib.auth.models import Group, User
from django.urls import reverse

from coupling.roles import FINANCE, SUPPORT, apply_role_permissions
from sync.catalogue import affected_exports, affected_retry, failure_record, titled_reason
from sync.models import (
    ErrorCatalogueEntry,
    ExportAction,
    ExportAttempt,
    InvoiceExport,
    UnmatchedMessage,
)
from tests.factories import InvoiceExportFactory

pytestmark = pytest.mark.django_db

CHANGELIST = "admin:sync_errorcatalogueentry_changelist"


def _export(number: str, state: str, reasons: list[dict]) -> InvoiceExport:
    return InvoiceExportFactory(
        invoice__coachview_id=f"cv-{number}", invoice__number=number, invoice__invoice_date=date(2026, 1, 5),
        administration="test:1234567", state=state, reasons=reasons,
    )


def test_the_changelist_loads_and_searches_both_languages(admin_client, django_assert_max_num_queries):
    url = reverse(CHANGELIST)
    with django_assert_max_num_queries(12):
        response = admin_client.get(url)
    assert response.status_code == 200
    assert "explain-box" in response.content.decode()

    response = admin_client.get(url, {"q": "Payment condition"})
    assert "exact.mandatory_payment_condition" in response.content.decode()
    response = admin_client.get(url, {"q": "grondslagregels"})
    assert "exact.vat_line_mismatch" in response.content.decode()


def test_searching_with_a_whole_exact_message_finds_its_entry(admin_client):
    text = "Element: GLTransaction, Topic: GLTransactions, Message: 'Subject [GLTransactions] Invalid: Customer (Type)."
    response = admin_client.get(reverse(CHANGELIST), {"q": text})
    assert "exact.invalid_customer_type" in response.content.decode()


def test_the_changelist_filters_by_system_and_who_acts(admin_client):
    response = admin_client.get(reverse(CHANGELIST), {"system__exact": "connection", "who_acts__exact": "nobody"})
    body = response.content.decode()
    assert "connection.budget_daily_spent" in body
    assert "exact.mandatory_journal" not in body


def test_the_explain_box_shows_the_entry_with_values_or_no_entry_yet(admin_client):
    text = "Input 5: The amount of the VAT line with VAT code 9 does not correspond to the total amount of VAT.\nZomaar iets"
    response = admin_client.get(reverse(CHANGELIST), {"explain": text})
    assert response.status_code == 200
    body = response.content.decode()
    assert "exact.vat_line_mismatch" in body
    assert "Exact administrator" in body or "Exact-beheerder" in body
    assert "vat_code=<code>9</code>" in body
    assert "no entry yet" in body


def test_the_change_page_lists_the_failing_invoices_and_retry_sends_them_back_as_one_retry_does(
    admin_client, admin_user
):
    entry = ErrorCatalogueEntry.objects.get(code="preflight.vat_code_inclusive")
    held = _export("2026010", "held", [titled_reason("preflight.vat_code_inclusive", vat_code="4")])
    failed = _export("2026011", "failed", [{"code": "preflight.vat_code_inclusive", "values": {}, "message": "x"}])
    other = _export("2026012", "held", [titled_reason("preflight.journal_missing")])
    done = _export("2026013", "exported", [titled_reason("preflight.vat_code_inclusive", vat_code="4")])

    response = admin_client.get(reverse("admin:sync_errorcatalogueentry_change", args=[entry.pk]))
    body = response.content.decode()
    assert response.status_code == 200
    assert "2026010" in body and "2026011" in body
    assert "2026012" not in body and "2026013" not in body

    retry_url = reverse("admin:sync_errorcatalogueentry_retry_affected", args=[entry.pk])
    assert admin_client.get(retry_url).status_code == 200  # the confirmation page
    response = admin_client.post(retry_url)
    assert response.status_code == 302
    states = dict(InvoiceExport.objects.values_list("pk", "state"))
    assert states == {held.pk: "ready", failed.pk: "ready", other.pk: "held", done.pk: "exported"}
    # The person's action, recorded as for one invoice; no attempt for a call that was never made.
    action = ExportAction.objects.get(export=held)
    assert (action.kind, action.state_before, action.state_after) == ("retry", "held", "ready")
    assert action.user == admin_user and entry.code in action.reason
    assert not ExportAttempt.objects.filter(export__in=[held, failed]).exists()


def test_affected_exports_match_the_code_exactly():
    _export("1", "held", [titled_reason("preflight.vat_code_blocked")])
    _export("2", "held", [{"code": "x", "values": {}, "message": '"preflight.vat_code"'}])
    assert affected_exports(code="preflight.vat_code") == []
    assert [e.invoice.number for e in affected_exports(code="preflight.vat_code_blocked")] == ["1"]
    assert affected_retry(code="preflight.vat_code_blocked") == 1


def test_the_retry_action_confirms_first(admin_client):
    entry = ErrorCatalogueEntry.objects.get(code="preflight.journal_missing")
    export = _export("3", "held", [titled_reason("preflight.journal_missing")])
    data = {"action": "retry_affected_action", "_selected_action": [entry.pk]}
    response = admin_client.post(reverse(CHANGELIST), data)
    assert response.status_code == 200 and b"Yes, retry them" in response.content
    export.refresh_from_db()
    assert export.state == "held"
    admin_client.post(reverse(CHANGELIST), {**data, "confirmed": "yes"})
    export.refresh_from_db()
    assert export.state == "ready"


def test_the_unmatched_list_offers_a_prefilled_new_entry(admin_client):
    failure_record(text="Verboden: Kleurcode 17", invoice_number="2026001")
    response = admin_client.get(reverse("admin:sync_unmatchedmessage_changelist"))
    body = response.content.decode()
    assert response.status_code == 200
    assert "verboden: kleurcode {n}" in body and "2026001" in body

    group = UnmatchedMessage.objects.get()
    response = admin_client.get(reverse("admin:sync_unmatchedmessage_changelist"), {"q": "2026001"})
    assert "kleurcode" in response.content.decode()

    add_url = reverse("admin:sync_errorcatalogueentry_add")
    link = next(part for part in body.split('"') if part.startswith(add_url + "?"))
    initial = parse_qs(urlsplit(link.replace("&amp;", "&")).query)
    assert initial["match_subjects"] == [group.subject]
    assert admin_client.get(link.replace("&amp;", "&")).status_code == 200

    form = {key: values[0] for key, values in initial.items()}
    form.update({"fix_nl": "1. Doe iets.", "fix_en": "1. Do something.", "who_acts": "exact_admin",
                 "permanent": "on"})
    response = admin_client.post(add_url, form)
    assert response.status_code == 302, response.content.decode()[:2000]
    assert not UnmatchedMessage.objects.exists()  # the new entry explains it now


def test_support_may_edit_the_catalogue_and_finance_may_not_see_it(client):
    # On a fresh test database coupling's post_migrate runs before sync's permissions exist.
    apply_role_permissions()
    support = User.objects.create_user("s", password="pw", is_staff=True)
    support.groups.add(Group.objects.get(name=SUPPORT))
    finance = User.objects.create_user("f", password="pw", is_staff=True)
    finance.groups.add(Group.objects.get(name=FINANCE))
    entry = ErrorCatalogueEntry.objects.get(code="exact.mandatory_journal")

    client.force_login(support)
    assert client.get(reverse(CHANGELIST)).status_code == 200
    assert client.get(reverse("admin:sync_errorcatalogueentry_change", args=[entry.pk])).status_code == 200
    assert client.get(reverse("admin:sync_unmatchedmessage_changelist")).status_code == 200

    client.force_login(finance)
    assert client.get(reverse(CHANGELIST)).status_code == 403


def test_a_failure_shows_title_cause_and_fix_in_the_users_language():
    from django.utils import translation

    from sync.admin.catalogue import reasons_html

    reasons = [titled_reason("preflight.vat_code_inclusive", vat_code="4"),
               {"code": None, "values": {}, "message": "Verboden: Kleurcode 4"}]
    with translation.override("en"):
        html = reasons_html(reasons)
    assert "VAT code 4 is inclusive" in html
    assert "set the type of 4 to &#x27;Exclusive&#x27;" in html
    assert "Exact administrator" in html
    assert "no entry yet" in html
    with translation.override("nl"):
        assert "BTW-code 4 is inclusief" in reasons_html(reasons)


def test_searching_the_catalogue_by_invoice_number_finds_what_it_fails_on(admin_client):
    _export("2026077", "held", [titled_reason("preflight.gl_account_blocked", gl_account="8010")])
    response = admin_client.get(reverse(CHANGELIST), {"q": "2026077"})
    body = response.content.decode()
    assert "preflight.gl_account_blocked" in body
    assert "preflight.journal_missing" not in body
