"""The clerk whose browser is English switches the console to Dutch in the header; the choice follows her
to another browser."""

import pytest

from coupling import roles
from tests.browser.support import expect, log_in, role_user

pytestmark = pytest.mark.django_db(transaction=True, databases=["default", "sandbox"])


def english_browser(chromium, site):
    context = chromium.new_context(base_url=site.url, locale="en-GB", viewport={"width": 1400, "height": 900})
    context.set_default_timeout(15_000)
    return context


def test_a_clerk_with_an_english_browser_switches_to_dutch_and_keeps_it_in_another_browser(chromium, site):
    role_user("femke", roles.FINANCE)
    first = english_browser(chromium, site)
    try:
        tab = first.new_page()
        log_in(tab, "femke")
        expect(tab.locator("#content h1")).to_contain_text("Site administration")
        tab.locator("#language-switch button[value=nl]").click()
        expect(tab.locator("#content h1")).to_contain_text("Websitebeheer")
        expect(tab.locator("#language-switch button[value=en]")).to_have_text("English")
    finally:
        first.close()
    second = english_browser(chromium, site)  # another browser: no cookie, English again
    try:
        tab = second.new_page()
        log_in(tab, "femke")
        expect(tab.locator("#content h1")).to_contain_text("Websitebeheer")
    finally:
        second.close()
