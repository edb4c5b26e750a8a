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
