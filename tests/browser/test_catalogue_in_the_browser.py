"""Support finds what an Exact message means: the catalogue's search and explain box, in the browser."""

import json

import pytest

from coupling import roles
from tests.browser.support import expect, log_in, role_user, screenshot

pytestmark = pytest.mark.django_db(transaction=True, databases=["default", "sandbox"])

# As Exact's Dutch screen shows it (the sandbox answers the same text).
EXACT_MESSAGE = "Periode is afgesloten: 2026 - 3"


def test_support_searches_the_catalogue_by_a_fragment_of_exacts_message_and_opens_the_entry(page):
    role_user("sanne", roles.SUPPORT)
    log_in(page, "sanne")

    page.goto("/sync/errorcatalogueentry/")
    page.fill("#searchbar", "is afgesloten")
    page.press("#searchbar", "Enter")
    # Support reads the entry's title; its key (exact.period_closed) is an administrator's word.
    result = page.locator("#result_list tbody tr", has_text="Periode is afgesloten")
    expect(result).to_have_count(1)
    expect(result).not_to_contain_text("exact.period_closed")

    result.locator("th a, td a").first.click()
    expect(page.locator("#id_code")).to_have_count(0)
    expect(page.locator("#content")).to_contain_text("Heropen de periode in Exact")


def test_support_pastes_exacts_whole_message_and_reads_cause_fix_and_who_acts(page):
    role_user("sanne", roles.SUPPORT)
    log_in(page, "sanne")

    page.goto("/sync/errorcatalogueentry/")
    # Exact's answer as a log or an e-mail shows it: its JSON error body.
    body = json.dumps({"error": {"code": "", "message": {"lang": "", "value": EXACT_MESSAGE}}})
    page.fill("#explain-box textarea", body)
    page.click("#explain-box input[type=submit]")
    explanation = page.locator("#explain-results .explanation", has_text=EXACT_MESSAGE)
    expect(explanation).to_contain_text("exact.period_closed")
    expect(explanation).to_contain_text("Heropen de periode in Exact")

    # The plain text as Exact's screen shows it, for the guide's picture.
    page.fill("#explain-box textarea", EXACT_MESSAGE)
    page.click("#explain-box input[type=submit]")
    expect(page.locator("#explain-results .explanation")).to_contain_text("exact.period_closed")
    screenshot(page, "catalogue", full_page=False)
