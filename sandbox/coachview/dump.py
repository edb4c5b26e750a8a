"""The simulated Coachview's state as its API returns it, each invoice with the status writes it received."""

from sandbox.coachview import dialects, raw, store
from sandbox.models import CoachviewDebtor, CoachviewInvoice, CoachviewStatusWrite


def dump_coachview() -> dict:
    """{"dialect", "debiteuren": [...], "facturen": [... each with "status_writes": [{"kind", "body", "at"}]]}.

    A recorded tenant (raw replay) shows its resources verbatim instead, with the writes it received.
    """
    current = store.state()
    if current.raw:
        return raw.dump_raw()
    dialect = dialects.dialect_get(current.dialect)
    writes: dict[str, list] = {}
    for write in CoachviewStatusWrite.objects.order_by("id"):
        writes.setdefault(write.invoice_id, []).append(
            {"kind": write.kind, "body": write.body, "at": write.at.isoformat()}
        )
    return {
        "dialect": dialect.name,
        "debiteuren": [
            dialects.debtor_out(row.data, dialect) for row in CoachviewDebtor.objects.order_by("changed_at", "id")
        ],
        "facturen": [
            dict(dialects.invoice_out(row.data, dialect), status_writes=writes.get(row.id, []))
            for row in CoachviewInvoice.objects.order_by("changed_at", "id").defer("pdf")
        ],
    }
