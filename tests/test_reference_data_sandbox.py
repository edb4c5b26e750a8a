"""End to end against the sandbox: a refresh fills the mirror; the coverage report shows the seeded gaps."""

import random
from decimal import Decimal

import pytest
from django.core.management import call_command

from mappings.models import (
    CostCenterMapping,
    CouplingOptions,
    ExactCostCenter,
    ExactFinancialPeriod,
    ExactGLAccount,
    ExactJournal,
    ExactPaymentCondition,
    ExactVatCode,
    GLAccountMapping,
    MappingKind,
    VatCodeMapping,
)
from mappings.services import mapping_coverage, reference_data_sync
from sandbox import seedcodes
from sandbox.coachview import seed as coachview_seed
from sandbox.exact.seed import seed_client, seed_exact
from sync.models import ExportState, InvoiceExport
from sync.services import fetch
from sync.services.preflight import exports_preflight
from tests.factories import InvoiceExportFactory, InvoiceFactory

pytestmark = pytest.mark.django_db(databases=["default", "sandbox"])


@pytest.fixture
def connected(sandbox_http):
    """The sandbox's Exact seeded and the product connected to it; returns the administration key."""
    seed_exact(rng=random.Random(1))
    # Register the app sandbox_connect uses, whatever ids the seed chose.
    from coupling.management.commands import sandbox_connect

    seed_client(
        client_id=sandbox_connect.SANDBOX_CLIENT_ID, client_secret=sandbox_connect.SANDBOX_CLIENT_SECRET
    )
    call_command("sandbox_connect")
    from coupling.models import ExactConnection

    return ExactConnection.load().administration


def _invoices_like_the_coachview_seed(administration: str) -> None:
    """Sent invoices with Exact's own codes, and one per deliberate gap (sandbox/seedcodes.py)."""
    normal = [
        {"vat_code": "2", "gl_account_code": "8000", "cost_center_code": "100"},
        {"vat_code": "1", "gl_account_code": "8100", "cost_center_code": "", "vat_amount": Decimal("9.00")},
        {
            "vat_code": "0",
            "gl_account_code": "8020",
            "cost_center_code": "300",
            "vat_amount": Decimal("0.00"),
        },
    ]
    for line in normal * 2:
        vat = line.get("vat_amount", Decimal("21.00"))
        InvoiceExportFactory(
            administration=administration,
            invoice=InvoiceFactory(lines=[line], total_vat=vat, total_incl_vat=Decimal("100.00") + vat),
        )
    for gap in [
        {"vat_code": seedcodes.VAT_CODE_INCLUSIVE},
        {"gl_account_code": seedcodes.GL_ACCOUNT_BLOCKED},
        {"cost_center_code": seedcodes.COST_CENTER_MISSING_IN_EXACT},
    ]:
        InvoiceExportFactory(administration=administration, invoice=InvoiceFactory(lines=[gap]))


def test_a_refresh_fills_the_mirror_from_the_sandbox_in_a_handful_of_calls(connected):
    from coupling.models import ExactApiCall

    ExactApiCall.objects.all().delete()  # sandbox_connect's go-live check read the lists too
    result = reference_data_sync()
    assert result.administration == connected == f"test:{seedcodes.DIVISION}"
    assert {row.code for row in ExactVatCode.objects.all()} == {code for code, *_ in seedcodes.VAT_CODES}
    assert ExactVatCode.objects.get(code="5  ").vat_type == "I"
    assert ExactGLAccount.objects.get(code=seedcodes.GL_ACCOUNT_BLOCKED).is_blocked
    assert ExactGLAccount.objects.count() == len(seedcodes.GL_ACCOUNTS)
    assert str(ExactCostCenter.objects.get(code="900").end_date) == "2020-12-31"
    assert ExactJournal.objects.get(code=seedcodes.SALES_JOURNAL).journal_type == 20
    assert ExactPaymentCondition.objects.count() == len(seedcodes.PAYMENT_CONDITIONS)
    assert ExactFinancialPeriod.objects.count() == 36

    reference_calls = ExactApiCall.objects.exclude(endpoint__icontains="oauth").exclude(
        endpoint__icontains="Me"
    )
    assert reference_calls.count() <= 8


def test_the_coverage_report_shows_exactly_the_seeded_gaps(connected):
    reference_data_sync()
    _invoices_like_the_coachview_seed(connected)
    report = mapping_coverage(administration=connected)
    assert {kind: [gap.coachview_code for gap in gaps] for kind, gaps in report.items()} == {
        MappingKind.VAT_CODE: [seedcodes.VAT_CODE_INCLUSIVE],
        MappingKind.GL_ACCOUNT: [seedcodes.GL_ACCOUNT_BLOCKED],
        MappingKind.COST_CENTER: [seedcodes.COST_CENTER_MISSING_IN_EXACT],
    }


def test_fixing_the_mappings_releases_the_held_invoices_at_the_next_run(connected):
    reference_data_sync()
    CouplingOptions.objects.update_or_create(
        administration=connected,
        defaults={
            "sales_journal": seedcodes.SALES_JOURNAL,
            "default_payment_condition": seedcodes.PAYMENT_CONDITION,
        },
    )
    _invoices_like_the_coachview_seed(connected)
    first = exports_preflight(administration=connected)
    assert (first.ready, first.held) == (6, 3)
    VatCodeMapping.objects.create(administration=connected, coachview_code="5", exact_code="2")
    GLAccountMapping.objects.create(administration=connected, coachview_code="8900", exact_code="8000")
    CostCenterMapping.objects.create(administration=connected, coachview_code="Intern", exact_code="")
    second = exports_preflight(administration=connected)
    assert (second.ready, second.held) == (9, 0)
    assert set(InvoiceExport.objects.values_list("state", flat=True)) == {ExportState.READY}


def test_with_the_coachview_seed_the_coverage_report_shows_exactly_the_seeded_gaps(connected, coachview):
    coachview_seed.seed_coachview(rng=random.Random(1), invoices=50, debtors=20)
    reference_data_sync()
    fetch.invoices_fetch()
    fetch.exports_ensure(administration=connected)
    report = mapping_coverage(administration=connected)
    assert {kind: [gap.coachview_code for gap in gaps] for kind, gaps in report.items()} == {
        MappingKind.VAT_CODE: [seedcodes.VAT_CODE_INCLUSIVE],
        MappingKind.GL_ACCOUNT: [seedcodes.GL_ACCOUNT_BLOCKED],
        MappingKind.COST_CENTER: [seedcodes.COST_CENTER_MISSING_IN_EXACT],
    }
