"""Which Exact administration ("{environment}:{division}") export state is kept under."""

from mappings.services.administration import current_administration

__all__ = ["current_administration"]
