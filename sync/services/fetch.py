"""Incremental fetch of Coachview's invoices and debtors into `sync` (frugal: 5,000 calls a day)."""

import hashlib
import json
import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import OuterRef, Subquery

from coupling import clock
from coupling.coachview import api
from coupling.coachview.client import CoachviewClient, CoachviewError
from sync.models import (
    Debtor,
    ExportState,
    FetchWatermark,
    Invoice,
    InvoiceExport,
    InvoiceLine,
    InvoicePdf,
    JobRun,
)
from sync.services.administration import current_administration
from sync.services.jobruns import job_run_recorded

logger = logging.getLogger(__name__)


@dataclass
class FetchResult:
    invoices_new: int = 0
    invoices_updated: int = 0
    invoices_changed_after_export: int = 0
    invoices_with_problems: int = 0
    debtors: int = 0
    unreadable: int = 0
    exports_created: int = 0
    calls: int = 0
    partial: bool = False  # the deadline came first; the rest is read next run
    debtor_ids_referenced: set = field(default_factory=set)  # by invoices stored in this run
    stopped: str = ""  # why the run could not go on (a Coachview error)

    def summary(self) -> str:
        text = (
            f"Fetched {self.invoices_new} new and {self.invoices_updated} updated invoices "
            f"({self.invoices_with_problems} with data problems, {self.invoices_changed_after_export} changed after "
            f"export), {self.debtors} debtors, {self.exports_created} to export; {self.calls} Coachview calls"
        )
        if self.unreadable:
            text += f"; {self.unreadable} records without id skipped"
        if self.partial:
            text += "; stopped at the deadline, the rest follows next run"
        if self.stopped:
            text += f"; stopped: {self.stopped.rstrip('.')}"
        return text + "."


def invoices_fetch(*, deadline: datetime | None = None, client: CoachviewClient | None = None) -> FetchResult:
    """Read invoices and debtors changed in Coachview since the last run and store them (a JobRun records it)."""
    with job_run_recorded(kind=JobRun.Kind.FETCH) as run:
        result = _fetch(deadline=deadline, client=client)
        run.ok, run.summary = not result.stopped, result.summary()
        run.counts = {
            "new": result.invoices_new, "updated": result.invoices_updated, "calls": result.calls, "stopped": result.stopped
        }
    return result


def _fetch(*, deadline: datetime | None, client: CoachviewClient | None) -> FetchResult:
    result = FetchResult()
    try:
        client = client or CoachviewClient(deadline=deadline)
        _changed_read(
            client=client,
            resource=api.DEBTORS,
            store=lambda page: _debtors_store(page, result),
            deadline=deadline,
            result=result,
        )
        _changed_read(
            client=client,
            resource=api.INVOICES,
            store=lambda page: _invoices_store(page, result),
            deadline=deadline,
            result=result,
        )
        _missing_debtors_fetch(client=client, result=result)
    except CoachviewError as exc:
        result.stopped = exc.message
        logger.warning("Coachview fetch stopped: %s", exc.message)
    finally:
        result.calls = client.calls if client else 0
    administration = current_administration()
    if administration:
        result.exports_created = exports_ensure(administration=administration)
    return result


def exports_ensure(*, administration: str) -> int:
    """Give every sent invoice an export row (state `new`) in this administration; return how many were added."""
    missing = Invoice.objects.filter(status=Invoice.CoachviewStatus.VERZONDEN).exclude(
        exports__administration=administration
    )
    rows = [
        InvoiceExport(invoice_id=pk, administration=administration)
        for pk in missing.values_list("pk", flat=True)
    ]
    InvoiceExport.objects.bulk_create(rows, ignore_conflicts=True)
    return len(rows)


def invoice_pdf_fetch(*, invoice: Invoice, client: CoachviewClient | None = None) -> bytes:
    """The invoice's PDF as Coachview sent it, fetched once and kept (with its sha256)."""
    stored = invoice.pdf_content()
    if stored is not None:
        return stored
    client = client or CoachviewClient()
    content = client.get_bytes(api.INVOICE_PDF.format(id=invoice.coachview_id))
    if not content.startswith(b"%PDF-"):
        raise CoachviewError(
            f"Coachview's PDF of invoice {invoice.number} is not a PDF.",
            permanent=True,
            code="coachview.pdf_invalid",
        )
    invoice.pdf_sha256 = hashlib.sha256(content).hexdigest()
    with transaction.atomic():
        # One upsert (not update_or_create's read, lock and write): this runs once per exported invoice.
        InvoicePdf.objects.bulk_create(
            [InvoicePdf(invoice=invoice, content=content)],
            update_conflicts=True,
            unique_fields=["invoice"],
            update_fields=["content"],
        )
        Invoice.objects.filter(pk=invoice.pk).update(pdf_sha256=invoice.pdf_sha256)
    return content


