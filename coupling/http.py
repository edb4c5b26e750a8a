"""The one place outbound HTTP sessions are made, so tests can route them to the sandbox in-process."""

import requests

# Adapters mounted on every new session, by URL prefix. Tests put the in-process sandbox here.
TRANSPORT_ADAPTERS: dict[str, requests.adapters.BaseAdapter] = {}


def new_session() -> requests.Session:
    """A requests session for calls to Exact or Coachview (callers always pass a timeout)."""
    session = requests.Session()
    for prefix, adapter in TRANSPORT_ADAPTERS.items():
        session.mount(prefix, adapter)
    return session
