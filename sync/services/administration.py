"""What export state is kept under: the Exact administration ("{environment}:{division}") and the
Coachview environment invoices come from (`CoachviewConnection.source`). An export belongs to one pair."""

from coupling.models import CoachviewConnection
from mappings.services.administration import current_administration

__all__ = ["current_administration", "current_source"]


def current_source() -> str:
    """The Coachview connection's source ('<environment>:<host>'), or "" when there is none."""
    connection = CoachviewConnection.objects.first()  # a read must not create the row
    return connection.source if connection is not None else ""
