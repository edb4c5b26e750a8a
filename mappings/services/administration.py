"""Which Exact administration the coupling works in now."""

from coupling.models import ExactConnection
from mappings.models import ReferenceSync


def current_administration() -> str | None:
    """The key ("{environment}:{division}") of the one Exact connection, or of the last refresh."""
    connection = ExactConnection.load()
    if connection is not None and connection.division:
        return connection.administration
    last = ReferenceSync.objects.order_by("-synced_at").first()
    return last.administration if last else None
