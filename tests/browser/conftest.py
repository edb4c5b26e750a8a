"""Browser tests: Playwright drives Debian's Chromium against a live server of the whole app.

The screenshots of docs/guide.md are taken here (tests/browser/support.py: `UPDATE_GUIDE_IMAGES=1`
writes them over docs/img/; otherwise they are artefacts in BROWSER_ARTIFACTS or a temporary folder).

Why these choices:

- Debian's Chromium (`chromium` on PATH, else /usr/bin/chromium), never a browser that Playwright downloads itself: CI
  installs it with apt (.ci/run); elsewhere the folder is skipped with the reason.
- A real server (pytest-django's `live_server`, one thread per request). On SQLite the test
  databases become files for the run (an in-memory database cannot be shared between the server's
  threads and the test). They run in `make test`; the PostgreSQL run skips them unless
  BROWSER_TESTS_ON_POSTGRES=1 (they pass there too, at twice the time).
- The product reaches the sandbox over real HTTP on that same live server (its Exact and Coachview
  connections point at `live_server.url`), exactly as under `make run`. The in-process transport of
  `sandbox_http` is not used here: the browser has to see the sandbox's authorize page at a real
  URL anyway, and every request then runs in its own server thread with its own database
  connection, so no request waits for a lock another one holds.
"""

import os
import shutil
import tempfile
from pathlib import Path

import pytest
from django.conf import settings as django_settings

from tests.browser.support import Quiet