# --- reading what changed, tie-safe at one-second resolution ---


def _key(record) -> tuple[str, str, str]:
    """(id, change time, digest): the digest catches a second change within the same second."""
    moment = api.changed_moment(record)
    record_id = record.get(api.ID) if isinstance(record, dict) else None
    digest = hashlib.sha256(json.dumps(record, sort_keys=True, default=str).encode()).hexdigest()[:16]
    return (str(record_id), moment.isoformat() if moment else "", digest)


def _changed_read(
    *, client, resource: str, store: Callable[[list], None], deadline, result: FetchResult
) -> None:
    """Read every record of `resource` changed after the watermark, page by page, and move the watermark.

    Pages of `take` ordered by change time, asked with `>` one second before the last second read
    completely; what was read already is skipped by (id, change time, content). A page that is one second
    through and through is read with a shallow `skip` inside that second only, never deep.
    """
    mark, _created = FetchWatermark.objects.get_or_create(
        resource=resource, base_url=client.connection.base_url
    )
    after = mark.after.astimezone(api.COACHVIEW_TIMEZONE).replace(tzinfo=None) if mark.after else None
    seen = {tuple(pair) for pair in mark.seen}
    cursor = after
    take = api.MAX_TAKE
    # ASSUMPTION: a second this far in Coachview's past gets no new records (clocks agree within
    # the margin), so the watermark may sit on it instead of one second before: a crowded last
    # second is then not read again every run.
    settled = clock.now().astimezone(api.COACHVIEW_TIMEZONE).replace(tzinfo=None) - timedelta(
        seconds=settings.COACHVIEW_SETTLED_AFTER_SECONDS
    )

    def edge(complete: datetime) -> datetime:
        return complete if complete <= settled else api.one_second_before(complete)

    def take_in(records: list) -> None:
        fresh = [r for r in records if _key(r) not in seen]
        if fresh:
            store(fresh)
        seen.update(_key(r) for r in records)

    while True:
        if deadline is not None and clock.now() >= deadline:
            result.partial = True
            return
        page = client.get_list(
            resource, where=api.where_changed_after(cursor), orderby=api.orderby_changed(), take=take
        )
        take_in(page)
        times = [t for t in (api.changed_moment(r) for r in page) if t]
        if len(page) < take:
            if times:
                after = edge(max(times))
            _watermark_save(mark, after, seen)
            return
        if not times:
            raise CoachviewError(
                f"Coachview's {resource} have no change time; cannot read incrementally.",
                permanent=True,
                code="coachview.bad_response",
            )
        first, last = min(times), max(times)
        if first < last:
            # Every second before `last` is complete; `last` itself may go on in the next page.
            after = cursor = api.one_second_before(last)
            _watermark_save(mark, after, seen)
            continue
        skip = 0
        while True:
            part = client.get_list(
                resource, where=api.where_changed_at(last), orderby=api.orderby_id(), skip=skip, take=take
            )
            take_in(part)
            if len(part) < take:
                break
            skip += take
        # The crowded second is complete: this run goes on after it; unless it is settled the stored
        # watermark stays one second before it, so a record landing in it later is still seen.
        after, cursor = edge(last), last
        _watermark_save(mark, after, seen)


def _watermark_save(mark: FetchWatermark, after: datetime | None, seen: set) -> None:
    edge = after.isoformat() if after else ""
    mark.after = api.aware(after)
    mark.seen = sorted([list(pair) for pair in seen if pair[1] > edge])
    mark.save(update_fields=["after", "seen", "updated_at"])


# --- storing ---


def _jsonable(record):
    """The record as JSONField can keep it (Decimal → float, exact for two-decimal amounts)."""
    return json.loads(json.dumps(record, default=float))


