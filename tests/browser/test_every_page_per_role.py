"""Each role, in Dutch at 1400 px, opens every page its admin index offers, and the first object of each list.

On a seeded sandbox that was fetched, read and exported once, the walk fails on a server error, a stored
secret or token on any page (whole or in part), one of our own English strings on any page (the interface
is Dutch all the way), and, for support and finance, a GUID, a catalogue key or an administration's technical
key (`test:1234567`) in a page's text: those are for administrators only.
"""

import re

import pytest
from django.core.management import call_command

from coupling import roles
from coupling.models import CoachviewConnection, ExactConnection
from mappings.models import CostCenterMapping, GLAccountMapping, VatCodeMapping
from tests.browser.support import Quiet, log_in, role_user

pytestmark = pytest.mark.django_db(transaction=True, databases=["default", "sandbox"])

GUID = re.compile(r"\b[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\b", re.IGNORECASE)
# A catalogue key (`preflight.debtor_not_customer`), not a host name (`training.coachview.net`).
CATALOGUE_KEY = re.compile(
    r"\b(?:preflight|exact|coachview|connection)\.(?!(?:net|com|nl|org)\b)[a-z][a-z0-9_]*\b"
)
# The technical key of an Exact administration ("test:1234567"): people know it by its division number.
ADMINISTRATION_KEY = re.compile(r"\b(?:test|live):\d+\b")
# Our own English source strings whose Dutch differs (locale/*/django.po), and the English a page showed
# before it was translated: none of them may show in the Dutch interface. Matched as whole words, case
# and all, in the page's visible text.
ENGLISH = [
    # state names and attempt kinds
    "held", "ready", "exported", "excluded", "outcome unknown", "lookup", "entry", "attachment",
    # hold reasons as the pre-flight stored them
    "G/L account", "is blocked in Exact", "has no mapping to", "is not a customer", "VAT code",
    # actions and their messages
    "Re-check now", "Check again now", "invoice(s)", "moved back to",
    # menus: the background jobs (Django-Q), the sandbox, the role groups
    "Django Q", "Successful tasks", "Failed tasks", "Scheduled tasks", "Queued tasks",
    "Sandbox (simulated", "Coupling administrators", "Finance",
    # developer vocabulary
    "Exact-calls", "Exact calls", "learned from",
]
ENGLISH_WORDS = re.compile(r"(?<![\w/.-])(?:" + "|".join(re.escape(text) for text in ENGLISH) + r")(?![\w/-])")
# Beyond the index's lists: a held invoice and its reasons (the first row of the plain list may be exported).
FILTERED_LISTS = ["/sync/invoiceexport/?state__exact=held"]
ROLES = {"administrator": roles.ADMINISTRATORS, "support": roles.SUPPORT, "finance": roles.FINANCE}


@pytest.fixture
def exported(synced):
    """The seeded sandbox fetched, Exact's lists read, a mapping of each kind, and one export run."""
    for model in (VatCodeMapping, GLAccountMapping, CostCenterMapping):
        model.objects.get_or_create(
            administration=synced.administration, coachview_code="99", defaults={"exact_code": ""}
        )
    call_command("export_invoices", stdout=Quiet(), stderr=Quiet())
    return synced


def stored_secrets() -> list[str]:
    """Every secret and token the product holds, read from the database."""
    exact, coachview = ExactConnection.load(), CoachviewConnection.load()
    values = [exact.client_secret, exact.access_token, exact.refresh_token]
    values += [coachview.client_secret, coachview.access_token]
    assert exact.access_token and coachview.access_token, "the walk needs tokens to look for"
    return [value for value in values if value]


def needles(secret: str) -> list[str]:
    """The secret, and for a long one every 12-character piece (a masked or cut value shows a part)."""
    if len(secret) < 24:
        return [secret]
    return [secret] + [secret[i : i + 12] for i in range(0, len(secret) - 11, 6)]


def index_links(tab) -> list[str]:
    tab.goto("/")
    hrefs = tab.locator("#content-main .module th[scope=row] a").evaluate_all(
        "links => links.map(a => a.href)"
    )
    return list(dict.fromkeys(hrefs))


@pytest.mark.parametrize("role", ROLES)
def test_each_role_opens_every_page_it_can_reach_without_errors_secrets_keys_or_guids(
    role, chromium, site, exported
):
    role_user(role, ROLES[role])
    secrets = [needle for secret in stored_secrets() for needle in needles(secret)]
    context = chromium.new_context(base_url=site.url, locale="nl-NL", viewport={"width": 1400, "height": 900})
    context.set_default_timeout(15_000)
    tab = context.new_page()
    problems: list[str] = []

    def visit(url: str, *, is_list: bool) -> None:
        response = tab.goto(url)
        where = tab.url.removeprefix(site.url)
        if response is None or response.status >= 500:
            problems.append(f"{where}: server error {response and response.status}")
            return
        html = tab.content()
        if any(needle in html for needle in secrets):
            problems.append(f"{where}: a secret or token is on the page")
        shown = tab.locator("body").inner_text()
        problems.extend(f"{where}: English {text!r}" for text in sorted(set(ENGLISH_WORDS.findall(shown))))
        if role != "administrator":
            text = tab.locator("#content").inner_text()
            problems.extend(f"{where}: GUID {guid}" for guid in sorted(set(GUID.findall(text))))
            problems.extend(f"{where}: catalogue key {key}" for key in sorted(set(CATALOGUE_KEY.findall(text))))
            problems.extend(f"{where}: administration key {k}" for k in sorted(set(ADMINISTRATION_KEY.findall(text))))

    try:
        log_in(tab, role)
        visit("/", is_list=True)
        lists = index_links(tab)
        assert len(lists) >= 4, lists
        for url in lists + FILTERED_LISTS:
            visit(url, is_list=True)
            first = tab.locator("#result_list tbody tr").first.locator("a[href$='/change/']")
            if first.count():
                visit(first.first.get_attribute("href"), is_list=False)
    finally:
        context.close()
    assert not problems, "\n".join(problems)
