"""The simulated Coachview's state as the API returns it, each invoice with the status writes it received."""

from sandbox.models import CoachviewDebtor, CoachviewInvoice, CoachviewStatusWrite


def dump_coachview() -> dict:
    """{"debiteuren": [...], "facturen": [... each with "status_writes": [{"kind", "body", "at"}]]}."""
    writes: dict[str, list] = {}
    for write in CoachviewStatusWrite.objects.order_by("id"):
        writes.setdefault(write.invoice_id, []).append(
            {"kind": write.kind, "body": write.body, "at": write.at.isoformat()}
        )
    return {
        "debiteuren": [row.data for row in CoachviewDebtor.objects.order_by("changed_at", "id")],
        "facturen": [
            dict(row.data, status_writes=writes.get(row.id, []))
            for row in CoachviewInvoice.objects.order_by("changed_at", "id").defer("pdf")
        ],
    }
