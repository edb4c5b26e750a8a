import pytest

from coupling import http
from tests.sandbox_transport import WSGITransport


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
    return connection
