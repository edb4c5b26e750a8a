import pytest

from coupling import http
from tests.sandbox_transport import WSGITransport

pytest_plugins = ["tests.ci_skips", "pytester"]

# Modules whose tests start processes, servers or long fault rounds: `slow` (a bare `pytest` leaves them
# out, `make test` and CI run them). Tests marked `faults` and the browser folder are slow as well.
SLOW_MODULES = {
    "test_guide_commands.py",
    "test_security_fault_plans.py",
    "test_security_keys.py",
    "test_security_wsgi.py",
    "test_exact_token_race.py",
    "test_dialects_end_to_end.py",
    "test_catalogue_explain_error.py",
}


def pytest_collection_modifyitems(config, items):
    for item in items:
        in_browser = "browser" in item.path.parts
        if in_browser or item.get_closest_marker("faults") or item.path.name in SLOW_MODULES:
            item.add_marker(pytest.mark.slow)


@pytest.fixture
def sandbox_http(settings):
    """Route the product's outbound HTTP to the sandbox in-process (no server, no sockets)."""
    settings.SANDBOX = True
    transport = WSGITransport()
    prefix = settings.SANDBOX_BASE_URL
    http.TRANSPORT_ADAPTERS[prefix] = transport
    try:
        yield transport
    finally:
        http.TRANSPORT_ADAPTERS.pop(prefix, None)


@pytest.fixture
def coachview(sandbox_http, settings):
    """The one Coachview connection, pointed at the in-process sandbox with its client credentials."""
    from coupling.models import CoachviewConnection

    connection = CoachviewConnection.load()
    connection.environment = CoachviewConnection.Environment.CUSTOM
    connection.custom_base_url = f"{settings.SANDBOX_BASE_URL}/sandbox/coachview"
    connection.client_id = settings.SANDBOX_COACHVIEW_CLIENT_ID
    connection.client_secret = settings.SANDBOX_COACHVIEW_CLIENT_SECRET
    connection.save()
    # Export state is kept per Exact administration: fetched invoices need one to be exportable in.
    from coupling.models import ExactConnection

    if ExactConnection.load() is None:
        ExactConnection.objects.create(division=1234567)
    coachview_profile_as_probed(settings)
    return connection


@pytest.fixture(autouse=True)
def _golive_checked(request, settings):
    """Every database test starts from a Coachview whose go-live check passed, as a live tenant's has.

    The check and the export gate have their own tests: they ask for `golive_pending` (no pass recorded).
    """
    if not request.node.get_closest_marker("django_db") or "golive_pending" in request.fixturenames:
        return
    request.getfixturevalue("db")
    coachview_profile_as_probed(settings)
    # An Exact administration a test connects was checked too (exact_probe), as a live one would be.
    from django.db.models.signals import post_save

    from coupling import clock
    from coupling.models import ExactConnection

    def checked(sender, instance, created, **kwargs):
        if created:
            instance.probe_record(report={"usable": True, "blockers": [], "warnings": []}, usable=True, at=clock.now())

    post_save.connect(checked, sender=ExactConnection, weak=False, dispatch_uid="tests.golive_checked")
    for connection in ExactConnection.objects.all():
        checked(ExactConnection, connection, True)
    request.addfinalizer(lambda: post_save.disconnect(sender=ExactConnection, dispatch_uid="tests.golive_checked"))


@pytest.fixture
def golive_pending():
    """Opt out of `_golive_checked`: the go-live check has not run."""


@pytest.fixture
def sandbox_flow(coachview, settings):
    """Seeded Exact, both links connected to the sandbox and checked, Exact's lists read, the sales journal and
    payment condition the sandbox needs: the administration key, ready for fetch and export."""
    import random

    from django.core.management import call_command

    from coupling.models import ExactConnection
    from mappings.models import CouplingOptions
    from mappings.services import reference_data_sync
    from sandbox.exact.seed import seed_exact

    settings.SANDBOX_EXACT_MINUTELY_LIMIT = settings.EXACT_MINUTELY_LIMIT = 100_000  # no minute-window waits
    seed_exact(rng=random.Random(1))
    call_command("sandbox_connect")
    coachview_profile_as_probed(settings)
    reference_data_sync()
    administration = ExactConnection.load().administration
    CouplingOptions.objects.update_or_create(
        administration=administration, defaults={"sales_journal": "70", "default_payment_condition": "30"}
    )
    return administration


