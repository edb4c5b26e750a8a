"""current/Me: the division and user behind a fresh token, read while connecting (before a client exists)."""

from django.conf import settings

from coupling.exact.budget import budget_record_headers
from coupling.exact.errors import ExactError, error_from_response
from coupling.exact.transport import api_headers, request_logged, unwrapped
from coupling.http import new_session
from coupling.models import ExactConnection


def fetch_me(*, connection: ExactConnection, access_token: str) -> dict:
    """current/Me with a fresh token, before the division is known (used while connecting)."""
    response = request_logged(
        new_session(),
        "GET",
        f"{connection.host}/api/v1/current/Me",
        division=None,
        endpoint="current/Me",
        write=False,
        params={"$select": "CurrentDivision,UserName,FullName"},
        headers=api_headers(access_token),
        timeout=settings.HTTP_TIMEOUT,
    )
    if response.status_code != 200:
        raise error_from_response(response, endpoint="current/Me", write=False)
    data, _ = unwrapped(response.json())
    me = data[0] if isinstance(data, list) else data
    if not me or not me.get("CurrentDivision"):
        raise ExactError("Exact's current/Me did not name a division.", endpoint="current/Me")
    budget_record_headers(division=int(me["CurrentDivision"]), headers=response.headers)
    return me
