"""Calling the simulated Coachview from tests: a token on first use, GET and PUT under api/v1."""

BASE = "/sandbox/coachview"


def token_form(settings, **extra) -> dict:
    return {
        "grant_type": "client_credentials",
        "client_id": settings.SANDBOX_COACHVIEW_CLIENT_ID,
        "client_secret": settings.SANDBOX_COACHVIEW_CLIENT_SECRET,
        **extra,
    }


class CoachviewCalls:
    """The test client with a bearer token asked for lazily (seeding and loading wipe tokens)."""

    def __init__(self, client, settings):
        self.client, self.settings, self.token = client, settings, None

    def _auth(self) -> dict:
        if self.token is None:
            answer = self.client.post(f"{BASE}/auth/connect/token", token_form(self.settings))
            self.token = answer.json()["access_token"]
        return {"HTTP_AUTHORIZATION": f"Bearer {self.token}"}

    def get(self, path: str, **params):
        return self.client.get(f"{BASE}/api/v1/{path}", params, **self._auth())

    def put(self, path: str, body, method: str = "put"):
        send = getattr(self.client, method)
        return send(f"{BASE}/api/v1/{path}", body, content_type="application/json", **self._auth())
