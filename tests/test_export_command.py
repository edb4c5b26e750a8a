import random
import re
from datetime import timedelta

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import timezone

from coupling.models import ExactBudget, ExactConnection
from mappings.models import CouplingOptions, ExactGLAccount, GLAccountMapping
from mappings.services import reference_data_sync
from sandbox.exact.seed import seed_exact
from sync.models import ExportRun, ExportState, InvoiceExport
from tests.coachview_data import debtor_record, invoice_record, line_record, put_debtor, put_invoice
from tests.golive_support import golive_pass

pytestmark = pytest.mark.django_db(databases=["default", "sandbox"])


@pytest.fixture
def connected(coachview):
    seed_exact(rng=random.Random(1))
    call_command("sandbox_connect")
    reference_data_sync()
    administration = ExactConnection.load().administration
    CouplingOptions.objects.update_or_create(
        administration=administration, defaults={"sales_journal": "70", "default_payment_condition": "30"}
    )
    debtor = put_debtor(debtor_record(20001), "2026-02-01T08:00:00")
    put_invoice(invoice_record(6001, debtor), "2026-03-01T10:00:00")
    put_invoice(invoice_record(6002, put_debtor(debtor_record(10006), "2026-02-01T08:00:00")), "2026-03-01T10:00:01")
    golive_pass()
    return administration


def test_it_exits_2_when_exact_is_not_connected(capsys):
    with pytest.raises(CommandError) as info:
        call_command("export_invoices", "--language", "en")
    assert info.value.returncode == 2
    assert "could not run" in capsys.readouterr().out


def test_a_dry_run_prints_the_entry_or_the_reasons_and_sends_nothing(connected, sandbox_http, capsys):
    call_command("export_invoices", "--dry-run", "--language", "en")
    out = capsys.readouterr().out
    assert "6001: would be booked in journal 70 for customer 20001 (new customer), dated 01-03-2026" in out
    assert "€ 1,287.50 excl. VAT + € 265.88 VAT = € 1,553.38" in out
    assert "6002: would be held: " in out and "preflight." not in out  # the catalogue's title, not its key
    assert "line 1: G/L account 8000, VAT code 2, cost centre 100, € 1,250.00 excl. VAT, € 262.50 VAT" in out
    assert out.strip().splitlines()[-1].startswith("Dry run: 1 invoice would be exported, 1 would be held")
    assert not [call for call in sandbox_http.calls if call[0] in ("POST", "PUT") and "/api/v1/" in call[1]]
    assert not InvoiceExport.objects.filter(state=ExportState.EXPORTED).exists()


def test_a_dry_run_names_the_codes_a_mapping_moves_and_no_guid(connected, capsys):
    GLAccountMapping.objects.create(administration=connected, coachview_code="8900", exact_code="8010")
    debtor = put_debtor(debtor_record(20002), "2026-02-01T08:00:00")
    put_invoice(
        invoice_record(6003, debtor, lines=[line_record(1, "100.00", grootboekrekeningNummer="8900")]),
        "2026-03-01T10:00:02",
    )
    call_command("export_invoices", "--dry-run", "--language", "en")
    out = capsys.readouterr().out
    assert "line 1: G/L account 8900 → 8010, VAT code 2, cost centre 100, € 100.00 excl. VAT, € 21.00 VAT" in out
    guids = {str(gl.exact_id) for gl in ExactGLAccount.objects.all()}
    assert guids and not any(guid in out for guid in guids)
    assert not re.search(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}", out)


def test_the_dry_run_speaks_dutch_by_default_and_english_when_asked(connected, capsys):
    # Amounts and the catalogue's titles follow the language (the report's own sentences come from the catalogs).
    call_command("export_invoices", "--dry-run")
    dutch = capsys.readouterr().out
    assert "€ 1.250,00" in dutch and "Relatie 10006 is in Exact geen klant" in dutch
    call_command("export_invoices", "--dry-run", "--language", "en")
    english = capsys.readouterr().out
    assert "€ 1,250.00" in english and "Relatie 10006" not in english


def test_a_run_exports_holds_and_ends_with_a_one_line_summary(connected, capsys):
    call_command("export_invoices")
    last = capsys.readouterr().out.strip().splitlines()[-1]
    assert last.startswith("1 exported, 0 linked, 1 held")
    run = ExportRun.objects.get()
    assert (run.exported, run.held, run.calls_used > 0) == (1, 1, True)


def test_limit_exports_at_most_n(connected, capsys):
    put_invoice(invoice_record(6003, debtor_record(20001)), "2026-03-01T10:00:02")
    call_command("export_invoices", "--limit", "1")
    assert InvoiceExport.objects.filter(state=ExportState.EXPORTED).count() == 1


def test_it_exits_2_when_the_daily_budget_is_spent(connected, capsys):
    # Exact's daily budget for this division is used up until tomorrow: nothing is sent, exit 2.
    division = ExactConnection.load().division
    ExactBudget.objects.update_or_create(division=division, defaults={
        "minutely_limit": 60, "minutely_remaining": 60, "daily_limit": 5000, "daily_remaining": 0,
        "daily_reset_at": timezone.now() + timedelta(hours=6), "updated_at": timezone.now(),
    })
    with pytest.raises(SystemExit) as info:
        call_command("export_invoices")
    assert info.value.code == 2
    assert ExportRun.objects.get().stopped_code == "connection.budget_daily_spent"
    assert not InvoiceExport.objects.filter(state=ExportState.EXPORTED).exists()
    assert capsys.readouterr().out.strip().splitlines()[-1].startswith("0 exported")
