"""With --faults: the sandbox's "this answer is lost" header becomes a real timeout in the product process.

Over real HTTP the sandbox can only mark an answer as lost (`X-Sandbox-Fault`, sandbox/exact/faults.py);
this adapter, mounted through `coupling.http` as the tests' in-process transport is, turns the mark
into the exception a lost answer gives, so the product sees what it would see in production.
"""

import requests
from requests.adapters import HTTPAdapter

from coupling import http


class LostAnswerAdapter(HTTPAdapter):
    """An ordinary HTTP adapter that raises on answers the sandbox marked as lost."""

    def send(self, request, *args, **kwargs):
        response = super().send(request, *args, **kwargs)
        fault = response.headers.get("X-Sandbox-Fault", "")
        if fault in ("timeout", "lost-response"):
            response.close()
            raise requests.ReadTimeout(f"sandbox fault: {fault}", request=request)
        if fault == "connection-error":
            response.close()
            raise requests.ConnectionError("sandbox fault: connection-error", request=request)
        return response


def lost_answers_simulated(*, base_url: str) -> None:
    """Mount the adapter for every session the product makes to the benchmark server."""
    http.TRANSPORT_ADAPTERS[base_url] = LostAnswerAdapter()
