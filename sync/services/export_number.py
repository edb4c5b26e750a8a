"""The same number is not the same invoice.

An entry found in Exact by `YourRef` (the invoice number) is linked to an invoice only when it is that
invoice's entry: the same relation and the same amount (cent-exact), and no other export holds it.
Otherwise the invoice is held with `exact.entry_number_taken`, and a person who checked it decides:
the entry *is* this invoice (link it), or book this invoice under a new number in Exact.
"""

from decimal import Decimal

from sync.errorcatalogue.reasons import Reason, worded_reason
from sync.models import InvoiceExport
from sync.services import export_ports as ports

TAKEN = "exact.entry_number_taken"
Decision = InvoiceExport.Decision


def entry_conflict(export: InvoiceExport, entry: dict, *, account_id: str | None) -> str:
    """"" when `entry` (found by YourRef) is this invoice's entry; otherwise what differs."""
    entry_id = str(entry.get("EntryID") or "").lower()
    others = InvoiceExport.objects.filter(administration=export.administration, entry_id=entry_id or None)
    if entry_id and others.exclude(pk=export.pk).exists():
        return "another_invoice"  # never two exports on one entry, whatever a person decided
    if export.number_decision == Decision.SAME_INVOICE:
        return ""
    total = ports.money(entry.get("AmountFC") if entry.get("AmountFC") is not None else entry.get("AmountDC"))
    if total is not None and total != export.invoice.total_incl_vat:
        return "amount"
    customer = str(entry.get("Customer") or "").lower()
    if customer and customer != str(account_id or "").lower():
        return "relation"
    return ""


def number_taken_reason(export: InvoiceExport, entry: dict, why: str) -> Reason:
    total = ports.money(entry.get("AmountFC") if entry.get("AmountFC") is not None else entry.get("AmountDC"))
    return worded_reason(
        TAKEN,
        f"Exact already has entry {entry.get('EntryNumber')} with number {export.invoice.number} for another "
        f"{'invoice' if why == 'another_invoice' else why}: not linked",
        entry_number=entry.get("EntryNumber"),
        invoice_number=export.invoice.number,
        differs=why,
        exact_amount=str(total if total is not None else ""),
        coachview_amount=str(export.invoice.total_incl_vat or Decimal("0.00")),
    )


def looks_up_by_number(export: InvoiceExport) -> bool:
    """Whether an entry with this invoice's number may be taken for it (not after 'book under a new number')."""
    return export.number_decision != Decision.NEW_NUMBER
