"""The services of the mappings app (keyword-only; the admin, commands and tasks call these)."""

from mappings.services.administration import current_administration
from mappings.services.coverage import CoverageGap, mapping_coverage
from mappings.services.reference import (
    SyncResult,
    gl_accounts_query,
    gl_accounts_refresh,
    reference_data_sync,
)

__all__ = [
    "CoverageGap",
    "SyncResult",
    "current_administration",
    "gl_accounts_query",
    "gl_accounts_refresh",
    "mapping_coverage",
    "reference_data_sync",
]
