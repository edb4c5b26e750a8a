"""Export waits for the go-live check of Coachview (contracts.md, "Go-live checks"): by hand, on schedule,
on the front page and in the health check; a dry run works before any check."""

import random

import pytest
from django.core.management import call_command
from django.urls import reverse

from coupling.coachview.profile import entry_set, profile_complete
from coupling.models import CoachviewConnection, CoachviewProfile, ExactConnection
from mappings.models import CouplingOptions
from mappings.services import reference_data_sync
from sandbox.exact.seed import seed_exact
from sync.models import HealthProblem, InvoiceExport
from sync.services import health
from sync.services.export_run import exports_scheduled_run
from sync.services.golive import golive_state
from tests.coachview_data import debtor_record, invoice_record, put_debtor, put_invoice
from tests.conftest import coachview_profile_as_probed
from tests.console_support import role_client

pytestmark = pytest.mark.django_db(databases=["default", "sandbox"])
Kind = HealthProblem.Kind


@pytest.fixture
def waiting(golive_pending, coachview, settings):
    """Both systems connected and an invoice waiting, but the profile's check not (or no longer) passed."""
    seed_exact(rng=random.Random(1))
    call_command("sandbox_connect")
    reference_data_sync()
    CouplingOptions.objects.update_or_create(
        administration=ExactConnection.load().administration,
        defaults={"sales_journal": "70", "default_payment_condition": "30"},
    )
    put_invoice(invoice_record(7001, put_debtor(debtor_record(20001), "2026-02-01T08:00:00")), "2026-03-01T10:00:00")
    profile = CoachviewProfile.load()
    profile.probe_passed_digest, profile.probe_passed_at = "", None
    profile.save()
    return profile


def test_by_hand_export_waits_with_exit_3_and_one_line_saying_which_check(waiting, capsys):
    with pytest.raises(SystemExit) as info:
        call_command("export_invoices")
    assert info.value.code == 3
    out = capsys.readouterr().out.strip().splitlines()
    assert len(out) == 1 and "go-live-controle van Coachview" in out[0] and "coachview_probe" in out[0]
    assert not InvoiceExport.objects.exists()


def test_a_dry_run_works_before_any_check(waiting, capsys):
    call_command("export_invoices", "--dry-run")
    assert "7001" in capsys.readouterr().out
    assert not InvoiceExport.objects.filter(state="exported").exists()


def test_the_scheduled_run_fetches_but_exports_nothing_and_says_why(waiting):
    result = exports_scheduled_run()
    assert result.run.stopped_code == "golive.pending" and result.run.pk is None
    assert "go-live-controle van Coachview" in result.run.stopped_reason
    assert not InvoiceExport.objects.filter(state="exported").exists()


def test_health_and_front_page_say_export_waits_until_the_check_passes(waiting, settings):
    assert Kind.GOLIVE_PENDING in [p.kind for p in health.link_health_check()]
    page = role_client("finance", language="en").get(reverse("admin:index")).content.decode()
    assert "Export waits for the go-live check of Coachview" in page
    page_nl = role_client("finance", language="nl").get(reverse("admin:index")).content.decode()
    assert "go-live-controle" in page_nl
    coachview_profile_as_probed(settings)
    assert Kind.GOLIVE_PENDING not in [p.kind for p in health.link_health_check()]
    assert golive_state().export_allowed


def test_changing_the_profile_or_the_environment_clears_the_pass(coachview, settings):
    profile = CoachviewProfile.load()
    assert profile.probe_passed()
    profile.entries = entry_set(profile_complete(profile.entries), "exportable_statuses", ["Definitief"])
    profile.save()
    assert not CoachviewProfile.load().probe_passed()

    coachview_profile_as_probed(settings)
    connection = CoachviewConnection.load()
    connection.environment = CoachviewConnection.Environment.LIVE
    connection.save()
    assert not CoachviewProfile.load().probe_passed()


def test_without_a_pdf_path_the_front_page_offers_to_book_without_the_pdf(coachview, settings):
    seed_exact(rng=random.Random(1))
    call_command("sandbox_connect")
    administration = ExactConnection.load().administration
    CouplingOptions.objects.update_or_create(administration=administration, defaults={"attach_pdf": True})
    profile = CoachviewProfile.load()
    profile.entries = entry_set(profile_complete(profile.entries), "pdf_path", "")
    profile.save()
    assert Kind.PDF_UNAVAILABLE in [p.kind for p in health.link_health_check()]
    admin = role_client("admin", language="en")
    assert "Book without the PDF" in admin.get(reverse("admin:index")).content.decode()

    # Finance sees the warning but cannot change the options.
    finance = role_client("finance", language="en")
    finance.post(reverse("admin:mappings_couplingoptions_no_pdf"))
    assert CouplingOptions.objects.get(administration=administration).attach_pdf

    admin.post(reverse("admin:mappings_couplingoptions_no_pdf"))
    assert not CouplingOptions.objects.get(administration=administration).attach_pdf
    assert Kind.PDF_UNAVAILABLE not in [p.kind for p in health.link_health_check()]
