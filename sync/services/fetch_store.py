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
from django.db import DatabaseError, transaction

from coupling.coachview import api
from coupling.coachview.client import CoachviewClient, CoachviewError
from coupling.coachview.profile import ProfileView
from coupling.coachview.readers import InvoiceData, debtor_read, extern_read, invoice_read, record_id
from coupling.coachview.records import path_get
from sync.models import Debtor, ExportState, Invoice, InvoiceExport, InvoiceLine, InvoicePdf
from sync.services.export_state import state_move
from sync.services.fetch_fit import (
    Fit,
    country_fit,
    debtor_labels,
    invoice_labels,
    line_labels,
    text_clean,
    values_fit,
)

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


class RecordUnstorable(Exception):
    """A record could not be stored, not even as held: the fetch stops before it (nothing is skipped)."""


def record_key(coachview_id: str) -> str:
    """The id as our key: a longer id than the column holds is kept as its checksum (and held as unfit)."""
    if len(coachview_id) <= Invoice._meta.get_field("coachview_id").max_length:
        return coachview_id
    return "sha256:" + hashlib.sha256(coachview_id.encode()).hexdigest()[:56]


def saved(write, *, what: str, quarantine) -> bool:
    """`write()` in a savepoint; on a database error `quarantine()` keeps the record as held (False).

    One record the database refuses never aborts the others. When even the quarantine fails, the
    fetch stops before this record, so the watermark never passes it.
    """
    try:
        with transaction.atomic():
            write()
        return True
    except DatabaseError as exc:
        logger.error("Coachview %s could not be stored (%s); kept as held with its raw record.", what, exc)
    try:
        with transaction.atomic():
            quarantine()
    except DatabaseError as exc:
        logger.error("Coachview %s could not be stored, not even as held: %s", what, exc)
        raise RecordUnstorable(f"Coachview {what} could not be stored: {exc}") from exc
    return False


UNSTORABLE = "preflight.record_unstorable"


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
    """The record as JSONField can keep it (Decimal → float, exact for two-decimal amounts; no NUL)."""
    return text_clean(json.loads(json.dumps(record, default=float)))


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
    labels = debtor_labels(profile)
    for data, record in readings:
        link = externals.get(data.company_id) or externals.get(data.person_id)
        if link is not None:
            data.extern_id, data.extern_source = link
        _debtor_store(data, record, labels=labels, profile=profile, source=client.connection.source)
        counts.debtors += 1


def _debtor_store(data, record: dict, *, labels: dict, profile: ProfileView, source: str) -> None:
    fit = Fit()
    key = record_key(data.coachview_id)
    if key != data.coachview_id:
        fit.refuse("preflight.value_too_long", f"{profile['debtors_path']}.{profile.field('id')}", data.coachview_id)
    values = values_fit(Debtor, {name: getattr(data, name) for name in DEBTOR_FIELDS}, labels=labels, fit=fit)
    values["country"] = country_fit(values["country"], label=labels["country"], fit=fit)
    values.update(
        contact=text_clean(data.contact),
        data_problem="\n".join(data.problems),
        data_unfit=fit.unfit,
        data_notes="\n".join(fit.notes),
        snapshot=jsonable(record),
        changed_at=data.changed_at.replace(tzinfo=api.timezone(profile)) if data.changed_at else None,
    )
    what = f"debtor {shown_id(data.number, data.coachview_id)}"
    saved(
        lambda: Debtor.objects.update_or_create(coachview_source=source, coachview_id=key, defaults=values),
        what=what,
        quarantine=lambda: Debtor.objects.update_or_create(
            coachview_source=source,
            coachview_id=key,
            defaults={"name": values["name"], "number": values["number"], "snapshot": values["snapshot"],
                      "data_unfit": [{"code": UNSTORABLE, "field": "", "value": shown_id(data.number, data.coachview_id)}], "data_notes": ""},
        ),
    )


