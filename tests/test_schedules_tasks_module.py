"""Every schedule names a task in its app's one tasks module; rows made before the move follow it."""

from importlib import import_module

import pytest
from django.apps import apps
from django_q.models import Schedule

from coupling.schedules import all_schedule_specs

pytestmark = pytest.mark.django_db

moved = import_module("sync.migrations.0019_schedules_tasks_module")


def test_every_schedule_names_a_function_of_its_apps_tasks_module():
    for spec in all_schedule_specs():
        module, name = spec.func.rsplit(".", 1)
        assert module.endswith(".tasks"), spec.func
        assert callable(getattr(import_module(module), name)), spec.func


def test_schedules_made_before_the_health_tasks_moved_now_name_sync_tasks():
    Schedule.objects.create(name="health: check", func="sync.tasks_health.health_check_task", schedule_type="I")
    Schedule.objects.create(name="fetch_invoices", func="sync.tasks.fetch_invoices_task", schedule_type="I")

    moved.forwards(apps, None)

    assert dict(Schedule.objects.values_list("name", "func")) == {
        "health: check": "sync.tasks.health_check_task",
        "fetch_invoices": "sync.tasks.fetch_invoices_task",
    }
    moved.backwards(apps, None)
    assert Schedule.objects.get(name="health: check").func == "sync.tasks_health.health_check_task"
