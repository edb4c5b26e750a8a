"""The coverage report: codes of invoices still to export that no valid mapping covers."""

import pytest
from django.urls import reverse

from mappings.models import CostCenterMapping, MappingKind, VatCodeMapping
from sync.models import ExportState
from sync.services.coverage import mapping_coverage
from tests.factories import ADMINISTRATION, InvoiceExportFactory, InvoiceFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("exact_mirror")]


def gaps() -> dict[str, list[tuple[str, int, str]]]:
    report = mapping_coverage(administration=ADMINISTRATION)
    return {
        kind: [(gap.coachview_code, gap.invoices, gap.problem_code) for gap in rows]
        for kind, rows in report.items()
    }


def export_with(state=ExportState.NEW, **line):
    return InvoiceExportFactory(state=state, invoice=InvoiceFactory(lines=[line]))


def test_it_lists_each_unusable_code_with_the_number_of_invoices_using_it():
    export_with()
    export_with(vat_code="5")
    export_with(vat_code="5", state=ExportState.HELD)
    export_with(gl_account_code="8900")
    export_with(cost_center_code="Intern")
    assert gaps() == {
        MappingKind.VAT_CODE: [("5", 2, "preflight.vat_code_inclusive")],
        MappingKind.GL_ACCOUNT: [("8900", 1, "preflight.gl_account_blocked")],
        MappingKind.COST_CENTER: [("Intern", 1, "preflight.cost_center_unmapped")],
    }


def test_it_ignores_invoices_already_exported_or_excluded():
    export_with(vat_code="5", state=ExportState.EXPORTED)
    export_with(gl_account_code="8900", state=ExportState.EXCLUDED)
    assert gaps() == {MappingKind.VAT_CODE: [], MappingKind.GL_ACCOUNT: [], MappingKind.COST_CENTER: []}


def test_a_mapping_closes_its_gap():
    export_with(vat_code="5", cost_center_code="Intern")
    VatCodeMapping.objects.create(administration=ADMINISTRATION, coachview_code="5", exact_code="2")
    CostCenterMapping.objects.create(administration=ADMINISTRATION, coachview_code="Intern", exact_code="")
    assert gaps()[MappingKind.VAT_CODE] == []
    assert gaps()[MappingKind.COST_CENTER] == []


def test_the_report_page_links_each_gap_to_a_prefilled_add_form(admin_client):
    export_with(vat_code="5")
    page = admin_client.get(
        reverse("admin:sync_mapping_coverage"), {"administration": ADMINISTRATION}
    )
    assert page.status_code == 200
    add_url = (
        reverse("admin:mappings_vatcodemapping_add") + "?administration=test%3A1234567&amp;coachview_code=5"
    )
    assert add_url in page.content.decode()
    form = admin_client.get(
        reverse("admin:mappings_vatcodemapping_add"),
        {"administration": ADMINISTRATION, "coachview_code": "5"},
    )
    assert form.context["adminform"].form.initial["coachview_code"] == "5"