def shown_id(number, coachview_id) -> str:
    return repr(str(number or coachview_id)[:80])


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
    keys = [record_key(i) for i in by_id if i]
    source = client.connection.source
    existing = {
        inv.coachview_id: inv for inv in Invoice.objects.filter(coachview_source=source, coachview_id__in=keys)
    }
    digests = {rid: content_digest(record, profile) for rid, record in by_id.items() if rid}
    changed = [
        rid for rid, digest in digests.items()
        if record_key(rid) not in existing or existing[record_key(rid)].content_sha256 != digest
    ]
    lines_key = profile["lines_field"] or "lines"
    lines_by_invoice = None if profile.lines_embedded else _lines_read(client=client, profile=profile, ids=changed)
    debtor_ids = [path_get(r, profile.field("debtor_id")) for r in records if isinstance(r, dict)]
    debtors = dict(
        Debtor.objects.filter(
            coachview_source=source, coachview_id__in=[record_key(d) for d in debtor_ids if isinstance(d, str)]
        ).values_list(
            "coachview_id", "pk"
        )
    )
    for record in records:
        coachview_id = record_id(record, profile)
        invoice = existing.get(record_key(coachview_id)) if coachview_id else None
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
        _invoice_store(data, stored, digests[coachview_id], invoice, debtors, counts, profile, source)


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
    data: InvoiceData, snapshot: dict, digest: str, invoice: Invoice | None, debtors: dict, counts, profile, source: str
) -> None:
    changed_at = data.changed_at.replace(tzinfo=api.timezone(profile)) if data.changed_at else None
    if invoice is not None and invoice.content_sha256 == digest:
        # Only the audit trail or our own status write-back changed: keep the snapshot current.
        invoice.snapshot, invoice.changed_at = snapshot, changed_at
        invoice.save(update_fields=["snapshot", "changed_at", "fetched_at"])
        return
    is_new = invoice is None
    key = (source, record_key(data.coachview_id))
    fit = Fit()
    if key[1] != data.coachview_id:
        fit.refuse("preflight.value_too_long", f"{profile['invoices_path']}.{profile.field('id')}", data.coachview_id)
    values = values_fit(Invoice, {name: getattr(data, name) for name in INVOICE_FIELDS}, labels=invoice_labels(profile), fit=fit)
    lines = [
        InvoiceLine(**values_fit(InvoiceLine, _line_values(line), labels=line_labels(profile, line.sequence), fit=fit))
        for line in data.lines
        if line.amount_excl_vat is not None
    ]
    lines = [line for line in lines if line.amount_excl_vat is not None]  # an overflowing amount is held
    values.update(
        debtor_id=debtors.get(record_key(data.debtor_coachview_id)) if data.debtor_coachview_id else None,
        data_problem="\n".join(data.problems),
        data_unfit=fit.unfit,
        data_notes="\n".join(fit.notes),
        snapshot=snapshot,
        content_sha256=digest,
        changed_at=changed_at,
        pdf_sha256="",  # the PDF may have changed with the invoice (deleted below)
    )
    counts.debtor_ids_referenced.add(data.debtor_coachview_id)
    what = f"invoice {shown_id(data.number, data.coachview_id)}"
    stored = saved(
        lambda: _invoice_write(key, values, lines, is_new, counts),
        what=what,
        quarantine=lambda: _invoice_write(key, _quarantined(values, what), [], is_new, counts),
    )
    if is_new:
        counts.invoices_new += 1
    else:
        counts.invoices_updated += 1
    if data.problems or fit.unfit or not stored:
        counts.invoices_with_problems += 1
        logger.warning(
            "Coachview %s has data problems: %s", what, data.problems + [u["field"] for u in fit.unfit] or ["not stored"]
        )


def _line_values(line) -> dict:
    return {
        "sequence": line.sequence,
        "description": line.description,
        "quantity": line.quantity,
        "unit_price": line.unit_price,
        "amount_excl_vat": line.amount_excl_vat,
        "vat_code": line.vat_code,
        "vat_rate": line.vat_rate,
        "vat_amount": line.vat_amount,
        "gl_account_code": line.gl_account_code,
        "cost_center_code": line.cost_center_code,
        "period_from": line.period_from,
        "period_to": line.period_to,
    }


def _quarantined(values: dict, what: str) -> dict:
    """What is kept of an invoice the database refused: who it is, its raw record, and why it is held."""
    kept = {name: values[name] for name in ("number", "status", "debtor_id", "debtor_coachview_id", "snapshot",
                                            "content_sha256", "changed_at", "pdf_sha256")}
    shown = what.split(" ", 1)[-1]  # the number or id, without our English word for the record
    return dict(kept, data_unfit=[{"code": UNSTORABLE, "field": "", "value": shown}], data_problem="", data_notes="")


def _invoice_write(key: tuple[str, str], values: dict, lines: list, is_new: bool, counts) -> None:
    source, coachview_id = key
    invoice, _created = Invoice.objects.update_or_create(
        coachview_source=source, coachview_id=coachview_id, defaults=values
    )
    if not is_new:
        InvoicePdf.objects.filter(invoice=invoice).delete()
    InvoiceLine.objects.filter(invoice=invoice).delete()
    for line in lines:
        line.invoice = invoice
    InvoiceLine.objects.bulk_create(lines)
    if not is_new:
        # Never re-sent silently: a person decides what an exported invoice's change means.
        exports = InvoiceExport.objects.filter(invoice=invoice)
        changed = state_move(exports, to=ExportState.CHANGED, from_states=[ExportState.EXPORTED])
        counts.invoices_changed_after_export += changed