def coachview_profile_as_probed(settings, dialect=None):
    """The profile `coachview_probe --apply` finds for the sandbox's dialect, with its check passed.

    Tests that are about the probe or the export gate undo this themselves; every other test talks to a
    Coachview whose profile was checked, as a tenant's would be before its first export.
    """
    from coupling.coachview.profile import profile_complete
    from coupling.models import CoachviewProfile
    from sandbox.coachview.dialects import dialect_profile_overrides

    profile = CoachviewProfile.load()
    profile.entries = profile_complete(dialect_profile_overrides(dialect or settings.COACHVIEW_SANDBOX_DIALECT))
    profile.save()
    profile.probe_record(report={"usable": True, "entries": [], "measured": {}}, usable=True)
    return profile



# --- console ---
# The product defaults to Dutch (LANGUAGE_CODE, LocaleMiddleware); tests written against the English
# source texts ask for English pages. The console's own tests ask for each language explicitly.
@pytest.fixture
def client():
    """pytest-django's client, asking for English pages."""
    from django.test import Client

    return Client(HTTP_ACCEPT_LANGUAGE="en")


@pytest.fixture
def admin_client(client, admin_user):
    """pytest-django's admin_client, asking for English pages."""
    client.force_login(admin_user)
    return client


@pytest.fixture(autouse=True)
def _sandbox_strict(settings):
    """Our own tests run the sandbox strict: a read-only property we send is refused (Exact ignores it)."""
    settings.SANDBOX_EXACT_STRICT_READONLY = True


@pytest.fixture(autouse=True)
def _language_not_carried_over():
    """A request activates its language in the thread; the next test starts from the default again."""
    from django.utils import translation

    yield
    translation.deactivate()


@pytest.fixture
def exact_api(monkeypatch, settings):
    """Exact as `responses` answers it (tests/exact_fake.py), connected; the clock frozen at now, no minute waits."""
    from coupling import clock
    from tests.exact_fake import exact_world

    settings.EXACT_MINUTELY_LIMIT = 100_000
    with exact_world(monkeypatch, at=clock.now(), minutely_limit=100_000) as world:
        yield world


@pytest.fixture
def world(monkeypatch):
    """Exact as `responses` answers it (tests/exact_fake.py), connected, with the fake's own clock and limits."""
    from tests.exact_fake import exact_world

    with exact_world(monkeypatch) as w:
        yield w


@pytest.fixture
def api(db, settings):
    """The Exact sandbox seeded, spoken to over its HTTP API with a token from its own OAuth flow."""
    from django.test import Client

    from tests.sandbox_exact_support import Api, connect, seeded

    settings.SANDBOX = True
    seeded()
    client = Client()
    return Api(client, connect(client)["access_token"])


@pytest.fixture
def fake_exact(exact_api):
    """The fake Exact behind `exact_api`: its rows, its faults and the calls it was sent."""
    return exact_api.fake


@pytest.fixture
def exact_mirror(db):
    """Exact's reference data mirrored (VAT codes, G/L accounts, journals, periods) and options that fit it."""
    from tests.factories import exact_mirror_seed

    exact_mirror_seed()


@pytest.fixture
def role_permissions(db):
    """The roles' permissions applied (on a fresh test database coupling's post_migrate runs before sync's exist)."""
    from coupling import roles

    roles.apply_role_permissions()


@pytest.fixture
def exact_sandbox(sandbox_http, settings):
    """The Exact sandbox seeded and connected, its sales journal chosen (as `make run` leaves it)."""
    import random

    from django.core.management import call_command

    from coupling.exact.client import ExactClient
    from sandbox.exact.seed import seed_exact
    from tests.factories import CouplingOptionsFactory

    settings.CLOCK_OFFSET_SECONDS = 0.0
    seed_exact(rng=random.Random(1))
    call_command("sandbox_connect")
    client = ExactClient()
    CouplingOptionsFactory(administration=client.administration, sales_journal="70")
    return client


# --- health ---
@pytest.fixture
def link(monkeypatch):
    """The Exact link as the health checks see it: a FakeLink, connected and within budget, to change per test."""
    from sync.services import health
    from tests.link_fake import FakeLink

    fake = FakeLink()
    monkeypatch.setattr(health, "exact_link", lambda: fake)
    return fake


@pytest.fixture
def administrators(db):
    """An administrator and a superuser: the people health mails go to."""
    from tests.factories import administrators

    return administrators()
