import random
from datetime import timedelta

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import timezone

from coupling.models import ExactBudget, ExactConnection
from mappings.models import CouplingOptions
from mappings.services import reference_data_sync
from sandbox.exact.seed import seed_exact
from sync.models import ExportRun, ExportState, InvoiceExport
from tests.coachview_data import debtor_record, invoice_record, put_debtor, put_invoice
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
        call_command("export_invoices")
    assert info.value.returncode == 2
    assert "could not run" in capsys.readouterr().out


def test_a_dry_run_prints_the_entry_or_the_reasons_and_sends_nothing(connected, sandbox_http, capsys):
    call_command("export_invoices", "--dry-run")
    out = capsys.readouterr().out
    assert "6001: journal 70, customer 20001 (new)" in out
    assert "6002: would be held: preflight.debtor_not_customer" in out
    assert "GL 8000" in out and "VAT 2" in out and "CC 100" in out
    assert out.strip().splitlines()[-1].startswith("Dry run: 1 would be exported, 1 would be held")
    assert not [call for call in sandbox_http.calls if call[0] in ("POST", "PUT") and "/api/v1/" in call[1]]
    assert not InvoiceExport.objects.filter(state=ExportState.EXPORTED).exists()


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