# Found the way .ci/run provides it (on PATH), falling back to where Debian puts it.
CHROMIUM = Path(shutil.which("chromium") or "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
HERE = Path(__file__).resolve().parent


def _why_not() -> str | None:
    engine = django_settings.DATABASES["default"]["ENGINE"]
    if not engine.endswith("sqlite3") and os.environ.get("BROWSER_TESTS_ON_POSTGRES") != "1":
        # They test pages, not the database; once per CI run (make test) keeps CI fast.
        return "browser tests run in `make test` (SQLite); BROWSER_TESTS_ON_POSTGRES=1 runs them here too"
    if not CHROMIUM.exists():
        return "browser tests need Debian's Chromium on PATH (apt-get install -y chromium)"
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        return "browser tests need the Python package playwright (pip install -e '.[dev]')"
    return None


SKIP_REASON = _why_not()
_db_folder: str | None = None


def _is_browser_test(item) -> bool:
    return HERE in Path(str(item.path)).resolve().parents


def pytest_collection_modifyitems(config, items):
    for item in items:
        if _is_browser_test(item):
            item.add_marker(pytest.mark.browser)
            if SKIP_REASON:
                item.add_marker(pytest.mark.skip(reason=SKIP_REASON))


def pytest_collection_finish(session):
    """When browser tests will run on SQLite, create the test databases as files (before any test)."""
    global _db_folder
    if SKIP_REASON or not any(_is_browser_test(item) for item in session.items):
        return
    for alias, database in django_settings.DATABASES.items():
        if database["ENGINE"].endswith("sqlite3") and not database.get("TEST", {}).get("NAME"):
            _db_folder = _db_folder or tempfile.mkdtemp(prefix="coupling-browser-tests-")
            database.setdefault("TEST", {})["NAME"] = str(Path(_db_folder) / f"test_{alias}.sqlite3")


def pytest_sessionfinish(session, exitstatus):
    if _db_folder:
        shutil.rmtree(_db_folder, ignore_errors=True)


@pytest.fixture(scope="package")
def chromium():
    """One headless Chromium for the folder; Playwright's event loop runs only while it is open."""
    from playwright.sync_api import sync_playwright

    # Playwright's sync API keeps an asyncio loop running in this thread, and Django refuses ORM
    # calls from a thread with a running loop. The test code is synchronous all the same.
    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
            try:
                yield browser
            finally:
                browser.close()
    finally:
        if previous is None:
            os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
        else:
            os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous


@pytest.fixture(autouse=True)
def catalogue_seeded(request):
    """The error catalogue as its data migrations seed it, also after an earlier test's flush.

    `live_server` makes every test here transactional: the tables are emptied after each test, and
    Django's serialized rollback cannot bring the data back here (the role groups that `post_migrate`
    recreates after a flush collide with the serialized ones).
    """
    if "live_server" not in request.fixturenames:
        return
    request.getfixturevalue("transactional_db")
    from django.apps import apps
    from django.db.migrations.loader import MigrationLoader
    from django.db.migrations.operations import RunPython

    from sync.models import ErrorCatalogueEntry

    if ErrorCatalogueEntry.objects.exists():
        return
    # The seed migrations (sync/migrations/*catalogue*), in order; seed_apply() is idempotent.
    graph = MigrationLoader(None, ignore_no_migrations=True).graph
    for key in sorted(key for key in graph.nodes if key[0] == "sync" and "catalogue" in key[1]):
        for operation in graph.nodes[key].operations:
            if isinstance(operation, RunPython):
                operation.code(apps, None)


@pytest.fixture
def site(live_server, settings):
    """The live server, with the sandbox served on it and the product pointed at it."""
    settings.SANDBOX = True
    settings.SANDBOX_BASE_URL = live_server.url
    settings.CLOCK_OFFSET_SECONDS = 0.0
    # A test exports a few dozen invoices at once: Exact's minute window is not what is tested here.
    settings.SANDBOX_EXACT_MINUTELY_LIMIT = 10_000
    settings.SANDBOX_EXACT_DAILY_LIMIT = 100_000
    return live_server


@pytest.fixture
def page(chromium, site):
    """A fresh browser tab (own cookies) that speaks Dutch, like the institutes' finance people."""
    context = chromium.new_context(
        base_url=site.url, locale="nl-NL", viewport={"width": 1280, "height": 900}, accept_downloads=True
    )
    context.set_default_timeout(15_000)
    tab = context.new_page()
    try:
        yield tab
    finally:
        context.close()


@pytest.fixture
def sandbox_seeded(site):
    """The sandbox's Exact and Coachview, seeded as `make run` does (a smaller Coachview)."""
    from django.core.management import call_command

    call_command("sandbox_seed", "--invoices", "20", "--debtors", "10", stdout=Quiet())


@pytest.fixture
def exact_connected(site, sandbox_seeded):
    """Connected without the browser (`sandbox_connect`, over HTTP to the live server)."""
    from django.core.management import call_command

    from coupling.models import ExactConnection
    from tests.golive_support import golive_pass

    call_command("sandbox_connect", stdout=Quiet())
    golive_pass()  # export waits for both go-live checks, as an administrator's checks would pass them
    return ExactConnection.load()


class World:
    """The steps the schedules would take, run by the test between its clicks."""

    def __init__(self, administration: str):
        self.administration = administration

    def preflight(self):
        from sync.services.preflight import exports_preflight

        return exports_preflight(administration=self.administration)


@pytest.fixture
def fetched(site, exact_connected):
    """Coachview (the sandbox's) connected, its sent invoices fetched, the options the sandbox needs."""
    from coupling.models import CoachviewConnection
    from mappings.models import CouplingOptions
    from sandbox.seedcodes import PAYMENT_CONDITION, SALES_JOURNAL
    from sync.services.fetch import invoices_fetch

    connection = CoachviewConnection.load()
    connection.environment = CoachviewConnection.Environment.CUSTOM
    connection.custom_base_url = f"{site.url}/sandbox/coachview"
    connection.client_id = django_settings.SANDBOX_COACHVIEW_CLIENT_ID
    connection.client_secret = django_settings.SANDBOX_COACHVIEW_CLIENT_SECRET
    connection.save()
    result = invoices_fetch()
    assert not result.stopped, result.summary()
    CouplingOptions.objects.update_or_create(
        administration=exact_connected.administration,
        defaults={"sales_journal": SALES_JOURNAL, "default_payment_condition": PAYMENT_CONDITION},
    )
    return World(exact_connected.administration)


@pytest.fixture
def synced(fetched):
    """And Exact's lists read (what the admin's "Sync Exact's lists now" button does)."""
    from mappings.services import reference_data_sync

    reference_data_sync()
    return fetched
