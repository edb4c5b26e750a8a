"""The fetch and write-back run under django-q2 on a schedule, created by name."""

from importlib import import_module

import pytest

from coupling.schedules import all_schedule_specs, schedules_setup
from tests.coachview_data import debtor_record, invoice_record, put_debtor, put_invoice


def test_the_fetch_and_write_back_schedules_point_at_real_tasks():
    specs = {spec.name: spec for spec in all_schedule_specs()}
    for name in ("fetch_invoices", "flush_writebacks"):
        module, _dot, func = specs[name].func.rpartition(".")
        assert callable(getattr(import_module(module), func))


@pytest.mark.django_db
def test_setting_up_the_schedules_twice_changes_nothing():
    schedules_setup()
    created, updated, _unchanged = schedules_setup()
    assert (created, updated) == (0, 0)


@pytest.mark.django_db(databases=["default", "sandbox"])
def test_the_fetch_task_runs_the_service_and_returns_its_summary(coachview):
    from sync.tasks import fetch_invoices_task

    debtor = put_debtor(debtor_record(10001), "2026-02-01T08:00:00")
    put_invoice(invoice_record(1, debtor), "2026-03-01T10:00:00")

    assert fetch_invoices_task().startswith("Fetched 1 new and 0 updated invoices")
