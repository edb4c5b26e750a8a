"""Loading Coachview debtors and invoices (coachview-api.md's file shape) into the simulated Coachview."""

import base64
import binascii

from sandbox.coachview.views import local_now
from sandbox.models import CoachviewDebtor, CoachviewInvoice


class LoadError(ValueError):
    pass


def load_coachview(document: dict) -> tuple[int, int]:
    """Add or replace (by id) the file's debtors and invoices, stamped as changed now; return the counts."""
    if not isinstance(document, dict):
        raise LoadError('The file must hold one object {"debiteuren": [...], "facturen": [...]}.')
    stamp = local_now()
    debtors = _records(document, "debiteuren")
    invoices = _records(document, "facturen")
    for record in debtors:
        _stamp(record, stamp)
        CoachviewDebtor.objects.update_or_create(
            id=record["id"], defaults={"data": record, "changed_at": stamp}
        )
    for record in invoices:
        pdf = record.pop("pdf", None)
        record.pop("status_writes", None)
        try:
            content = base64.b64decode(pdf, validate=True) if pdf else None
        except (binascii.Error, TypeError) as exc:
            raise LoadError(f"Invoice {record['id']}: 'pdf' is not base64.") from exc
        _stamp(record, stamp)
        CoachviewInvoice.objects.update_or_create(
            id=record["id"], defaults={"data": record, "changed_at": stamp, "pdf": content}
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


def _stamp(record: dict, stamp: str) -> None:
    audit = record.get("audittrail") if isinstance(record.get("audittrail"), dict) else {}
    audit.setdefault("aangemaaktDatumTijd", stamp)
    audit["gewijzigdDatumTijd"] = stamp
    record["audittrail"] = audit
