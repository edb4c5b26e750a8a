"""Reconciliation per month: Coachview's sent invoices against the sales entries Exact holds."""

import calendar
import math
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import ROUND_HALF_UP, Decimal
from uuid import UUID

from django.db import transaction
from django.db.models import Q
from django.utils.translation import gettext as _

from coupling import clock
from coupling.exact import odata
from coupling.exact.errors import ExactError
from mappings.models import CouplingOptions
from sync.models import Invoice, InvoiceExport, Reconciliation, ReconciliationLine

Kind = ReconciliationLine.Kind
CENT = Decimal("0.01")
ZERO = Decimal("0.00")
ENTRIES = "salesentry/SalesEntries"
# Field names from coupling/exact/exact-entities.json (salesentry/SalesEntries).
ENTRY_FIELDS = ["EntryID", "EntryNumber", "YourRef", "Journal", "AmountFC", "VATAmountFC"]
PAGE_SIZE = 60  # exact-entities.json: page_size of salesentry/SalesEntries


def money(value) -> Decimal:
    """Exact's Double as cents (its JSON numbers are binary floats: go through their text)."""
    return Decimal(str(value or 0)).quantize(CENT, rounding=ROUND_HALF_UP)


@dataclass(frozen=True)
class Amounts:
    excl_vat: Decimal
    vat: Decimal
    incl_vat: Decimal


@dataclass
class ExactSide:
    entries: list[dict] = field(default_factory=list)
    complete: bool = True
    note: str = ""


def last_month(today: date) -> tuple[int, int]:
    """The month before `today`'s, as (year, month): the month a reconciliation usually looks at."""
    return (today.year - 1, 12) if today.month == 1 else (today.year, today.month - 1)


def month_range(year: int, month: int) -> tuple[date, date]:
    """The first day of the month and the first day of the next one."""
    last_day = calendar.monthrange(year, month)[1]
    first = date(year, month, 1)
    return first, date.fromordinal(first.toordinal() + last_day)


def journals_for(administration: str) -> list[str]:
    """The sales journal and the credit-note journal chosen in the options (empty: every journal)."""
    options = CouplingOptions.objects.filter(administration=administration).first()
    if options is None:
        return []
    return [code for code in dict.fromkeys([options.sales_journal, options.credit_note_journal]) if code]


def entries_filter(*, year: int, month: int, journals: list[str]) -> str:
    first, after = month_range(year, month)
    text = f"EntryDate ge {odata.datetime_(first)} and EntryDate lt {odata.datetime_(after)}"
    if journals:
        text += " and (" + " or ".join(f"Journal eq {odata.string(code)}" for code in journals) + ")"
    return text


def exact_entries_read(*, client, year: int, month: int, journals: list[str]) -> ExactSide:
    """The month's sales entries, paged within the shared budget; a stop leaves the side incomplete."""
    try:
        rows = client.get_list(ENTRIES, select=ENTRY_FIELDS, filter=entries_filter(year=year, month=month, journals=journals))
    except ExactError as exc:
        # Budget spent, endpoint blocked, not connected: record what we know and say why.
        return ExactSide(complete=False, note=str(exc))
    return ExactSide(entries=rows)


def _entry_amounts(entry: dict) -> Amounts:
    # ASSUMPTION: the header's AmountFC includes VAT and is signed as booked (credit notes negative).
    incl, vat = money(entry.get("AmountFC")), money(entry.get("VATAmountFC"))
    return Amounts(excl_vat=incl - vat, vat=vat, incl_vat=incl)


def _invoice_amounts(invoice: Invoice) -> Amounts:
    return Amounts(excl_vat=invoice.total_excl_vat, vat=invoice.total_vat, incl_vat=invoice.total_incl_vat)


def _entry_uuid(entry: dict) -> UUID | None:
    try:
        return UUID(str(entry.get("EntryID")))
    except ValueError:
        return None


def _line(kind: str, *, invoice=None, entry=None, ours: bool = False, note: str = "") -> ReconciliationLine:
    line = ReconciliationLine(kind=kind, made_by_coupling=ours, note=note[:255])
    if invoice is not None:
        cv = _invoice_amounts(invoice)
        line.invoice, line.invoice_number = invoice, invoice.number
        line.coachview_excl_vat, line.coachview_vat, line.coachview_incl_vat = cv.excl_vat, cv.vat, cv.incl_vat
    if entry is not None:
        ex = _entry_amounts(entry)
        line.entry_id, line.entry_number = _entry_uuid(entry), entry.get("EntryNumber")
        line.journal = str(entry.get("Journal") or "")[:20]
        line.invoice_number = line.invoice_number or str(entry.get("YourRef") or "")[:60]
        line.exact_excl_vat, line.exact_vat, line.exact_incl_vat = ex.excl_vat, ex.vat, ex.incl_vat
    return line


