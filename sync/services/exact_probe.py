"""The go-live check of the connected Exact administration (`exact_probe`, contracts.md "Go-live checks").

It runs every read the product will run, with the product's own queries (so a filter Exact refuses
shows up now, not in the first export), refreshes Exact's lists, and checks what the options, the
mappings and the invoices waiting for export rely on. Blockers are administration-wide; per-mapping
and per-invoice gaps are warnings, because the pre-flight holds those invoices.
"""

from dataclasses import dataclass, field
from uuid import UUID

from django.utils.translation import gettext as _

from coupling import clock
from coupling.exact.client import ExactClient
from coupling.exact.errors import ExactBudgetExhausted, ExactError, ExactNotConnected
from coupling.models import ExactConnection
from mappings.models import CouplingOptions
from sync.models import ExportState, InvoiceExport
from sync.services.exact_probe_checks import (
    Finding,
    debtor_findings,
    journal_findings,
    mapping_findings,
    payment_condition_findings,
    period_findings,
)

# Invoices the check looks at: those the next export runs will pre-flight.
WAITING = [ExportState.NEW, ExportState.HELD, ExportState.READY, ExportState.UNKNOWN]
# At most this many invoices (and their debtors' codes) are checked: enough to find every gap that
# matters before the first export, without spending a day's budget on a large backlog.
SAMPLE = 1000
# A key nobody uses, for the lookups the product runs with keys from Exact (an unknown outcome).
NO_SUCH_ID = UUID(int=0)


@dataclass
class ExactProbeReport:
    reachable: bool = True
    blockers: list[Finding] = field(default_factory=list)
    warnings: list[Finding] = field(default_factory=list)
    confirmed: list[str] = field(default_factory=list)
    reads: list[dict] = field(default_factory=list)  # {"read", "endpoint", "ok", "message"}
    checked_invoices: int = 0

    @property
    def usable(self) -> bool:
        return self.reachable and not self.blockers

    def as_json(self) -> dict:
        return {
            "usable": self.usable,
            "reachable": self.reachable,
            "blockers": [finding.as_json() for finding in self.blockers],
            "warnings": [finding.as_json() for finding in self.warnings],
            "confirmed": self.confirmed,
            "reads": self.reads,
            "checked_invoices": self.checked_invoices,
        }

    def summary(self) -> str:
        if not self.reachable:
            verdict = _("not reachable")
        else:
            verdict = _("usable") if self.usable else _("not usable")
        text = _("Exact go-live check: %(verdict)s; %(blockers)d blockers, %(warnings)d warnings, %(reads)d reads.") % {
            "verdict": verdict, "blockers": len(self.blockers), "warnings": len(self.warnings), "reads": len(self.reads),
        }  # fmt: skip
        problems = self.blockers or self.warnings
        return text + (f" {problems[0].message}" if problems else "")


class _Unreachable(Exception):
    """Exact could not be reached (or the budget is spent): the check stops, exit 2."""


def exact_probe(*, client: ExactClient | None = None) -> ExactProbeReport:
    """Check the connected administration; keep the report on the connection (a usable one passes)."""
    report = ExactProbeReport()
    connection = ExactConnection.load()
    try:
        client = client or ExactClient()
        _probe(client=client, report=report)
    except ExactNotConnected as exc:
        report.reachable = False
        report.blockers.append(Finding("connection.not_connected", str(exc)))
    except _Unreachable as exc:
        report.reachable = False
        report.blockers.append(Finding("golive.exact_unreachable", str(exc)))
    if connection is not None:
        connection.probe_record(report=report.as_json(), usable=report.usable, at=clock.now())
    return report


def _read(report: ExactProbeReport, name: str, endpoint: str, call):
    """One of the product's reads; a refusal is a blocker, a transport failure stops the check."""
    try:
        result = call()
    except ExactBudgetExhausted as exc:
        raise _Unreachable(str(exc)) from exc
    except ExactError as exc:
        if not exc.permanent and (exc.status is None or exc.status >= 500 or exc.status == 429):
            raise _Unreachable(str(exc)) from exc
        endpoint = exc.endpoint or endpoint
        report.reads.append({"read": name, "endpoint": endpoint, "ok": False, "message": str(exc)})
        report.blockers.append(Finding(
            "golive.exact_read_refused",
            _("Exact refuses a read the coupling needs (%(read)s, %(endpoint)s): %(message)s")
            % {"read": name, "endpoint": endpoint, "message": exc},
            [f"{endpoint}: {exc}"],
        ))  # fmt: skip
        return None
    report.reads.append({"read": name, "endpoint": endpoint, "ok": True, "message": ""})
    return result


