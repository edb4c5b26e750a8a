"""Storing what the fetch read: debtors (with their company's or person's external id) and invoices with lines.

Related records are read in batches (`where=<field>=a,b,c`), never one call per invoice. Reading a
company or person that does not answer never holds anything and never stops the fetch: the debtor's
own external id, then its numbers, are used (contracts.md).
"""

import hashlib
import json
import logging
from dataclasses import dataclass, field

from django.conf import settings
from django.db import transaction

from coupling import clock
from coupling.coachview import api
from coupling.coachview.client import CoachviewClient, CoachviewError
from coupling.coachview.profile import ProfileView
from coupling.coachview.readers import InvoiceData, debtor_read, extern_read, invoice_read, record_id
from coupling.coachview.records import path_get
from sync.models import Debtor, ExportState, Invoice, InvoiceExport, InvoiceLine, InvoicePdf

logger = logging.getLogger(__name__)

DEBTOR_FIELDS = (
    "number",
    "number_external",
    "extern_id",
    "extern_source",
    "name",
    "is_private",
    "vat_number",
    "coc_number",
    "email",
    "phone",
    "iban",
    "bic",
    "account_holder",
    "address1",
    "address2",
    "address3",
    "postcode",
    "city",
    "country",
    "contact",
)
INVOICE_FIELDS = (
    "number",
    "invoice_date",
    "due_date",
    "status",
    "is_credit",
    "debtor_coachview_id",
    "customer_reference",
    "payment_reference",
    "description",
    "currency",
    "total_excl_vat",
    "total_vat",
    "total_incl_vat",
)


@dataclass
class StoreCounts:
    invoices_new: int = 0
    invoices_updated: int = 0
    invoices_changed_after_export: int = 0
    invoices_with_problems: int = 0
    debtors: int = 0
    unreadable: int = 0
    debtor_ids_referenced: set = field(default_factory=set)  # by invoices stored in this run
    notes: list[str] = field(default_factory=list)  # what did not answer but was worked around

    def note(self, text: str) -> None:
        if text not in self.notes:
            self.notes.append(text)


def batches(ids: list[str]):
    size = settings.COACHVIEW_DEBTOR_BATCH
    for start in range(0, len(ids), size):
        yield ids[start : start + size]


def related_read(
    *, client: CoachviewClient, profile: ProfileView, path: str, field_path: str, ids: list[str], params=None
) -> list:
    """Every record of `path` whose `field_path` is one of `ids`, in batches, paged inside a batch."""
    records = []
    for chunk in batches(sorted(set(ids))):
        skip = 0
        while True:
            page = client.get_list(
                path,
                where=api.where_ids(field_path, chunk),
                orderby=api.orderby(profile, "id"),
                skip=skip,
                take=api.MAX_TAKE,
                params=params,
            )
            records.extend(page)
            if len(page) < api.MAX_TAKE:
                break
            skip += api.MAX_TAKE
    return records


def jsonable(record):
    """The record as JSONField can keep it (Decimal → float, exact for two-decimal amounts)."""
    return json.loads(json.dumps(record, default=float))


# --- debtors ---


def debtors_store(records: list, *, client: CoachviewClient, profile: ProfileView, counts: StoreCounts) -> None:
    readings = []
    for record in records:
        data = debtor_read(record, profile)
        if data is None:
            counts.unreadable += 1
            logger.warning("Coachview debtor without id skipped.")
            continue
        readings.append((data, record))
    externals = _externals_read(
        client=client, profile=profile, debtors=[data for data, _record in readings], counts=counts
    )
    for data, record in readings:
        link = externals.get(data.company_id) or externals.get(data.person_id)
        if link is not None:
            data.extern_id, data.extern_source = link
        values = {name: getattr(data, name) for name in DEBTOR_FIELDS}
        values.update(
            data_problem="\n".join(data.problems),
            snapshot=jsonable(record),
            changed_at=data.changed_at.replace(tzinfo=api.timezone(profile)) if data.changed_at else None,
        )
        Debtor.objects.update_or_create(coachview_id=data.coachview_id, defaults=values)
        counts.debtors += 1


def _externals_read(*, client, profile: ProfileView, debtors: list, counts: StoreCounts) -> dict:
    """{company or person id: (externId, externSource)} of the debtors' companies and persons."""
    found = {}
    for path_key, attr in (("companies_path", "company_id"), ("persons_path", "person_id")):
        ids = [getattr(debtor, attr) for debtor in debtors if getattr(debtor, attr)]
        if not ids or not profile[path_key]:
            continue
        try:
            records = related_read(
                client=client, profile=profile, path=profile[path_key], field_path=profile.field("id"), ids=ids
            )
        except CoachviewError as exc:
            counts.note(
                f"{profile[path_key]} did not answer ({exc.message}); the debtors' own numbers were used"
            )
            logger.warning("Coachview %s not read: %s", profile[path_key], exc.message)
            continue
        for record in records:
            extern_id, source = extern_read(record, profile)
            if extern_id and record_id(record, profile):
                found[record_id(record, profile)] = (extern_id, source)
    return found


# --- invoices ---


