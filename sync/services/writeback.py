"""Telling Coachview the booking and payment result of each invoice: once per change, retried until delivered."""

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal

from coupling import clock
from coupling.coachview import api
from coupling.coachview.client import CoachviewClient, CoachviewError
from coupling.models import CoachviewProfile
from sync.models import ExportState, InvoiceExport, PaymentStatus, StatusWriteback
from sync.services.administration import current_source

logger = logging.getLogger(__name__)

# The profile entry that says where (and whether) each kind is written.
PROFILE_KEYS = {
    StatusWriteback.Kind.BOOKING: "writeback_booked",
    StatusWriteback.Kind.PAYMENT: "writeback_paid",
}
# After Coachview refused a write for good (400, 404), try again only after this pause.
PERMANENT_RETRY_PAUSE = timedelta(hours=24)
# A write-back answered 404 for this many different invoices (that we fetched, so they exist) since its
# last success is an endpoint the tenant does not have: it is switched off (one 404 is not).
NOT_FOUND_SWITCH_OFF = 3
HELD_TEXT = "Niet geboekt in Exact Online: actie nodig"


@dataclass
class WritebackResult:
    delivered: int = 0
    failed: int = 0
    pending: int = 0
    stopped: str = ""

    def summary(self) -> str:
        text = f"Status write-back: {self.delivered} delivered, {self.failed} failed, {self.pending} still pending"
        return text + (f"; stopped: {self.stopped.rstrip('.')}." if self.stopped else ".")


def _euro(amount: Decimal) -> str:
    text = f"{amount.quantize(Decimal('0.01')):,.2f}"
    return "€ " + text.replace(",", "_").replace(".", ",").replace("_", ".")


def _profile() -> CoachviewProfile:
    return CoachviewProfile.load()


def booking_status_body(
    *, export: InvoiceExport, title: str | None = None, profile: CoachviewProfile | None = None
) -> dict | None:
    """What Coachview should show as booking status for this export (None: nothing to say, or write-back off)."""
    view = (profile or _profile()).view
    if export.state == ExportState.EXPORTED:
        number = f", boekstuk {export.entry_number}" if export.entry_number else ""
        return api.booking_status_body(view, confirmed=True, text=f"Geboekt in Exact Online{number}")
    if export.state in (ExportState.HELD, ExportState.FAILED):
        return api.booking_status_body(view, confirmed=False, text=title or HELD_TEXT)
    return None


def payment_status_body(
    *, export: InvoiceExport, delivered_before: bool, text: str | None = None, profile: CoachviewProfile | None = None
) -> dict | None:
    """What Coachview should show as payment status (an 'open' is said only after something else was)."""
    view = (profile or _profile()).view
    status = export.payment_status
    if text and status in (PaymentStatus.PAID, PaymentStatus.PARTIAL, PaymentStatus.OPEN):
        # The payment poll's own description (e.g. a written-off difference); "open" still only after another.
        if status == PaymentStatus.OPEN and not delivered_before:
            return None
        paid = status == PaymentStatus.PAID
        return api.payment_status_body(view, paid=paid, text=text, paid_on=export.paid_date if paid else None)
    if status == PaymentStatus.PAID:
        day = f" op {export.paid_date:%d-%m-%Y}" if export.paid_date else ""
        return api.payment_status_body(
            view, paid=True, text=f"Betaald{day} (Exact Online)", paid_on=export.paid_date
        )
    if status == PaymentStatus.PARTIAL:
        rest = (
            f", openstaand {_euro(export.amount_outstanding)}"
            if export.amount_outstanding is not None
            else ""
        )
        return api.payment_status_body(view, paid=False, text=f"Deels betaald{rest} (Exact Online)", paid_on=None)
    if status == PaymentStatus.OPEN and delivered_before:
        return api.payment_status_body(view, paid=False, text="Openstaand in Exact Online", paid_on=None)
    return None


def booking_status_write(
    *, export: InvoiceExport, title: str | None = None, client: CoachviewClient | None = None
) -> bool:
    """Deliver the export's booking status to Coachview when it changed; never raises. True when nothing is pending."""
    profile = _profile()
    if profile.writeback_endpoint(PROFILE_KEYS[StatusWriteback.Kind.BOOKING]) is None:
        return True  # off: the console still shows the status
    if export.invoice.coachview_source != current_source():
        return True  # never written to another Coachview environment than the invoice came from
    body = booking_status_body(export=export, title=title, profile=profile)
    record = _record(export, StatusWriteback.Kind.BOOKING, create=body is not None)
    return True if record is None else _want(record, body, client)


def payment_status_write(
    *, export: InvoiceExport, text: str | None = None, client: CoachviewClient | None = None
) -> bool:
    """Deliver the export's payment status to Coachview when it changed; never raises. True when nothing is pending."""
    profile = _profile()
    if profile.writeback_endpoint(PROFILE_KEYS[StatusWriteback.Kind.PAYMENT]) is None:
        return True  # off: the console still shows the status
    if export.invoice.coachview_source != current_source():
        return True  # never written to another Coachview environment than the invoice came from
    record = _record(export, StatusWriteback.Kind.PAYMENT, create=False)
    body = payment_status_body(
        export=export, delivered_before=bool(record and record.delivered is not None), text=text, profile=profile
    )
    record = record or _record(export, StatusWriteback.Kind.PAYMENT, create=body is not None)
    return True if record is None else _want(record, body, client)


