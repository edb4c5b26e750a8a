"""A requests transport adapter that calls the app's WSGI handler in-process.

The product's real client code runs unchanged; only the socket is replaced, so tests are fast and
independent of a running server. Timeouts and lost responses are raised when the sandbox asks for
them through the `X-Sandbox-Fault` response header (`timeout`, `lost-response`).
"""

from io import BytesIO
from urllib.parse import urlsplit

import requests
from django.core import signals
from django.core.handlers.wsgi import WSGIHandler
from django.db import close_old_connections
from django.utils import translation
from requests.adapters import BaseAdapter
from requests.structures import CaseInsensitiveDict


class WSGITransport(BaseAdapter):
    def __init__(self):
        super().__init__()
        self.handler = WSGIHandler()
        self.calls: list[tuple[str, str, int]] = []

    def send(self, request, stream=False, timeout=None, verify=True, cert=None, proxies=None):
        url = urlsplit(request.url)
        body = request.body or b""
        if isinstance(body, str):
            body = body.encode()
        environ = {
            "REQUEST_METHOD": request.method,
            "SCRIPT_NAME": "",
            "PATH_INFO": requests.utils.unquote(url.path),
            "QUERY_STRING": url.query,
            "SERVER_NAME": url.hostname or "127.0.0.1",
            "SERVER_PORT": str(url.port or (443 if url.scheme == "https" else 80)),
            "SERVER_PROTOCOL": "HTTP/1.1",
            "REMOTE_ADDR": "127.0.0.1",
            "wsgi.version": (1, 0),
            "wsgi.url_scheme": url.scheme,
            "wsgi.input": BytesIO(body),
            "wsgi.errors": BytesIO(),
            "wsgi.multithread": False,
            "wsgi.multiprocess": False,
            "wsgi.run_once": False,
            "CONTENT_LENGTH": str(len(body)),
            # Tells the sandbox's fault injection to ask for timeouts with X-Sandbox-Fault, not by hanging.
            "sandbox.in_process": True,
        }
        for name, value in request.headers.items():
            key = name.upper().replace("-", "_")
            if key == "CONTENT_TYPE":
                environ["CONTENT_TYPE"] = value
            elif key != "CONTENT_LENGTH":
                environ[f"HTTP_{key}"] = value
        environ.setdefault("HTTP_HOST", url.netloc)

        captured = {}

        def start_response(status, headers, exc_info=None):
            captured["status"] = int(status.split(" ", 1)[0])
            captured["headers"] = headers

        # Like Django's test client: the request signals must not close the test's database
        # connections (on PostgreSQL that would close the connection the test runs in).
        signals.request_started.disconnect(close_old_connections)
        signals.request_finished.disconnect(close_old_connections)
        # The sandbox's LocaleMiddleware activates its request's language in this thread; a real server
        # is another process, so the caller's language is restored afterwards.
        language = translation.get_language()
        try:
            chunks = self.handler(environ, start_response)
            try:
                content = b"".join(chunks)
            finally:
                if hasattr(chunks, "close"):
                    chunks.close()
        finally:
            signals.request_started.connect(close_old_connections)
            signals.request_finished.connect(close_old_connections)
            if language:
                translation.activate(language)
            else:
                translation.deactivate()
        self.calls.append((request.method, url.path, captured["status"]))

        headers = CaseInsensitiveDict(captured["headers"])
        fault = headers.get("X-Sandbox-Fault", "")
        if fault in ("timeout", "lost-response"):
            raise requests.ReadTimeout(f"sandbox fault: {fault}", request=request)
        if fault == "connection-error":
            raise requests.ConnectionError("sandbox fault: connection-error", request=request)

        response = requests.Response()
        response.status_code = captured["status"]
        response.headers = headers
        response._content = content
        response.url = request.url
        response.request = request
        response.encoding = requests.utils.get_encoding_from_headers(headers)
        response.reason = ""
        return response

    def close(self):
        pass