def reconciliation_compare(
    *, invoices: list[Invoice], entries: list[dict], exports: list[InvoiceExport]
) -> list[ReconciliationLine]:
    """The findings: one side only, different amounts, or booked by hand (not made by the coupling)."""
    export_by_entry = {export.entry_id: export for export in exports if export.entry_id}
    by_number = {invoice.number: invoice for invoice in invoices}
    matched: set[int] = set()
    lines = []
    for entry in entries:
        export = export_by_entry.get(_entry_uuid(entry))
        ours = export is not None
        # Our own entries are matched by EntryID; others by YourRef, the key we book the number in.
        # ASSUMPTION: a person booking a Coachview invoice by hand puts its number in YourRef too.
        invoice = by_number.get(export.invoice.number) if ours else by_number.get(str(entry.get("YourRef") or "").strip())
        if invoice is None or invoice.pk in matched:
            if ours:
                note = _("Second entry for this invoice") if invoice else _("Invoice dated in another month")
            else:
                note = _("Booked by hand: the coupling did not make this entry")
            lines.append(_line(Kind.ONLY_EXACT, invoice=export.invoice if ours else None, entry=entry, ours=ours, note=note))
            continue
        matched.add(invoice.pk)
        if _invoice_amounts(invoice) != _entry_amounts(entry):
            note = "" if ours else _("Booked by hand")
            lines.append(_line(Kind.AMOUNT_DIFFERS, invoice=invoice, entry=entry, ours=ours, note=note))
        elif not ours:
            lines.append(_line(Kind.BY_HAND, invoice=invoice, entry=entry, note=_("Booked by hand with this invoice number")))
    exported_ids = {export.invoice_id for export in exports if export.entry_id}
    for invoice in invoices:
        if invoice.pk not in matched:
            note = _("Exported, but not found in this month's entries") if invoice.pk in exported_ids else ""
            lines.append(_line(Kind.ONLY_COACHVIEW, invoice=invoice, note=note))
    return lines


def _totals(values: list[Amounts]) -> Amounts:
    return Amounts(
        excl_vat=sum((v.excl_vat for v in values), ZERO),
        vat=sum((v.vat for v in values), ZERO),
        incl_vat=sum((v.incl_vat for v in values), ZERO),
    )


def reconciliation_run(*, year: int, month: int, client=None, deadline: datetime | None = None) -> Reconciliation:
    """Read the month's entries from Exact (no transaction open), compare, and store the result.

    Past `deadline` Exact is not asked further: the result is stored as incomplete, with the reason."""
    if client is None:
        from coupling.exact.client import ExactClient

        client = ExactClient(deadline=deadline)
    administration = client.administration
    journals = journals_for(administration)
    first, after = month_range(year, month)
    invoices = list(
        Invoice.objects.exportable().filter(
            invoice_date__gte=first, invoice_date__lt=after
        ).order_by("number")
    )
    exact = exact_entries_read(client=client, year=year, month=month, journals=journals)
    # Only the exports this month can involve: its entries, and its invoices (a year of them is large).
    entry_ids = [uuid for uuid in (_entry_uuid(entry) for entry in exact.entries) if uuid]
    exports = list(
        InvoiceExport.objects.filter(administration=administration, entry_id__isnull=False)
        .filter(Q(entry_id__in=entry_ids) | Q(invoice__invoice_date__gte=first, invoice__invoice_date__lt=after))
        .select_related("invoice")
    )
    lines = reconciliation_compare(invoices=invoices, entries=exact.entries, exports=exports) if exact.complete else []
    coachview = _totals([_invoice_amounts(invoice) for invoice in invoices])
    booked = _totals([_entry_amounts(entry) for entry in exact.entries])
    note = exact.note
    if not journals:
        note = (note + " " if note else "") + _("No sales journal chosen: entries of every journal were read.")
    with transaction.atomic():
        reconciliation = Reconciliation.objects.create(
            administration=administration,
            year=year,
            month=month,
            created_at=clock.now(),
            journals=",".join(journals),
            coachview_count=len(invoices),
            coachview_excl_vat=coachview.excl_vat,
            coachview_vat=coachview.vat,
            coachview_incl_vat=coachview.incl_vat,
            exact_count=len(exact.entries),
            exact_excl_vat=booked.excl_vat,
            exact_vat=booked.vat,
            exact_incl_vat=booked.incl_vat,
            complete=exact.complete,
            note=note,
            exact_calls=max(1, math.ceil(len(exact.entries) / PAGE_SIZE)),
        )
        for line in lines:
            line.reconciliation = reconciliation
        ReconciliationLine.objects.bulk_create(lines)
    return reconciliation
