"""The foundation: role groups, schedules by name, and every admin page for a superuser."""

import pytest
from django.contrib import admin
from django.contrib.auth.models import Group
from django.core.management import call_command
from django.urls import reverse

from coupling import roles, schedules


@pytest.mark.django_db
def test_the_three_role_groups_exist():
    assert set(Group.objects.values_list("name", flat=True)) >= set(roles.ROLES)


@pytest.mark.django_db
def test_setup_schedules_creates_then_changes_nothing(monkeypatch):
    from django_q.models import Schedule

    spec = schedules.ScheduleSpec(name="test: tick", func="math.floor", schedule_type=Schedule.MINUTES, minutes=5)
    monkeypatch.setattr(schedules, "all_schedule_specs", lambda: [spec])
    assert schedules.schedules_setup() == (1, 0, 0)
    assert schedules.schedules_setup() == (0, 0, 1)
    monkeypatch.setattr(schedules, "all_schedule_specs", lambda: [schedules.ScheduleSpec(**{**spec.__dict__, "minutes": 10})])
    assert schedules.schedules_setup() == (0, 1, 0)
    assert Schedule.objects.get(name="test: tick").minutes == 10


@pytest.mark.django_db
def test_setup_schedules_command_prints_a_summary(capsys):
    call_command("setup_schedules")
    assert "Schedules:" in capsys.readouterr().out


def admin_urls():
    for model, model_admin in admin.site._registry.items():
        info = (model._meta.app_label, model._meta.model_name)
        yield pytest.param(f"admin:{info[0]}_{info[1]}_changelist", id=f"{info[0]}.{info[1]}.list")
        if model_admin.has_add_permission.__func__ is admin.ModelAdmin.has_add_permission:
            yield pytest.param(f"admin:{info[0]}_{info[1]}_add", id=f"{info[0]}.{info[1]}.add")


@pytest.mark.django_db(databases=["default", "sandbox"])
@pytest.mark.parametrize("url_name", list(admin_urls()))
def test_every_admin_page_loads_for_a_superuser(admin_client, url_name):
    response = admin_client.get(reverse(url_name), follow=True)  # a one-row model's list opens its row
    assert response.status_code == 200


@pytest.mark.django_db
def test_the_admin_index_loads_in_dutch_and_english(admin_client):
    assert admin_client.get("/", HTTP_ACCEPT_LANGUAGE="nl").status_code == 200
    assert admin_client.get("/", HTTP_ACCEPT_LANGUAGE="en").status_code == 200


@pytest.mark.django_db
def test_role_groups_get_their_permissions_on_a_fresh_database():
    finance = Group.objects.get(name=roles.FINANCE)
    assert finance.permissions.filter(content_type__app_label="sync", codename="view_invoice").exists()
