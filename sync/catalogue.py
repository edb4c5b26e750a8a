"""The error catalogue's public interface (the pre-flight, the export and the admin use these)."""

from sync.errorcatalogue.affected import affected_exports, affected_retry
from sync.errorcatalogue.matching import (
    CatalogueIndex,
    Explanation,
    MessageMatch,
    catalogue_entry,
    catalogue_match,
    explain,
    failure_record,
    reasons_explained,
    titled_reason,
    unmatched_resolve,
)

__all__ = [
    "CatalogueIndex",
    "Explanation",
    "MessageMatch",
    "affected_exports",
    "affected_retry",
    "catalogue_entry",
    "catalogue_match",
    "titled_reason",
    "explain",
    "failure_record",
    "reasons_explained",
    "unmatched_resolve",
]
