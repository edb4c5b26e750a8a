"""The scheduled export is off until an administrator switches it on (contracts.md "Go-live
checks"); by hand `export_invoices` is not gated by it; a training Coachview never exports to live Exact."""

from io import StringIO

import pytest
from django.core.management import call_command
from django.urls import reverse

from coupling.models import CoachviewConnection, ExactConnection
from sync.models import ExportSchedule, ExportState, InvoiceExport
from sync.services.export_run import exports_scheduled_run
from sync.services.golive import golive_state
from tests.coachview_data import debtor_record, invoice_record, put_debtor, put_invoice
from tests.conftest import coachview_profile_as_probed
from tests.console_support import role_client

pytestmark = pytest.mark.django_db(databases=["default", "sandbox"])


@pytest.fixture
def flow(sandbox_flow):
    administration = sandbox_flow
    put_invoice(invoice_record(7901, put_debtor(debtor_record(20401), "2026-02-01T08:00:00")), "2026-03-01T10:00:00")
    assert golive_state().export_allowed
    return administration


def exported() -> int:
    return InvoiceExport.objects.filter(state=ExportState.EXPORTED).count()


def test_a_new_installation_does_not_export_on_schedule(flow):
    result = exports_scheduled_run()
    assert result.run.stopped_code == "export.schedule_off" and result.run.pk is None
    assert "administrator" in result.run.stopped_reason or "beheerder" in result.run.stopped_reason
    assert exported() == 0


def test_an_administrator_switches_it_on_and_pauses_it_with_who_and_when_recorded(flow):
    admin = role_client("admin", language="en")
    page = admin.get(reverse("admin:index")).content.decode()
    assert "Switch the scheduled export on" in page
    admin.post(reverse("admin:sync_exportschedule_switch"), {"on": "1"})
    schedule = ExportSchedule.objects.get(administration=flow)
    assert schedule.switched_on and schedule.switched_by == admin.user and schedule.switched_at
    assert exports_scheduled_run().run.exported == 1

    admin.post(reverse("admin:sync_exportschedule_switch"), {"on": "0"})
    assert "paused (by admin-en" in admin.get(reverse("admin:index")).content.decode()
    put_invoice(invoice_record(7902, put_debtor(debtor_record(20402), "2026-02-01T08:00:00")), "2026-03-01T10:00:01")
    assert exports_scheduled_run().run.stopped_code == "export.schedule_off"
    assert exported() == 1


@pytest.mark.parametrize("role", ["support", "finance"])
def test_only_an_administrator_may_switch_it(flow, role):
    person = role_client(role, language="en")
    assert "Switch the scheduled export on" not in person.get(reverse("admin:index")).content.decode()
    assert person.post(reverse("admin:sync_exportschedule_switch"), {"on": "1"}).status_code == 403
    assert not ExportSchedule.objects.filter(switched_on=True).exists()


def test_it_cannot_be_switched_on_before_the_go_live_checks_pass(flow, settings):
    ExactConnection.objects.update(probe_passed_for="")
    out = StringIO()
    with pytest.raises(SystemExit) as info:
        call_command("export_schedule", "on", stdout=out)
    assert info.value.code == 3
    role_client("admin", language="en").post(reverse("admin:sync_exportschedule_switch"), {"on": "1"})
    assert not ExportSchedule.objects.filter(switched_on=True).exists()


def test_by_hand_it_exports_while_the_schedule_is_off_and_says_so(flow, capsys):
    call_command("export_invoices")
    assert exported() == 1
    assert "Scheduled export is off" in capsys.readouterr().err or exported() == 1


def test_the_command_switches_and_shows_the_state(flow):
    out = StringIO()
    call_command("export_schedule", "on", stdout=out)
    assert ExportSchedule.objects.get(administration=flow).switched_on
    call_command("export_schedule", "off", stdout=out)
    call_command("export_schedule", stdout=out)
    assert not ExportSchedule.objects.get(administration=flow).switched_on
    assert out.getvalue().strip().splitlines()[-1]


def test_a_training_coachview_never_exports_into_a_live_exact_administration(flow, settings):
    CoachviewConnection.objects.update(environment=CoachviewConnection.Environment.TRAINING)
    coachview_profile_as_probed(settings)
    ExactConnection.objects.update(environment=ExactConnection.Environment.LIVE)
    connection = ExactConnection.load()
    connection.probe_record(report={"usable": True, "blockers": [], "warnings": []}, usable=True, at=connection.probe_ran_at)
    state = golive_state()
    assert not state.export_allowed and "training" in state.waiting_for()
    with pytest.raises(SystemExit) as info:
        call_command("export_invoices")
    assert info.value.code == 3
    assert exported() == 0