def writebacks_flush(
    *, deadline: datetime | None = None, client: CoachviewClient | None = None
) -> WritebackResult:
    """Retry every pending status write (oldest first) until done, the deadline, or Coachview stops us."""
    result = WritebackResult()
    now = clock.now()
    profile = _profile()
    kinds_on = [kind for kind, key in PROFILE_KEYS.items() if profile.writeback_endpoint(key) is not None]
    pending = StatusWriteback.objects.filter(
        pending__isnull=False, kind__in=kinds_on, invoice__coachview_source=current_source()
    )
    due = (
        pending
        .exclude(retry_after__gt=now)
        .select_related("invoice")
    )
    for record in due.order_by("updated_at", "id"):
        if deadline is not None and clock.now() >= deadline:
            break
        try:
            client = client or CoachviewClient(deadline=deadline)
        except CoachviewError as exc:
            result.stopped = exc.message
            break
        outcome = _deliver(record, client)
        if outcome is True:
            result.delivered += 1
        else:
            result.failed += 1
            if outcome is not False and not _about_this_record(outcome):
                result.stopped = outcome.message  # the connection or the budget, not this invoice
                break
    result.pending = pending.count()
    return result


def _record(export: InvoiceExport, kind: str, *, create: bool) -> StatusWriteback | None:
    """The invoice's write-back record of this kind; made only when there is something to say."""
    if create:
        record, _created = StatusWriteback.objects.get_or_create(invoice_id=export.invoice_id, kind=kind)
    else:
        record = StatusWriteback.objects.filter(invoice_id=export.invoice_id, kind=kind).first()
    if record is not None:
        record.invoice = export.invoice
    return record


def _want(record: StatusWriteback, body: dict | None, client: CoachviewClient | None) -> bool:
    if body is None or body == record.delivered:
        if record.pending is not None and body == record.delivered:
            record.pending = None  # it went back to what Coachview already shows
            record.save(update_fields=["pending", "updated_at"])
        return record.pending is None
    if body != record.pending:
        record.pending, record.attempts, record.retry_after = body, 0, None
        record.save(update_fields=["pending", "attempts", "retry_after", "updated_at"])
    try:
        client = client or CoachviewClient()
    except CoachviewError as exc:
        _failed(record, exc)
        return False
    return _deliver(record, client) is True


def _deliver(record: StatusWriteback, client: CoachviewClient) -> bool | CoachviewError:
    """One PUT of the pending body; the record is updated either way (True on success)."""
    body = record.pending
    key = PROFILE_KEYS[record.kind]
    profile = _profile()
    endpoint = profile.writeback_endpoint(key)
    if endpoint is None:
        return CoachviewError("The write-back is off.", permanent=True, code="coachview.writeback_off")
    try:
        client.write(endpoint["method"], api.resource_path(endpoint["path"], record.invoice.coachview_id), body)
    except CoachviewError as exc:
        _failed(record, exc)
        _endpoint_check(profile, key, exc, record.invoice.coachview_id)
        return exc
    if profile.writeback_not_found.get(key):
        profile.writeback_not_found.pop(key)
        profile.save(update_fields=["writeback_not_found", "updated_at"])
    record.pending, record.delivered, record.delivered_at = None, body, clock.now()
    record.attempts, record.last_error, record.retry_after = 0, "", None
    record.save(
        update_fields=[
            "pending",
            "delivered",
            "delivered_at",
            "attempts",
            "last_error",
            "retry_after",
            "updated_at",
        ]
    )
    return True


def _failed(record: StatusWriteback, exc: CoachviewError) -> None:
    record.attempts += 1
    record.last_error = exc.message[:1000]
    record.retry_after = (
        clock.now() + PERMANENT_RETRY_PAUSE if exc.permanent and _about_this_record(exc) else None
    )
    record.save(update_fields=["attempts", "last_error", "retry_after", "updated_at"])
    logger.warning("Coachview status write for invoice %s failed: %s", record.invoice, exc.message)


def _endpoint_check(profile: CoachviewProfile, key: str, exc: CoachviewError, invoice_id: str) -> None:
    """A 405, or 404s for several invoices we know exist, mean the tenant has no such endpoint: switch it off."""
    if exc.status == 405:
        writeback_switch_off(profile=profile, key=key, reason=f"Coachview answered 405 (method not allowed): {exc.message}")
    elif exc.status == 404:
        missing = sorted(set(profile.writeback_not_found.get(key, [])) | {invoice_id})
        profile.writeback_not_found[key] = missing
        profile.save(update_fields=["writeback_not_found", "updated_at"])
        if len(missing) >= NOT_FOUND_SWITCH_OFF:
            writeback_switch_off(
                profile=profile,
                key=key,
                reason=f"Coachview answered 404 for {len(missing)} invoices that exist: the endpoint is not there.",
            )


def writeback_switch_off(*, profile: CoachviewProfile, key: str, reason: str) -> None:
    """Stop a write-back the tenant does not have (a health warning says so; the profile is left as it was)."""
    profile.writeback_off[key] = {"reason": reason[:500], "since": clock.now().isoformat()}
    profile.save(update_fields=["writeback_off", "updated_at"])
    logger.warning("Coachview %s switched off: %s", key, reason)


def writeback_switch_on(*, profile: CoachviewProfile, key: str) -> None:
    """A person tries a switched-off write-back again (after fixing the profile or the tenant)."""
    profile.writeback_off.pop(key, None)
    profile.writeback_not_found.pop(key, None)
    profile.save(update_fields=["writeback_off", "writeback_not_found", "updated_at"])


def _about_this_record(exc: CoachviewError) -> bool:
    """A refusal of this one write (bad body, unknown invoice) rather than of the connection as a whole."""
    return exc.status in (400, 404, 409, 422)
