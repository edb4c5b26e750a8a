"""Fetch → pre-flight → export → payments against each Coachview dialect and a recorded (raw) tenant.

Each is configured only through the profile that `sandbox_connect`'s go-live check (`coachview_probe
--apply`) finds, starting from the product's defaults: no code path depends on the dialect. In each,
every exportable invoice is booked once and to the cent, nothing is fetched twice, and the idle fetch
costs one call per resource.
"""

import base64
import json

import pytest
from django.core.management import call_command
from django.test import Client

from coupling.coachview.profile import profile_complete
from coupling.models import CoachviewProfile, ExactConnection
from mappings.models import CouplingOptions
from mappings.services import reference_data_sync
from sandbox.coachview.dialects import dialect_profile_overrides
from sandbox.coachview.dump import dump_coachview
from sandbox.exact.dump import dump_exact
from sync.models import ExportState, Invoice, InvoiceExport
from sync.services.export_run import exports_run
from sync.services.fetch import invoices_fetch
from sync.services.payments import payment_status_poll
from tests.coachview_data import api_calls, reset_log
from tests.payments_support import pay
from tests.sandbox_coachview_support import BASE, CoachviewCalls

pytestmark = pytest.mark.django_db(databases=["default", "sandbox"])
DIALECTS = ["default", "lines-separate", "definitief", "casing", "no-pdf-no-writeback"]


def connect_with_the_products_defaults() -> None:
    """The profile as shipped, then the go-live check against the tenant, as a new institute starts."""
    CoachviewProfile.objects.update(entries={}, probe_passed_digest="", probe_passed_at=None)
    call_command("sandbox_connect")
    assert CoachviewProfile.load().probe_passed(), CoachviewProfile.load().probe_report
    reference_data_sync()
    administration = ExactConnection.load().administration
    options = {"sales_journal": "70", "default_payment_condition": "30"}
    if not CoachviewProfile.load().view["pdf_path"]:
        options["attach_pdf"] = False  # the front page's one click: book without the PDF
    CouplingOptions.objects.update_or_create(administration=administration, defaults=options)


def flow_checked(*, writes_of) -> None:
    """Fetch and export twice, poll a payment, and check once / to the cent / nothing fetched twice."""
    first_fetch = invoices_fetch()
    assert not first_fetch.stopped, first_fetch.summary()
    exports_run()
    again = invoices_fetch()
    assert (again.invoices_new, again.invoices_updated) == (0, 0), again.summary()  # nothing fetched twice
    second = exports_run()
    assert second.run.exported == 0

    exportable = Invoice.objects.exportable()
    assert exportable.count() == first_fetch.invoices_new - (Invoice.objects.count() - exportable.count())
    exports = InvoiceExport.objects.filter(invoice__in=exportable).select_related("invoice")
    exported = [e for e in exports if e.state == ExportState.EXPORTED]
    assert exported and {e.state for e in exports} <= {ExportState.EXPORTED, ExportState.HELD}
    held = [e for e in exports if e.state == ExportState.HELD]
    assert len(held) <= len(exports) / 5 + 1, [e.reasons for e in held]
    by_ref = {}
    for entry in dump_exact()["sales_entries"]:
        by_ref.setdefault(entry["YourRef"], []).append(entry)
    for export in exported:
        [entry] = by_ref[export.invoice.number]  # exactly once
        assert entry["AmountDC"] == export.invoice.total_incl_vat  # to the cent
        assert entry["VATAmountDC"] == export.invoice.total_vat
    assert not {e.invoice.number for e in held} & set(by_ref)

    reset_log()
    idle = invoices_fetch()
    lists = [call for call in api_calls("/api/v1/") if call.method == "GET"]
    assert len(lists) == 2, [call.path for call in lists]  # one per resource: debtors and invoices
    assert (idle.invoices_new, idle.invoices_updated) == (0, 0)

    paid = next(e for e in exported if not e.invoice.is_credit)
    payment_status_poll()
    pay(paid.invoice.number)
    payment_status_poll()
    paid.refresh_from_db()
    assert paid.payment_status == "paid"
    profile = CoachviewProfile.load().view
    booked_writes, paid_writes = writes_of(paid.invoice.coachview_id)
    assert bool(booked_writes) == bool(profile["writeback_booked"])
    assert bool(paid_writes) == bool(profile["writeback_paid"])


