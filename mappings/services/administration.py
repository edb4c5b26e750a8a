"""Which Exact administration the coupling works in now."""

from mappings.models import ReferenceSync


def current_administration() -> str | None:
    """The key ("{environment}:{division}") of the one Exact connection, or of the last refresh."""
    from coupling.models import ExactConnection

    connection = ExactConnection.objects.first()
    if connection is not None and getattr(connection, "administration", None):
        return connection.administration
    last = ReferenceSync.objects.order_by("-synced_at").first()
    return last.administration if last else None
