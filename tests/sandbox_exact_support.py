"""Helpers for the Exact sandbox tests: seed, connect through OAuth, call the API with a token."""

import random
from urllib.parse import parse_qs, urlsplit

from django.test import Client

from sandbox.exact.seed import SANDBOX_CLIENT_ID, SANDBOX_CLIENT_SECRET, seed_exact
from sandbox.seedcodes import DIVISION

BASE = "/sandbox/exact"
API = f"{BASE}/api/v1/{DIVISION}"
REDIRECT = "http://testserver/exact/callback"


def seeded() -> None:
    seed_exact(rng=random.Random(1))


def authorization_code(client: Client, state: str = "s1") -> str:
    params = {"client_id": SANDBOX_CLIENT_ID, "redirect_uri": REDIRECT, "response_type": "code", "state": state}
    page = client.get(f"{BASE}/api/oauth2/auth", params)
    assert page.status_code == 200 and b"Approve" in page.content
    answer = client.post(f"{BASE}/api/oauth2/auth", params)
    assert answer.status_code == 302
    query = parse_qs(urlsplit(answer["Location"]).query)
    assert query["state"] == [state]
    return query["code"][0]


def token_call(client: Client, **form):
    form = {"client_id": SANDBOX_CLIENT_ID, "client_secret": SANDBOX_CLIENT_SECRET, **form}
    return client.post(f"{BASE}/api/oauth2/token", form)


def connect(client: Client) -> dict:
    code = authorization_code(client)
    answer = token_call(client, grant_type="authorization_code", code=code, redirect_uri=REDIRECT)
    assert answer.status_code == 200, answer.content
    return answer.json()


class Api:
    """Calls the sandbox's REST API with a bearer token, like the product's client does."""

    def __init__(self, client: Client, access_token: str, language: str = ""):
        self.client = client
        self.headers = {"Authorization": f"Bearer {access_token}", "Accept": "application/json"}
        if language:
            self.headers["Accept-Language"] = language

    def get(self, path: str, params: dict | None = None, **extra):
        url = path if path.startswith("http") else f"{API}/{path}"
        return self.client.get(url, params or {}, headers={**self.headers, **extra})

    def post(self, path: str, body: dict, **extra):
        return self.client.post(f"{API}/{path}", body, content_type="application/json",
                                headers={**self.headers, "Prefer": "return=representation", **extra})

    def put(self, path: str, body: dict):
        return self.client.put(f"{API}/{path}", body, content_type="application/json", headers=self.headers)

    def delete(self, path: str):
        return self.client.delete(f"{API}/{path}", headers=self.headers)

    def one(self, path: str, filter_: str, select: str = "ID"):
        answer = self.get(path, {"$filter": filter_, "$select": select})
        assert answer.status_code == 200, answer.content
        results = answer.json()["d"]["results"]
        assert len(results) == 1, results
        return results[0]