def _dialect_writes(coachview_id: str) -> tuple[list, list]:
    invoice = next(f for f in dump_coachview()["facturen"] if coachview_id in json.dumps(f))
    writes = invoice["status_writes"]
    return [w for w in writes if w["kind"] == "Boekingsstatus"], [w for w in writes if w["kind"] == "Betaalstatus"]


@pytest.mark.parametrize("dialect", DIALECTS)
def test_each_dialect_books_once_to_the_cent_configured_only_by_the_probe(dialect, coachview, settings):
    settings.SANDBOX_EXACT_MINUTELY_LIMIT = settings.EXACT_MINUTELY_LIMIT = 100_000
    settings.COACHVIEW_SANDBOX_DIALECT = dialect
    call_command("sandbox_seed", "--invoices", "30", "--debtors", "10")
    connect_with_the_products_defaults()
    assert CoachviewProfile.load().view.data == profile_complete(dialect_profile_overrides(dialect))
    flow_checked(writes_of=_dialect_writes)


# --- a recorded tenant, replayed verbatim ---

RENAMED = "Verkoopfacturen"  # a name none of the built-in dialects uses


def _recorded_tenant(settings) -> dict:
    """The `definitief` dialect as a tenant's API returned it, recorded, with its invoices resource renamed
    and change times compared per second: a tenant the product has never been told about."""
    calls = CoachviewCalls(Client(), settings)
    resources = {}
    for name in ("Facturen", "Debiteuren", "Bedrijven", "Personen"):
        records, skip = [], 0
        while True:
            page = calls.get(name, skip=skip, take=100)
            assert page.status_code == 200, page.content
            records += page.json()
            if len(page.json()) < 100:
                break
            skip += 100
        resources[RENAMED if name == "Facturen" else name] = records
    files = {}
    for record in resources[RENAMED]:
        pdf = calls.get(f"Facturen/{record['id']}/Pdf")
        files[f"{RENAMED}/{record['id']}/Pdf"] = {
            "content_type": "application/pdf", "base64": base64.b64encode(pdf.content).decode()
        }
    openapi = Client().get(f"{BASE}/swagger/v1/swagger.json").json()
    openapi["paths"] = {path.replace("/Facturen", f"/{RENAMED}"): ops for path, ops in openapi["paths"].items()}
    return {"openapi": openapi, "where_precision": "s", "resources": resources, "files": files}


def _raw_writes(coachview_id: str) -> tuple[list, list]:
    writes = [w for w in dump_coachview()["writes"] if coachview_id in w["path"]]
    return [w for w in writes if "Boekingsstatus" in w["path"]], [w for w in writes if "Betaalstatus" in w["path"]]


def test_a_recorded_tenant_replayed_verbatim_books_once_to_the_cent(coachview, settings, tmp_path):
    settings.SANDBOX_EXACT_MINUTELY_LIMIT = settings.EXACT_MINUTELY_LIMIT = 100_000
    settings.COACHVIEW_SANDBOX_DIALECT = "definitief"
    call_command("sandbox_seed", "--invoices", "30", "--debtors", "10")
    tenant = tmp_path / "tenant.json"
    tenant.write_text(json.dumps(_recorded_tenant(settings)))
    call_command("sandbox_load", str(tenant), "--raw")

    connect_with_the_products_defaults()
    profile = CoachviewProfile.load().view
    assert profile["invoices_path"] == RENAMED
    assert profile["exportable_statuses"] == ["Definitief"]
    assert profile["pdf_path"] == f"{RENAMED}/{{id}}/Pdf"
    assert profile["writeback_booked"]["path"] == f"{RENAMED}/{{id}}/Boekingsstatus"
    assert profile["where_precision"] == "s"
    flow_checked(writes_of=_raw_writes)
