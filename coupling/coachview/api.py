"""Coachview's documented vocabulary (verified), and the queries and bodies built from the profile.

Everything Coachview documents publicly lives here as a constant; every name it does not document is
an entry of the Coachview profile (`coupling/coachview/profile.py`), read through `ProfileView`.
"""

from datetime import date, datetime
from zoneinfo import ZoneInfo

from coupling.coachview.profile import ProfileView
from coupling.coachview.records import path_get, path_without, where_value

# --- environments and authentication (verified) ---
LIVE_BASE_URL = "https://secure.coachview.net"
TRAINING_BASE_URL = "https://training.coachview.net"
TOKEN_PATH = "/auth/connect/token"
API_PREFIX = "/api/v1/"
SCOPE_GENERAL = "api"

# --- rate limit headers (verified names; their formats inferred, see CoachviewClient) ---
HEADER_LIMIT = "X-Rate-Limit-Limit"
HEADER_REMAINING = "X-Rate-Limit-Remaining"
HEADER_RESET = "X-Rate-Limit-Reset"
HEADER_RETRY_AFTER = "Retry-After"
HEADER_ROW_COUNT = "RowCount"

# --- list parameters (verified) ---
PARAM_WHERE = "where"
PARAM_ORDERBY = "orderby"
PARAM_SKIP = "skip"
PARAM_TAKE = "take"
PARAM_COUNT = "Count"
PARAM_RELATIONS = "InclusiefDirecteRelaties"
PARAM_EXTRA_FIELDS = "InclusiefExtraVelden"
MAX_TAKE = 100

# ASSUMPTION: a status description Coachview keeps up to 255 characters.
STATUS_TEXT_MAX = 255


def timezone(profile: ProfileView) -> ZoneInfo:
    """The zone Coachview's offset-less stamps are in (profile `timezone`)."""
    return ZoneInfo(profile["timezone"])


def where_field(profile: ProfileView, concept: str) -> str:
    """A field path as written in `where` and `orderby` (field names there are case-insensitive)."""
    return profile.field(concept).lower()


def where_changed(profile: ProfileView, op: str, moment: datetime, where_format: str | None = None) -> str:
    """`where` on the change time, e.g. `audittrail.gewijzigddatumtijd>=22-01-2025 11:34:10.919`."""
    value = where_value(moment, where_format or profile["where_format"])
    return f"{where_field(profile, 'changed')}{op}{value}"


def where_ids(field: str, ids: list[str]) -> str:
    return f"{field.lower()}={','.join(ids)}"


def orderby(profile: ProfileView, concept: str, direction: str = "asc") -> str:
    return f"{where_field(profile, concept)} {direction}"


def list_params(profile: ProfileView, *, extra_fields: bool = False) -> dict:
    """The flags that make Coachview embed linked records and calculated fields (as the profile says)."""
    params = {}
    if profile["include_relations"]:
        params[PARAM_RELATIONS] = "true"
    if extra_fields and profile["include_extra_fields"]:
        params[PARAM_EXTRA_FIELDS] = "true"
    return params


def resource_path(template: str, record_id: str) -> str:
    return template.replace("{id}", record_id)


# --- write-back bodies (the profile names the keys; off when the entry is null) ---


def booking_status_body(profile: ProfileView, *, confirmed: bool, text: str) -> dict | None:
    endpoint = profile["writeback_booked"]
    if not endpoint:
        return None
    fields = endpoint["fields"]
    return {fields["confirmed"]: confirmed, fields["text"]: text[:STATUS_TEXT_MAX]}


def payment_status_body(profile: ProfileView, *, paid: bool, text: str, paid_on: date | None) -> dict | None:
    endpoint = profile["writeback_paid"]
    if not endpoint:
        return None
    fields = endpoint["fields"]
    return {
        fields["paid"]: paid,
        fields["text"]: text[:STATUS_TEXT_MAX],
        fields["date"]: paid_on.isoformat() if paid_on else None,
    }


def volatile_paths(profile: ProfileView) -> list[str]:
    """What changes without the invoice changing: the audit trail and our own write-back fields."""
    audit = profile.field("changed").rpartition(".")[0] or profile.field("changed")
    paths = [audit, profile.field("etag")]
    for key in ("writeback_booked", "writeback_paid"):
        endpoint = profile[key]
        if endpoint:
            paths.extend(endpoint["fields"].values())
    # Coachview's own status fields, whatever the write-back is set to (coachview-api.md).
    paths.extend(["bevestigd", "bevestigdOmschrijving", "betaald", "betaaldOmschrijving", "betaaldDatum"])
    return paths


def content(record: dict, profile: ProfileView) -> dict:
    """The record without its volatile fields, for change detection."""
    return path_without(record, volatile_paths(profile))


def etag(record: dict, profile: ProfileView) -> str:
    value = path_get(record, profile.field("etag"))
    return "" if value is None else str(value)