def _probe(*, client: ExactClient, report: ExactProbeReport) -> None:
    from sync.services.lookup import accounts_by_code, entries_by_reference
    from sync.services.preflight import coachview_settings_load

    administration = client.administration
    options = CouplingOptions.for_administration(administration)
    exports = list(
        InvoiceExport.objects.filter(administration=administration, state__in=WAITING)
        .select_related("invoice__debtor")
        .prefetch_related("invoice__lines")
        .order_by("id")[:SAMPLE]
    )
    report.checked_invoices = len(exports)
    invoices = [export.invoice for export in exports]
    refreshed = _read(report, "reference lists", "vat/VATCodes", lambda: _reference_refresh(client))
    settings = coachview_settings_load()
    codes = _debtor_codes(invoices, options, settings)
    accounts = _read(
        report, "accounts by code", "crm/Accounts",
        lambda: accounts_by_code(client=client, codes=sorted(set(codes.values())) or ["1"]),
    )  # fmt: skip
    refs = [invoice.number for invoice in invoices[:40]] or ["-"]
    _read(report, "sales entries by reference", "salesentry/SalesEntries",
          lambda: entries_by_reference(client=client, refs=refs, entry_ids=[NO_SUCH_ID]))
    _payment_reads(client, report, administration, options)
    _other_reads(client, report, administration, options)
    if refreshed is None:
        return  # without Exact's lists there is nothing to check the options and mappings against
    from mappings.resolver import MappingResolver

    resolver = MappingResolver(administration=administration)
    for check in (
        lambda: journal_findings(resolver=resolver),
        lambda: payment_condition_findings(resolver=resolver),
        lambda: period_findings(resolver=resolver, invoices=invoices),
    ):
        blockers, confirmed = check()
        report.blockers += blockers
        report.confirmed += confirmed
    warnings, confirmed = mapping_findings(resolver=resolver, invoices=invoices)
    report.warnings += warnings
    report.confirmed += confirmed
    if accounts is not None:
        warnings, confirmed = debtor_findings(codes=codes, accounts=accounts)
        report.warnings += warnings
        report.confirmed += confirmed


def _reference_refresh(client: ExactClient):
    from mappings.services.reference import reference_data_sync

    return reference_data_sync(client=client)


def _debtor_codes(invoices, options, settings) -> dict[str, str]:
    """Invoice number → the Exact relation code its debtor gets (invalid codes are the pre-flight's)."""
    from sync.services.debtor_codes import DebtorCodeInvalid, debtor_exact_code

    codes = {}
    for invoice in invoices:
        if invoice.debtor is None:
            continue
        try:
            codes[invoice.number] = debtor_exact_code(
                debtor=invoice.debtor, options=options, source_order=settings.source_order,
                extern_source=settings.extern_source,
            ).strip()  # fmt: skip
        except DebtorCodeInvalid:
            continue
    return codes


def _payment_reads(client: ExactClient, report: ExactProbeReport, administration: str, options) -> None:
    from sync.models import PaymentPollState
    from sync.services.payments import division_read, terms_read

    if not options.payment_registration:
        return
    state = PaymentPollState.objects.filter(administration=administration).first()
    _read(report, "division move date", "system/Divisions", lambda: division_read(client=client))
    _read(report, "payment terms (sync)", "sync/Cashflow/PaymentTerms",
          lambda: terms_read(client=client, timestamp=state.timestamp if state else None))


def _other_reads(client: ExactClient, report: ExactProbeReport, administration: str, options) -> None:
    """The reconciliation's month read and the look-ups after an unknown outcome of a document or attachment."""
    from coupling.exact import odata
    from sync.services.reconciliation import ENTRIES, ENTRY_FIELDS, entries_filter, journals_for

    today = clock.now().date()
    _read(report, "reconciliation", ENTRIES, lambda: client.get_list(
        ENTRIES, select=ENTRY_FIELDS,
        filter=entries_filter(year=today.year, month=today.month, journals=journals_for(administration)),
    ))  # fmt: skip
    if options.attach_pdf:
        _read(report, "document look-up", "documents/Documents", lambda: client.get_list(
            "documents/Documents", select=["ID"],
            filter=f"Subject eq {odata.string('Factuur -')} and Account eq {odata.guid(NO_SUCH_ID)}",
        ))  # fmt: skip
        _read(report, "attachment look-up", "documents/DocumentAttachments", lambda: client.get_list(
            "documents/DocumentAttachments", select=["ID"], filter=f"Document eq {odata.guid(NO_SUCH_ID)}",
        ))  # fmt: skip
