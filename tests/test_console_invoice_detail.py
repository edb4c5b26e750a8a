"""An invoice's page: its lines with their mapping, the cause and fix, what was sent and received, payments."""

import pytest
from django.urls import reverse

from coupling import clock
from sync.models import ExportAttempt, PaymentObservation
from tests.console_support import failed_export, paid_export, role_client
from tests.factories import exact_mirror_seed

pytestmark = pytest.mark.django_db


def _page(export, role="support", language="en") -> str:
    response = role_client(role, language=language).get(reverse("admin:sync_invoiceexport_change", args=[export.pk]))
    assert response.status_code == 200
    return response.content.decode()


def test_the_detail_shows_each_line_with_the_exact_codes_it_maps_to():
    exact_mirror_seed()
    export = failed_export()
    page = _page(export)
    assert "VAT code (Coachview → Exact)" in page
    assert "8000 → 8000" in page  # the G/L account resolves to itself in the seeded mirror


def test_the_detail_explains_the_catalogue_entry_with_cause_and_fix():
    page = _page(failed_export())
    assert "preflight.vat_code_inclusive" in page
    assert "Why, and how to fix it" in page


def test_the_attempts_timeline_shows_what_was_sent_and_received_without_secrets():
    export = failed_export()
    ExportAttempt.objects.create(
        export=export, action="entry", outcome="failed", http_status=400,
        sent={"YourRef": "2026901", "Authorization": "Bearer abc-secret-token"},
        received={"error": {"message": {"value": "Dagboek: Verplicht"}}}, error_text="Dagboek: Verplicht",
    )
    page = _page(export)
    assert "YourRef" in page and "Dagboek: Verplicht" in page
    assert "abc-secret-token" not in page


def test_the_detail_shows_the_payment_history_to_finance():
    export = paid_export()
    PaymentObservation.objects.create(export=export, status="partial", outstanding="100.00", observed_at=clock.now())
    PaymentObservation.objects.create(export=export, status="paid", outstanding="0.00", paid_date=export.paid_date, observed_at=clock.now())
    page = _page(export, role="finance", language="nl")
    assert "deels betaald" in page and "02-04-2026" in page  # the one date format
    assert "€\u00a0100,00" in page and "€\u00a01.493,75" in page  # the one money format: outstanding, invoice total


def test_user_supplied_text_is_escaped():
    export = failed_export()
    export.invoice.debtor.name = "<script>alert(1)</script>"
    export.invoice.debtor.save()
    page = _page(export)
    assert "<script>alert(1)</script>" not in page
    assert "&lt;script&gt;" in page
