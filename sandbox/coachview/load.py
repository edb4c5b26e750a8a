"""Loading Coachview debtors and invoices (coachview-api.md's file shape) into the simulated Coachview."""

import base64
import binascii

from sandbox.coachview import stamps, store
from sandbox.models import CoachviewDebtor, CoachviewInvoice, CoachviewState


class LoadError(ValueError):
    pass


def load_coachview(document: dict) -> tuple[int, int]:
    """Add or replace (by id) the file's debtors and invoices, stamped as changed now; return the counts."""
    if not isinstance(document, dict):
        raise LoadError('The file must hold one object {"debiteuren": [...], "facturen": [...]}.')
    stamp = stamps.local_now()
    debtors = _records(document, "debiteuren")
    invoices = _records(document, "facturen")
    if CoachviewState.objects.filter(raw=True).exists():
        store.state_set()  # loading the documented shape ends a raw replay
    for record in debtors:
        changed = _stamp(CoachviewDebtor, record, stamp)
        CoachviewDebtor.objects.update_or_create(id=record["id"], defaults={"data": record, "changed_at": changed})
    for record in invoices:
        pdf = record.pop("pdf", None)
        record.pop("status_writes", None)
        try:
            content = base64.b64decode(pdf, validate=True) if pdf else None
        except (binascii.Error, TypeError) as exc:
            raise LoadError(f"Invoice {record['id']}: 'pdf' is not base64.") from exc
        changed = _stamp(CoachviewInvoice, record, stamp)
        CoachviewInvoice.objects.update_or_create(
            id=record["id"], defaults={"data": record, "changed_at": changed, "pdf": content}
        )
    return len(debtors), len(invoices)


def _records(document: dict, key: str) -> list[dict]:
    records = document.get(key) or []
    if not isinstance(records, list):
        raise LoadError(f"'{key}' must be a list.")
    for index, record in enumerate(records):
        if not isinstance(record, dict) or not isinstance(record.get("id"), str) or not record["id"]:
            raise LoadError(f"{key}[{index}] has no string 'id'.")
    return records


def _stamp(model, record: dict, stamp: str) -> str:
    """Stamp as changed at `stamp`; the etag moves on from the stored record's (or the file's)."""
    stored = model.objects.filter(id=record["id"]).values_list("data", flat=True).first()
    previous = store.audit_of(dict(stored)).get("etag") if isinstance(stored, dict) else None
    return store.stamp_changed(record, stamp=stamp, previous_etag=previous)
