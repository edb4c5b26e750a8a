"""Checking the Coachview connection by hand (the admin's 'test connection')."""

from coupling.coachview import api
from coupling.coachview.client import CoachviewClient, CoachviewError


def connection_test() -> tuple[bool, str]:
    """Get a token and read one invoice and one debtor; say what works, or what is wrong."""
    try:
        client = CoachviewClient()
        client.get_list(api.INVOICES, take=1)
        client.get_list(api.DEBTORS, take=1)
    except CoachviewError as exc:
        return False, f"Coachview: {exc.message}"
    conn = client.connection
    remaining = (
        f"; {conn.rate_limit_remaining} of {conn.rate_limit_limit} calls left today"
        if conn.rate_limit_remaining is not None
        else ""
    )
    return True, f"Coachview connection works ({conn.base_url}){remaining}."
