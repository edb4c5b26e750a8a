"""An administrator sets the coupling up in the browser: log in, connect Exact, read its lists, map."""

import re

import pytest

from coupling import roles
from coupling.models import ExactConnection
from mappings.models import CostCenterMapping
from sandbox.exact.seed import SANDBOX_CLIENT_ID, SANDBOX_CLIENT_SECRET
from sandbox.seedcodes import COST_CENTER_MISSING_IN_EXACT, DIVISION
from tests.browser.support import expect, log_in, role_user, screenshot

pytestmark = pytest.mark.django_db(transaction=True, databases=["default", "sandbox"])


def test_a_wrong_password_is_refused_and_the_right_one_opens_the_console(page):
    role_user("anna", roles.ADMINISTRATORS)
    log_in_page = page.goto("/login/")
    assert log_in_page.ok
    page.fill("#id_username", "anna")
    page.fill("#id_password", "not-her-password")
    page.click("input[type=submit]")
    expect(page.locator(".errornote")).to_be_visible()

    log_in(page, "anna")
    assert "anna" in page.locator("#user-tools").inner_text().lower()


def test_an_administrator_connects_exact_through_its_authorize_page(page, site, sandbox_seeded):
    role_user("anna", roles.ADMINISTRATORS)
    log_in(page, "anna")

    # The App Center's details go into the (one) connection; the sandbox plays Exact's host.
    page.goto("/coupling/exactconnection/add/")
    page.select_option("#id_country", "custom")
    page.fill("#id_base_url", f"{site.url}/sandbox/exact")
    page.fill("#id_client_id", SANDBOX_CLIENT_ID)
    page.fill("#id_client_secret", SANDBOX_CLIENT_SECRET)
    page.click("input[name=_continue]")
    expect(page.locator("ul.messagelist .success")).to_have_count(1)

    # Connect → Exact's own consent page (the sandbox's) → Approve → back in the admin.
    page.click("form[action$='/connect/'] button")
    page.wait_for_url(re.compile(r"/sandbox/exact/api/oauth2/auth"))
    expect(page.locator("h1")).to_contain_text("Exact Online")
    page.click("button[name=approve]")
    page.wait_for_url(re.compile(r"/coupling/exactconnection/\d+/change/"))

    expect(page.locator("ul.messagelist .success")).to_contain_text(str(DIVISION))
    connection = ExactConnection.load()
    assert connection.status == ExactConnection.Status.CONNECTED
    assert connection.division == DIVISION
    assert connection.connected_by.username == "anna"
    # The tokens are never shown: not in the page, not even as a password field's value.
    assert connection.access_token not in page.content()
    assert connection.refresh_token not in page.content()


def test_an_administrator_syncs_exacts_lists_and_maps_the_unknown_cost_centre(
    page, exact_connected, fetched, monkeypatch
):
    from django_q.conf import Conf

    role_user("anna", roles.ADMINISTRATORS)
    log_in(page, "anna")

    # Exact's lists are read with the button on any mapping list: a job for the worker, which django-q2's
    # sync mode runs at once here; the list then shows the job's result.
    monkeypatch.setattr(Conf, "SYNC", True)
    page.goto("/mappings/costcentermapping/")
    page.click("form[action$='/sync-now/'] button")
    expect(page.locator("ul.messagelist .success")).to_have_count(1)
    expect(page.locator("#refresh-status")).to_contain_text("1234567")

    # The coverage report lists the cost centre Exact does not know, with the invoices it holds.
    page.goto("/mappings/costcentermapping/")
    page.click("a[href$='/mapping-coverage/']")
    rows = page.locator("#coverage-cost_center tbody tr")
    expect(rows.filter(has_text=COST_CENTER_MISSING_IN_EXACT)).to_have_count(1)
    screenshot(page, "coverage-report")

    # "Create mapping" opens the form with the Coachview code filled in; map it to no cost centre.
    rows.filter(has_text=COST_CENTER_MISSING_IN_EXACT).locator("a.addlink").click()
    expect(page.locator("#id_coachview_code")).to_have_value(COST_CENTER_MISSING_IN_EXACT)
    page.select_option("#id_exact_code", "")
    page.fill("#id_note", "Interne cursussen: zonder kostenplaats boeken")
    page.click("input[name=_save]")
    expect(page.locator("ul.messagelist .success")).to_have_count(1)

    mapping = CostCenterMapping.objects.get(coachview_code=COST_CENTER_MISSING_IN_EXACT)
    assert mapping.exact_code == ""
    page.goto("/sync/invoiceexport/mapping-coverage/")
    expect(page.locator("h1")).to_be_visible()
    expect(page.locator("#coverage-cost_center tr", has_text=COST_CENTER_MISSING_IN_EXACT)).to_have_count(0)
