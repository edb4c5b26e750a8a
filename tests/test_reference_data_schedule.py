"""Exact's lists are refreshed daily by a django-q2 schedule whose task calls the service."""

import pytest
from django_q.models import Schedule

from coupling.schedules import all_schedule_specs, schedules_setup


def test_a_daily_schedule_refreshes_exacts_lists():
    [spec] = [spec for spec in all_schedule_specs() if spec.func == "mappings.tasks.reference_data_sync_task"]
    assert spec.schedule_type == Schedule.DAILY


@pytest.mark.django_db
def test_setting_up_the_schedules_twice_changes_nothing():
    schedules_setup()
    assert schedules_setup()[:2] == (0, 0)
    assert Schedule.objects.filter(func="mappings.tasks.reference_data_sync_task").count() == 1
