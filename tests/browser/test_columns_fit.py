"""What each role opens a list for is on screen: at 1400 px in Dutch, no key column needs a horizontal scroll.

On a seeded sandbox that was fetched, exported, partly paid and reconciled, every role that can open a
list sees the right edge of each of its key columns' headers within the 1400 px viewport.
"""

import pytest
from django.core.management import call_command
from django.utils import timezone

from coupling import roles
from tests.browser.support import Quiet, log_in, role_user

pytestmark = pytest.mark.django_db(transaction=True, databases=["default", "sandbox"])

WIDTH = 1400
ROLES = {"administrator": roles.ADMINISTRATORS, "support": roles.SUPPORT, "finance": roles.FINANCE}
# Per list, the columns (list_display names) people open it for.
KEY_COLUMNS = {
    # Support opens the held ones: their reasons are the longest texts in any list.
    "/sync/invoiceexport/?state__exact=held": [
        "invoice_number", "debtor_display", "total_incl_vat", "state_and_payment", "first_reason"
    ],
    "/sync/invoiceexport/": ["invoice_number", "debtor_display", "total_incl_vat", "state_and_payment", "first_reason"],
    # The history shows the debtor beneath the invoice number.
    "/sync/exporthistory/": ["invoice_number", "invoice_date", "total_incl_vat", "state_badge", "payment_badge", "paid_date"],
    "/sync/paymentobservation/": ["invoice_number", "status", "outstanding_display", "paid_date"],
    "/sync/reconciliation/": ["month_display", "coachview_display", "exact_display", "differences_display", "csv_link"],
}


@pytest.fixture
def daily_work(synced):
    """Fetched, exported once (some held), two invoices paid in Exact and polled, last month reconciled."""
    from sync.models import InvoiceExport
    from sync.services.payments import payment_status_poll
    from sync.services.reconciliation import reconciliation_run

    call_command("export_invoices", stdout=Quiet(), stderr=Quiet())
    exported = list(InvoiceExport.objects.filter(state="exported").select_related("invoice")[:2])
    assert exported, "the walk needs exported invoices"
    for export in exported:
        call_command("sandbox_pay", export.invoice.number, stdout=Quiet(), stderr=Quiet())
    payment_status_poll()
    today = timezone.localdate()
    reconciliation_run(year=today.year, month=today.month)  # the seeded invoices are of the last months
    return synced


def visible_right(tab) -> float:
    """Where the list stops being visible: the window's edge, or the results box's (it scrolls sideways)."""
    box = tab.locator("#changelist .results").first.bounding_box()
    return min(WIDTH, box["x"] + box["width"]) if box else WIDTH


def header_overflows(tab, columns: list[str]) -> list[str]:
    """The key columns whose header ends right of what is visible without scrolling (or is missing)."""
    right = visible_right(tab)
    found = []
    for name in columns:
        header = tab.locator(f"#result_list thead th.column-{name}")
        if not header.count():
            found.append(f"{name}: no such column")
            continue
        box = header.first.bounding_box()
        if box is None or box["x"] + box["width"] > right:
            found.append(f"{name}: right edge at {box and round(box['x'] + box['width'])} px, visible up to {round(right)}")
    return found


@pytest.mark.parametrize("role", ROLES)
def test_each_roles_key_columns_fit_in_a_1400_px_window(role, chromium, site, daily_work):
    role_user(role, ROLES[role])
    context = chromium.new_context(base_url=site.url, locale="nl-NL", viewport={"width": WIDTH, "height": 900})
    context.set_default_timeout(15_000)
    tab = context.new_page()
    problems = []
    try:
        log_in(tab, role)
        for url, columns in KEY_COLUMNS.items():
            response = tab.goto(url)
            assert response is not None and response.status == 200, (url, response and response.status)
            assert tab.locator("#result_list tbody tr").count(), f"{url}: the list is empty"
            problems.extend(f"{url} {problem}" for problem in header_overflows(tab, columns))
    finally:
        context.close()
    assert not problems, "\n".join(problems)


# The findings table on a reconciliation's page (an inline: no filters beside it).
FINDING_COLUMNS = ["kind", "invoice_link", "why", "coachview_amounts", "exact_amounts"]


def test_finance_reconciles_last_month_from_the_page_and_its_findings_fit_and_link_to_the_invoices(
    chromium, site, synced
):
    from playwright.sync_api import expect

    from sync.models import InvoiceExport

    call_command("export_invoices", stdout=Quiet(), stderr=Quiet())
    held = InvoiceExport.objects.filter(state="held").select_related("invoice").first()
    assert held, "the seeded sandbox holds some invoices"
    role_user("finance", roles.FINANCE)
    context = chromium.new_context(base_url=site.url, locale="nl-NL", viewport={"width": WIDTH, "height": 900})
    context.set_default_timeout(30_000)
    tab = context.new_page()
    try:
        log_in(tab, "finance")
        tab.goto("/sync/reconciliation/")
        expect(tab.locator("#reconciliation-empty")).to_be_visible()  # says how to start one
        # The month of a held invoice (last month is the default).
        tab.fill("#reconciliation-start input[name=month]", f"{held.invoice.invoice_date:%Y-%m}")
        tab.locator("#reconciliation-start button[type=submit]").click()
        tab.wait_for_url("**/sync/reconciliation/*/change/")
        expect(tab.locator("ul.messagelist li")).not_to_have_count(0)
        findings = tab.locator(".inline-group table")
        problems = []
        for name in FINDING_COLUMNS:
            box = findings.locator(f"thead th.column-{name}").first.bounding_box()
            if box is None or box["x"] + box["width"] > WIDTH:
                problems.append(f"{name}: right edge at {box and round(box['x'] + box['width'])} px")
        assert not problems, "\n".join(problems)
        # The held invoice is only in Coachview: its finding links to its page in the console.
        findings.locator("tbody a", has_text=held.invoice.number).click()
        tab.wait_for_url(f"**/sync/invoiceexport/{held.pk}/change/")
    finally:
        context.close()