def _content_digest(record: dict) -> str:
    text = json.dumps(api.invoice_content(record), sort_keys=True, default=str)
    return hashlib.sha256(text.encode()).hexdigest()


def _debtors_store(records: list, result: FetchResult) -> None:
    for record in records:
        data = api.debtor_read(record)
        if data is None:
            result.unreadable += 1
            logger.warning("Coachview debtor without id skipped.")
            continue
        fields = {
            name: getattr(data, name)
            for name in (
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
        }
        fields.update(
            data_problem="\n".join(data.problems),
            snapshot=_jsonable(record),
            changed_at=api.aware(data.changed_at),
        )
        Debtor.objects.update_or_create(coachview_id=data.coachview_id, defaults=fields)
        result.debtors += 1


def _invoices_store(records: list, result: FetchResult) -> None:
    ids = [r.get(api.ID) for r in records if isinstance(r, dict)]
    existing = {inv.coachview_id: inv for inv in Invoice.objects.filter(coachview_id__in=ids)}
    debtors = dict(
        Debtor.objects.filter(
            coachview_id__in=[r.get(api.INVOICE_DEBTOR_ID) for r in records if isinstance(r, dict)]
        ).values_list("coachview_id", "pk")
    )
    for record in records:
        data = api.invoice_read(record)
        if data is None:
            result.unreadable += 1
            logger.warning("Coachview invoice without id skipped.")
            continue
        _invoice_store(data, record, existing.get(data.coachview_id), debtors, result)


def _invoice_store(
    data: api.InvoiceData, record: dict, invoice: Invoice | None, debtors: dict, result
) -> None:
    digest = _content_digest(record)
    snapshot = _jsonable(record)
    if invoice is not None and invoice.content_sha256 == digest:
        # Only the audit trail or our own status write-back changed: keep the snapshot current.
        invoice.snapshot, invoice.changed_at = snapshot, api.aware(data.changed_at)
        invoice.save(update_fields=["snapshot", "changed_at", "fetched_at"])
        return
    is_new = invoice is None
    invoice = invoice or Invoice(coachview_id=data.coachview_id)
    for name in (
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
    ):
        setattr(invoice, name, getattr(data, name))
    invoice.debtor_id = debtors.get(data.debtor_coachview_id)
    result.debtor_ids_referenced.add(data.debtor_coachview_id)
    invoice.data_problem = "\n".join(data.problems)
    invoice.snapshot, invoice.content_sha256 = snapshot, digest
    invoice.changed_at = api.aware(data.changed_at)
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
            result.invoices_changed_after_export += changed
    if is_new:
        result.invoices_new += 1
    else:
        result.invoices_updated += 1
    if data.problems:
        result.invoices_with_problems += 1
        logger.warning(
            "Coachview invoice %s has data problems: %s", data.number or data.coachview_id, data.problems
        )


def _missing_debtors_fetch(*, client, result: FetchResult) -> None:
    """Fetch the debtors that invoices refer to but we do not have, in batches (`where=id=a,b,c`)."""
    mark, _created = FetchWatermark.objects.get_or_create(
        resource=api.DEBTORS, base_url=client.connection.base_url
    )
    unlinked = Invoice.objects.filter(debtor__isnull=True).exclude(debtor_coachview_id="")
    wanted = set(unlinked.values_list("debtor_coachview_id", flat=True))
    wanted -= set(Debtor.objects.filter(coachview_id__in=wanted).values_list("coachview_id", flat=True))
    # An id Coachview did not return before is asked again only for an invoice stored in this run.
    wanted -= set(mark.not_found) - result.debtor_ids_referenced
    ids = sorted(wanted)
    batch = settings.COACHVIEW_DEBTOR_BATCH
    for start in range(0, len(ids), batch):
        chunk = ids[start : start + batch]
        _debtors_store(client.get_list(api.DEBTORS, where=api.where_ids(chunk), take=len(chunk)), result)
    unlinked.update(
        debtor=Subquery(Debtor.objects.filter(coachview_id=OuterRef("debtor_coachview_id")).values("pk")[:1])
    )
    missing = set(unlinked.values_list("debtor_coachview_id", flat=True))
    if sorted(missing) != sorted(mark.not_found):
        mark.not_found = sorted(missing)
        mark.save(update_fields=["not_found", "updated_at"])
    if missing:
        logger.warning("Coachview did not return %d debtors that invoices refer to.", len(missing))
