"""`connection_status`: exit 0 healthy, 1 broken, 2 warning, and a one-line summary (contracts.md)."""

import json
from datetime import timedelta

import pytest
from django.core.management import call_command
from django.utils import timezone

from tests.factories import BareInvoiceExportFactory


def run(*args) -> tuple[int, str, str]:
    import io

    out, err = io.StringIO(), io.StringIO()
    try:
        call_command("connection_status", *args, stdout=out, stderr=err)
        code = 0
    except SystemExit as exc:
        code = exc.code
    return code, out.getvalue(), err.getvalue()


@pytest.mark.django_db
def test_a_connected_link_without_problems_is_healthy(link):
    code, out, _ = run()
    assert code == 0
    assert out.strip().splitlines()[-1].startswith("Connection healthy")


@pytest.mark.django_db
@pytest.mark.parametrize("status", ["not_connected", "reconnect_needed"])
def test_a_link_that_needs_a_person_to_connect_is_broken(link, status):
    link.status = status
    code, out, _ = run()
    assert code == 1
    assert "Connection broken" in out.strip().splitlines()[-1]


@pytest.mark.django_db
def test_a_refresh_token_near_expiry_is_a_warning(link):
    link.refresh_token_expires_at = timezone.now() + timedelta(days=2)
    code, out, _ = run()
    assert code == 2
    assert "1 problem(s)" in out.strip().splitlines()[-1]


@pytest.mark.django_db
def test_a_low_budget_is_a_warning(link, settings):
    settings.HEALTH_BUDGET_LOW_REMAINING = 100
    link.daily_remaining = 40
    assert run()[0] == 2


@pytest.mark.django_db
def test_stalled_work_is_a_warning(link):
    BareInvoiceExportFactory(state="ready", since=timezone.now() - timedelta(days=1))
    assert run()[0] == 2


@pytest.mark.django_db
def test_json_puts_one_document_on_stdout_and_the_summary_on_stderr(link):
    link.status = "reconnect_needed"
    code, out, err = run("--json")
    document = json.loads(out)
    assert code == 1 and document["status"] == "broken"
    assert document["problems"][0]["kind"] == "reconnect_needed"
    assert err.strip().startswith("Connection broken")
