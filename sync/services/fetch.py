"""Incremental fetch of Coachview's invoices and debtors into `sync` (frugal: 5,000 calls a day).

Which resources and fields are read is the Coachview profile's (`CoachviewProfile`); how the change
times are walked is `fetch_walk`; how records are stored is `fetch_store`.
"""

import hashlib
import logging
from dataclasses import dataclass
from datetime import datetime

from django.db import transaction
from django.db.models import OuterRef, Subquery

from coupling.coachview import api
from coupling.coachview.client import CoachviewClient, CoachviewError
from coupling.coachview.profile import ProfileView
from coupling.models import CoachviewProfile
from sync.errorcatalogue.reasons import worded_reason
from sync.models import Debtor, ExportState, FetchWatermark, Invoice, InvoiceExport, InvoicePdf, JobRun
from sync.services.administration import current_administration, current_source
from sync.services.export_state import state_move
from sync.services.fetch_store import StoreCounts, debtors_store, invoices_store, related_read
from sync.services.fetch_walk import ChangedWalk, WalkStopped
from sync.services.jobruns import job_run_recorded

logger = logging.getLogger(__name__)


@dataclass
class FetchResult(StoreCounts):
    exports_created: int = 0
    calls: int = 0
    partial: bool = False  # the deadline came first; the rest is read next run
    stopped: str = ""  # why the run could not go on (a Coachview error)
    coarsened: str = ""  # Coachview compared change times coarser than the profile says (ms → s → date)

    def summary(self) -> str:
        text = (
            f"Fetched {self.invoices_new} new and {self.invoices_updated} updated invoices "
            f"({self.invoices_with_problems} with data problems, {self.invoices_changed_after_export} changed after "
            f"export), {self.debtors} debtors, {self.exports_created} to export; {self.calls} Coachview calls"
        )
        if self.unreadable:
            text += f"; {self.unreadable} records without id skipped"
        if self.coarsened:
            text += f"; Coachview compares change times per {self.coarsened}, the fetch adapted"
        for note in self.notes:
            text += f"; {note}"
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
        profile = CoachviewProfile.load().view
        for resource, store, params in (
            (profile["debtors_path"], debtors_store, api.list_params(profile)),
            (profile["invoices_path"], invoices_store, api.list_params(profile, extra_fields=True)),
        ):
            walk = ChangedWalk(
                client=client,
                profile=profile,
                resource=resource,
                store=lambda page, store=store: store(page, client=client, profile=profile, counts=result),
                deadline=deadline,
                params=params,
            )
            walk.run()
            result.coarsened = result.coarsened or walk.coarsened_to
        _missing_debtors_fetch(client=client, profile=profile, result=result)
    except WalkStopped:
        result.partial = True
    except CoachviewError as exc:
        result.stopped = exc.message
        logger.warning("Coachview fetch stopped: %s", exc.message)
    finally:
        result.calls = client.calls if client else 0
    administration = current_administration()
    if administration:
        result.exports_created = exports_ensure(administration=administration)
    return result


OTHER_SOURCE = "export.other_coachview_environment"


def exports_ensure(*, administration: str) -> int:
    """Give every exportable invoice of the connected Coachview an export row (state `new`) in this
    administration; return how many were added.

    Invoices fetched from another Coachview environment (training, before the switch to live) are
    never exported here: their exports that were not sent yet step aside (`excluded`, with the reason),
    and come back by themselves when that environment is connected again.
    """
    source = current_source()
    waiting = [ExportState.NEW, ExportState.HELD, ExportState.READY]
    mine = InvoiceExport.objects.filter(administration=administration)
    state_move(
        mine.filter(attempts__isnull=True).exclude(invoice__coachview_source=source),
        to=ExportState.EXCLUDED,
        from_states=waiting,
        reasons=[worded_reason(OTHER_SOURCE, "fetched from another Coachview environment")],
    )
    back = mine.filter(invoice__coachview_source=source).with_reason(OTHER_SOURCE)
    state_move(back, to=ExportState.NEW, from_states=[ExportState.EXCLUDED], reasons=[])
    missing = (
        Invoice.objects.exportable().filter(coachview_source=source).exclude(exports__administration=administration)
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
    profile = CoachviewProfile.load().view
    if not profile["pdf_path"]:
        raise CoachviewError(
            "The Coachview profile has no PDF path: Coachview's invoice PDF cannot be fetched.",
            permanent=True,
            code="coachview.pdf_not_configured",
        )
    client = client or CoachviewClient()
    content = client.get_bytes(api.resource_path(profile["pdf_path"], invoice.coachview_id))
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


def _missing_debtors_fetch(*, client, profile: ProfileView, result: FetchResult) -> None:
    """Fetch the debtors that invoices refer to but we do not have, in batches (`where=id=a,b,c`)."""
    mark, _created = FetchWatermark.objects.get_or_create(
        resource=profile["debtors_path"], base_url=client.connection.base_url
    )
    source = client.connection.source
    debtors = Debtor.objects.filter(coachview_source=source)
    unlinked = Invoice.objects.filter(coachview_source=source, debtor__isnull=True).exclude(debtor_coachview_id="")
    wanted = set(unlinked.values_list("debtor_coachview_id", flat=True))
    wanted -= set(debtors.filter(coachview_id__in=wanted).values_list("coachview_id", flat=True))
    # An id Coachview did not return before is asked again only for an invoice stored in this run.
    wanted -= set(mark.not_found) - result.debtor_ids_referenced
    if wanted:
        records = related_read(
            client=client,
            profile=profile,
            path=profile["debtors_path"],
            field_path=profile.field("id"),
            ids=sorted(wanted),
            params=api.list_params(profile),
        )
        debtors_store(records, client=client, profile=profile, counts=result)
    unlinked.update(
        debtor=Subquery(debtors.filter(coachview_id=OuterRef("debtor_coachview_id")).values("pk")[:1])
    )
    missing = set(unlinked.values_list("debtor_coachview_id", flat=True))
    if sorted(missing) != sorted(mark.not_found):
        mark.not_found = sorted(missing)
        mark.save(update_fields=["not_found", "updated_at"])
    if missing:
        logger.warning("Coachview did not return %d debtors that invoices refer to.", len(missing))
