"""Each role sees its own console: the menus, the buttons, and the pages it may not open."""

import pytest

from coupling import roles
from coupling.models import ExactConnection
from tests.browser.support import expect, log_in, log_out, role_user

pytestmark = pytest.mark.django_db(transaction=True, databases=["default", "sandbox"])

CONNECTION = "/coupling/exactconnection/"
CATALOGUE = "/sync/errorcatalogueentry/"
HISTORY = "/sync/exporthistory/"
MAPPINGS = "/mappings/costcentermapping/"
INVOICES = "/sync/invoiceexport/"


def _status(page, path: str) -> int:
    return page.goto(path).status


def test_each_role_sees_what_it_should_and_no_more(page):
    connection = ExactConnection.objects.create(division=1234567)
    role_user("anna", roles.ADMINISTRATORS)
    role_user("sanne", roles.SUPPORT)
    role_user("femke", roles.FINANCE)

    # The administrator: the connection with its Connect button, mappings she can change, the catalogue.
    log_in(page, "anna")
    expect(page.locator("#console-link")).to_be_visible()
    page.goto(f"{CONNECTION}{connection.pk}/change/")
    expect(page.locator("form[action$='/connect/'] button")).to_be_visible()
    page.goto(MAPPINGS)
    expect(page.locator(".object-tools a.addlink")).to_be_visible()
    expect(page.locator("form[action$='/sync-now/'] button")).to_be_visible()
    assert _status(page, CATALOGUE) == 200
    log_out(page)

    # Support: reads the connection and the mappings, keeps the catalogue, acts on invoices; configures nothing.
    log_in(page, "sanne")
    page.goto(f"{CONNECTION}{connection.pk}/change/")
    expect(page.locator("form[action$='/connect/']")).to_have_count(0)
    page.goto(MAPPINGS)
    expect(page.locator(".object-tools a.addlink")).to_have_count(0)
    expect(page.locator("form[action$='/sync-now/']")).to_have_count(0)
    page.goto(CATALOGUE)
    expect(page.locator("#explain-box")).to_be_visible()
    page.goto(INVOICES)
    expect(page.locator("select[name=action] option[value=retry_exports]")).to_have_count(1)
    log_out(page)

    # Finance: invoices, their history and the CSV; no connection, no mappings, no catalogue, no actions.
    log_in(page, "femke")
    expect(page.locator("#console-states")).to_be_visible()
    for path in (CONNECTION, MAPPINGS, CATALOGUE):
        assert _status(page, path) == 403, path
    page.goto(INVOICES)
    expect(page.locator("select[name=action]")).to_have_count(0)
    page.goto(HISTORY)
    expect(page.locator("a[href*='/exporthistory/csv/']")).to_be_visible()