def content_digest(record: dict, profile: ProfileView) -> str:
    """A checksum of what the invoice says, without what changes by itself (audit trail, our status fields).

    Embedded lines are part of it. ASSUMPTION: lines read from their own resource do not change without
    the invoice's header changing (a final invoice is not edited), so they are read only when it did.
    """
    text = json.dumps(api.content(record, profile), sort_keys=True, default=str)
    return hashlib.sha256(text.encode()).hexdigest()


def invoices_store(records: list, *, client: CoachviewClient, profile: ProfileView, counts: StoreCounts) -> None:
    by_id = {record_id(r, profile): r for r in records}
    existing = {inv.coachview_id: inv for inv in Invoice.objects.filter(coachview_id__in=[i for i in by_id if i])}
    digests = {rid: content_digest(record, profile) for rid, record in by_id.items() if rid}
    changed = [rid for rid, digest in digests.items() if rid not in existing or existing[rid].content_sha256 != digest]
    lines_key = profile["lines_field"] or "lines"
    lines_by_invoice = None if profile.lines_embedded else _lines_read(client=client, profile=profile, ids=changed)
    debtor_ids = [path_get(r, profile.field("debtor_id")) for r in records if isinstance(r, dict)]
    debtors = dict(
        Debtor.objects.filter(coachview_id__in=[d for d in debtor_ids if isinstance(d, str)]).values_list(
            "coachview_id", "pk"
        )
    )
    for record in records:
        coachview_id = record_id(record, profile)
        invoice = existing.get(coachview_id)
        if lines_by_invoice is None:
            lines, stored = None, jsonable(record)
        elif coachview_id in changed:
            lines = lines_by_invoice.get(coachview_id, [])
            stored = jsonable(dict(record, **{lines_key: lines}))  # kept in the snapshot under the lines' key
        else:
            lines = (invoice.snapshot or {}).get(lines_key, []) if invoice else []
            stored = jsonable(dict(record, **{lines_key: lines}))
        data = invoice_read(record, profile, lines=lines)
        if data is None:
            counts.unreadable += 1
            logger.warning("Coachview invoice without id skipped.")
            continue
        _invoice_store(data, stored, digests[coachview_id], invoice, debtors, counts, profile)


def _lines_read(*, client, profile: ProfileView, ids: list) -> dict[str, list]:
    """The lines of these invoices from their own resource, by parent id."""
    parent = profile["lines_parent_field"]
    lines: dict[str, list] = {}
    read = related_read(
        client=client, profile=profile, path=profile["lines_path"], field_path=parent, ids=[i for i in ids if i]
    )
    for line in read:
        owner = path_get(line, parent)
        if isinstance(owner, str):
            lines.setdefault(owner, []).append(line)
    return lines


def _invoice_store(
    data: InvoiceData, snapshot: dict, digest: str, invoice: Invoice | None, debtors: dict, counts, profile
) -> None:
    changed_at = data.changed_at.replace(tzinfo=api.timezone(profile)) if data.changed_at else None
    if invoice is not None and invoice.content_sha256 == digest:
        # Only the audit trail or our own status write-back changed: keep the snapshot current.
        invoice.snapshot, invoice.changed_at = snapshot, changed_at
        invoice.save(update_fields=["snapshot", "changed_at", "fetched_at"])
        return
    is_new = invoice is None
    invoice = invoice or Invoice(coachview_id=data.coachview_id)
    for name in INVOICE_FIELDS:
        setattr(invoice, name, getattr(data, name))
    invoice.debtor_id = debtors.get(data.debtor_coachview_id)
    counts.debtor_ids_referenced.add(data.debtor_coachview_id)
    invoice.data_problem = "\n".join(data.problems)
    invoice.snapshot, invoice.content_sha256, invoice.changed_at = snapshot, digest, changed_at
    invoice.pdf_sha256 = ""  # the PDF may have changed with the invoice (deleted below)
    lines = [
        InvoiceLine(
            sequence=line.sequence,
            description=line.description,
            quantity=line.quantity,
            unit_price=line.unit_price,
            amount_excl_vat=line.amount_excl_vat,
            vat_code=line.vat_code,
            vat_rate=line.vat_rate,
            vat_amount=line.vat_amount,
            gl_account_code=line.gl_account_code,
            cost_center_code=line.cost_center_code,
            period_from=line.period_from,
            period_to=line.period_to,
        )
        for line in data.lines
        if line.amount_excl_vat is not None
    ]
    with transaction.atomic():
        invoice.save()
        if not is_new:
            InvoicePdf.objects.filter(invoice=invoice).delete()
        InvoiceLine.objects.filter(invoice=invoice).delete()
        for line in lines:
            line.invoice = invoice
        InvoiceLine.objects.bulk_create(lines)
        if not is_new:
            # Never re-sent silently: a person decides what an exported invoice's change means.
            changed = InvoiceExport.objects.filter(invoice=invoice, state=ExportState.EXPORTED).update(
                state=ExportState.CHANGED, state_changed_at=clock.now()
            )
            counts.invoices_changed_after_export += changed
    if is_new:
        counts.invoices_new += 1
    else:
        counts.invoices_updated += 1
    if data.problems:
        counts.invoices_with_problems += 1
        logger.warning(
            "Coachview invoice %s has data problems: %s", data.number or data.coachview_id, data.problems
        )
