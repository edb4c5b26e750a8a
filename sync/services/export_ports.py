"""The export's calls into the other parts (mappings, catalogue, Coachview), in one place.

Each is a small function so the export reads straight and tests can replace one seam at a time.
"""

import logging
from datetime import date
from decimal import Decimal
from typing import Any

from django.utils import timezone

from sync.errorcatalogue.reasons import Reason, worded_reason
from sync.models import Invoice, InvoiceExport

logger = logging.getLogger(__name__)


def coupling_options(*, administration: str) -> Any:
    """The options of contracts.md for this administration (mappings.CouplingOptions)."""
    from mappings.models import CouplingOptions

    return CouplingOptions.for_administration(administration)


class LineResolver:
    """Coachview line → Exact GL account ID, VAT code (as Exact spells it), rate and cost centre: the
    `exact_payloads.LineTerms` the payload builder asks for.

    Built once per run on the mappings' resolver; an unusable mapping raises PayloadError (held),
    which the pre-flight normally caught already.
    """

    def __init__(self, *, administration: str):
        from mappings.resolver import MappingResolver

        self.mappings = MappingResolver(administration=administration)

    def _resolve(self, kind: str, line, field: str):
        from mappings.models import MappingKind
        from sync.services.exact_payloads import PayloadError

        resolution = self.mappings.resolve(getattr(MappingKind, kind), getattr(line, field), on=line.invoice.invoice_date)
        if not resolution.ok:
            raise PayloadError(resolution.problem_code, f"line {line.sequence}: {getattr(line, field)}")
        return resolution

    def gl_account_id(self, line) -> str:
        return str(self._resolve("GL_ACCOUNT", line, "gl_account_code").exact_id)

    def gl_account_code(self, line) -> str:
        return self._resolve("GL_ACCOUNT", line, "gl_account_code").exact_code.strip()

    def vat_code(self, line) -> str:
        return self._resolve("VAT_CODE", line, "vat_code").exact_code

    def vat_rate(self, line) -> Decimal:
        entry = self._resolve("VAT_CODE", line, "vat_code").entry
        return Decimal(entry.percentage) if entry is not None else Decimal("0")

    def cost_center(self, line) -> str | None:
        return self._resolve("COST_CENTER", line, "cost_center_code").exact_code or None


def line_resolver(*, administration: str) -> LineResolver:
    return LineResolver(administration=administration)


def debtor_code(*, debtor, options) -> str:
    """The Exact relation code for a debtor (source order and prefix), unpadded; raises PayloadError."""
    from sync.services.debtor_codes import DebtorCodeInvalid, debtor_exact_code
    from sync.services.exact_payloads import PayloadError
    from sync.services.preflight import coachview_settings_load

    if debtor is None:
        raise PayloadError("preflight.debtor_missing")
    settings = coachview_settings_load()
    try:
        code = debtor_exact_code(
            debtor=debtor, options=options, source_order=settings.source_order, extern_source=settings.extern_source
        )
    except DebtorCodeInvalid as exc:
        raise PayloadError("preflight.debtor_code_invalid", f"{exc.code} ({exc.reason})") from exc
    return code.strip()


def coupling_started() -> date | None:
    """The day the Exact connection was made: invoices dated before it may have been booked by hand."""
    from coupling.models import ExactConnection

    connection = ExactConnection.objects.first()
    if connection is None or connection.connected_at is None:
        return None
    return timezone.localdate(connection.connected_at)


def preflight_all(
    *, administration: str, exact_accounts: dict | None = None, closed_periods: set | None = None
) -> None:
    """Move `new`, `held` and `ready` exports of this administration to `ready` or `held` (no Exact calls)."""
    from sync.services.preflight import exports_preflight

    exports_preflight(administration=administration, exact_accounts=exact_accounts, closed_periods=closed_periods)


def period_closed_reason(year: int, period: int) -> dict:
    """The held reason for an invoice in a period Exact refused as closed."""
    from sync.services.preflight_reasons import period_closed_reason as closed_reason

    return closed_reason(year=year, period=period)


def preflight_reasons(*, export: InvoiceExport, exact_accounts: dict | None = None) -> list[dict]:
    """Every reason this invoice would be held, as `{"code", "message", "values"}` dicts."""
    from sync.services.preflight import invoice_preflight

    return [_as_reason(found) for found in invoice_preflight(export=export, exact_accounts=exact_accounts)]


def invoice_pdf(*, invoice: Invoice) -> bytes | None:
    """The invoice's PDF as Coachview sent it, fetched (and kept) when we do not have it yet."""
    from sync.services.fetch import invoice_pdf_fetch

    return invoice_pdf_fetch(invoice=invoice) or None


def attempt_catalogue_code(*, texts: list[str]) -> str:
    """The catalogue code of the first message that has an entry (for the attempt row; counts nothing)."""
    from sync.errorcatalogue.matching import catalogue_match

    return next((m.code for m in catalogue_match("\r\n".join(texts)) if m.code), "")


def failure_reasons(*, texts: list[str], export: InvoiceExport) -> list[dict]:
    """Exact's refusal matched to the catalogue; unexplained messages are counted for support."""
    from sync.errorcatalogue.matching import failure_record

    matches = failure_record(text="\r\n".join(texts), invoice_number=export.invoice.number)
    return [match.as_reason() for match in matches] or [worded_reason(None, "; ".join(texts))]


def booking_status_written(*, export: InvoiceExport) -> None:
    """Tell Coachview the booking result (the catalogue's short title when held or failed); never blocks."""
    try:
        from sync.errorcatalogue.matching import catalogue_entry
        from sync.services.writeback import booking_status_write

        title = None
        code = next((r.get("code") for r in export.reasons or [] if r.get("code")), None)
        if export.state != "exported" and code:
            entry = catalogue_entry(code)
            title = entry.title(export.reasons[0].get("values") or {}) if entry else None
        booking_status_write(export=export, title=title)
    except Exception:  # noqa: BLE001
        logger.exception("booking status write-back of export %s failed; it is retried later", export.pk)


def writebacks_flushed(*, deadline=None) -> None:
    """Retry earlier write-backs that failed, before the run ends."""
    try:
        from sync.services.writeback import writebacks_flush

        writebacks_flush(deadline=deadline)
    except Exception:  # noqa: BLE001
        logger.exception("write-back flush failed; the next run retries")


def _as_reason(reason: Any) -> Reason:
    if isinstance(reason, dict):
        return Reason(code=reason.get("code", ""), values=reason.get("values", {}), message=reason.get("message", ""))
    return Reason(
        code=getattr(reason, "code", ""),
        values=dict(getattr(reason, "values", {}) or {}),
        message=str(getattr(reason, "message", "") or ""),
    )


def money(value: Any) -> Decimal | None:
    """An amount from Exact's JSON (a number) as cents."""
    if value is None:
        return None
    return Decimal(str(value)).quantize(Decimal("0.01"))
