"""The console in the browser: held invoices released and exported, a failure found and retried, the CSV."""

import csv
import io
import re
from collections import Counter

import pytest
from django.core.management import call_command

from coupling import roles
from mappings.models import CostCenterMapping
from sandbox.exact.salesentries import close_period
from sandbox.seedcodes import COST_CENTER_MISSING_IN_EXACT, DIVISION
from sync.models import ExportState, InvoiceExport
from tests.browser.support import Quiet, expect, log_in, role_user, screenshot

pytestmark = pytest.mark.django_db(transaction=True, databases=["default", "sandbox"])


def _export_of(cost_center: str) -> InvoiceExport:
    return InvoiceExport.objects.select_related("invoice").get(invoice__lines__cost_center_code=cost_center)


def _run_export(*args: str) -> None:
    """What the export schedule does; the operator's command, run between the clicks."""
    call_command("export_invoices", *args, stdout=Quiet(), stderr=Quiet())


def test_an_invoice_held_for_an_unknown_cost_centre_is_released_by_its_mapping_and_exported(page, synced):
    role_user("anna", roles.ADMINISTRATORS)
    synced.preflight()
    held = _export_of(COST_CENTER_MISSING_IN_EXACT)
    assert held.state == ExportState.HELD
    log_in(page, "anna")

    # The invoice list, filtered on held: the invoice with its badge and the first reason.
    page.goto("/sync/invoiceexport/?state__exact=held")
    row = page.locator("#result_list tbody tr", has_text=held.invoice.number)
    # The first reason in words (the catalogue key only on the detail page, for administrators).
    expect(row.locator("td.field-first_reason")).not_to_be_empty()
    row.locator("th a").click()
    # The detail says why, what to do and who acts, with the lines and their mapping.
    expect(page.locator("#content")).to_contain_text(COST_CENTER_MISSING_IN_EXACT)
    expect(page.locator("a[href*='code=preflight.cost_center_unmapped']")).to_be_visible()
    screenshot(page, "invoice-detail")

    CostCenterMapping.objects.create(
        administration=synced.administration, coachview_code=COST_CENTER_MISSING_IN_EXACT, exact_code=""
    )
    # "Re-check now" on the invoice itself: the pre-flight passes, nothing is sent yet.
    page.locator("form", has=page.locator("input[name=action][value=recheck_exports]")).locator("button").click()
    expect(page.locator("ul.messagelist .success")).to_have_count(1)
    held.refresh_from_db()
    assert held.state == ExportState.READY

    _run_export()
    held.refresh_from_db()
    assert held.state == ExportState.EXPORTED and held.entry_number, held.reasons
    page.goto(f"/sync/invoiceexport/{held.pk}/change/")
    expect(page.locator(".field-entry_number")).to_contain_text(str(held.entry_number))


def test_support_finds_a_failure_by_exacts_message_opens_its_entry_and_retries(page, synced):
    role_user("sanne", roles.SUPPORT)
    synced.preflight()
    # Exact closes the month most ready invoices fall in; the pre-flight cannot know that.
    ready = InvoiceExport.objects.filter(state=ExportState.READY).values_list("invoice__invoice_date", flat=True)
    (year, month), _count = Counter((day.year, day.month) for day in ready).most_common(1)[0]
    close_period(division=DIVISION, year=year, period=month)
    _run_export()
    victim = next(
        export
        for export in InvoiceExport.objects.select_related("invoice").order_by("invoice__number")
        if any(reason.get("code") == "exact.period_closed" for reason in export.reasons or [])
    )
    log_in(page, "sanne")

    # Exact's text, as the accountant read it, finds the invoice.
    page.goto("/sync/invoiceexport/")
    page.fill("#searchbar", "Periode is afgesloten")
    page.press("#searchbar", "Enter")
    row = page.locator("#result_list tbody tr", has_text=victim.invoice.number)
    expect(row).to_have_count(1)
    row.locator("th a").click()

    # From the invoice to its catalogue entry: cause, fix and the invoices failing on it.
    page.locator("a[href*='code=exact.period_closed']").first.click()
    page.wait_for_url(re.compile(r"/sync/errorcatalogueentry/"))
    entry_link = page.locator("#result_list a", has_text="Periode is afgesloten")  # its title, not its key
    entry_link.click()
    expect(page.locator("#content")).to_contain_text("Heropen de periode in Exact")
    expect(page.locator("#affected-invoices")).to_contain_text(victim.invoice.number)

    # The accountant reopens the period in Exact; support retries the invoice.
    close_period(division=DIVISION, year=year, period=month, closed=False)
    page.goto(f"/sync/invoiceexport/{victim.pk}/change/")
    page.locator("form", has=page.locator("input[name=action][value=retry_exports]")).locator("button").click()
    expect(page.locator("ul.messagelist .success")).to_have_count(1)
    _run_export()
    victim.refresh_from_db()
    assert victim.state == ExportState.EXPORTED


def test_finance_downloads_the_export_history_as_csv_and_sees_the_front_page(page, synced):
    role_user("femke", roles.FINANCE)
    _run_export("--limit", "5")
    exported = list(
        InvoiceExport.objects.filter(state=ExportState.EXPORTED).values_list("invoice__number", flat=True)
    )
    assert exported
    log_in(page, "femke")

    expect(page.locator("#console-states")).to_be_visible()
    page.locator("#console-history").click()  # the history list, then its CSV button
    with page.expect_download() as download_info:
        page.locator("a[href*='/exporthistory/csv/']").click()
    download = download_info.value
    assert download.suggested_filename.endswith(".csv")
    text = download.path().read_bytes().decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text), delimiter=";"))
    numbers = {cell for row in rows[1:] for cell in row}
    assert set(exported) <= numbers


def test_the_front_page_shows_a_green_link_and_the_invoices_per_state(page, synced, settings):
    # Exact's real limits, so the guide's picture shows the budget an institute will see.
    settings.SANDBOX_EXACT_MINUTELY_LIMIT = 60
    settings.SANDBOX_EXACT_DAILY_LIMIT = 5000
    role_user("anna", roles.ADMINISTRATORS)
    # The seeded gaps stay: the front page then also shows what holds invoices now.
    _run_export("--limit", "8")
    assert InvoiceExport.objects.filter(state=ExportState.EXPORTED).count() == 8
    log_in(page, "anna")
    expect(page.locator("#console-link")).to_have_class(re.compile("console-green"))
    exported_row = page.locator("#console-states tr", has=page.locator("a[href$='state__exact=exported']"))
    expect(exported_row.locator("td")).to_have_text("8")
    screenshot(page, "front-page")
