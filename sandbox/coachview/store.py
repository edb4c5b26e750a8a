"""The simulated Coachview's state: which dialect it speaks (or a recorded tenant), and changing a record.

A change stamps `auditTrail.gewijzigdDatumTijd` with the local time to the millisecond and moves the
integer `auditTrail.etag` on, as Coachview does; the record keeps one key `auditTrail` whatever the case
of the key it came with.
"""

from django.conf import settings

from sandbox.coachview import stamps
from sandbox.coachview.dialects import DEFAULT
from sandbox.models import CoachviewState

AUDIT = "auditTrail"
AUDIT_KEYS = ("aangemaaktDatumTijd", "aangemaaktDoor", "gewijzigdDatumTijd", "gewijzigdDoor", "etag")


def state() -> CoachviewState:
    """The seeded dialect or the raw replay; `default` before anything was seeded."""
    return CoachviewState.objects.order_by("id").first() or CoachviewState(dialect=DEFAULT)


def state_set(*, dialect: str = DEFAULT, raw: bool = False, where_precision: str | None = None, openapi=None) -> None:
    CoachviewState.objects.all().delete()
    CoachviewState.objects.create(
        dialect=dialect,
        raw=raw,
        where_precision=where_precision or settings.SANDBOX_COACHVIEW_WHERE_PRECISION,
        openapi=openapi,
    )


def precision_of(current: CoachviewState) -> str:
    """The compare precision: a recorded tenant's own, else the setting (read per request)."""
    return current.where_precision if current.raw else settings.SANDBOX_COACHVIEW_WHERE_PRECISION


def audit_of(record: dict) -> dict:
    """The record's audit trail under the one key `auditTrail`, merged from any case variant of it."""
    merged: dict = {}
    for key in [k for k in record if isinstance(k, str) and k.lower() == AUDIT.lower()]:
        value = record.pop(key)
        if isinstance(value, dict):
            for name, item in value.items():
                known = next((k for k in AUDIT_KEYS if k.lower() == str(name).lower()), name)
                merged[known] = item
    record[AUDIT] = merged
    return merged


def stamp_changed(record: dict, *, stamp: str | None = None, previous_etag=None) -> str:
    """Mark the record as changed now (or at `stamp`): change time and etag; returns the stored stamp."""
    audit = audit_of(record)
    stamp = stamp or stamps.local_now()
    audit.setdefault("aangemaaktDatumTijd", stamp)
    audit["gewijzigdDatumTijd"] = stamp
    audit["etag"] = stamps.next_etag(previous_etag if previous_etag is not None else audit.get("etag"))
    return stamps.normal(stamp)


def row_changed(row) -> None:
    """A stored CoachviewInvoice/CoachviewDebtor changed in Coachview (a status write does this too)."""
    row.changed_at = stamp_changed(row.data)
