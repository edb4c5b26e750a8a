"""The health tasks moved from `sync.tasks_health` into `sync.tasks`: existing schedule rows follow."""

from django.db import migrations

OLD, NEW = "sync.tasks_health.", "sync.tasks."


def forwards(apps, schema_editor):
    Schedule = apps.get_model("django_q", "Schedule")
    for schedule in Schedule.objects.filter(func__startswith=OLD):
        schedule.func = NEW + schedule.func.removeprefix(OLD)
        schedule.save(update_fields=["func"])


def backwards(apps, schema_editor):
    Schedule = apps.get_model("django_q", "Schedule")
    for name in ("health_check_task", "support_digest_task", "retention_prune_task"):
        Schedule.objects.filter(func=NEW + name).update(func=OLD + name)


class Migration(migrations.Migration):
    dependencies = [
        ("sync", "0018_account_creation"),
        ("django_q", "0001_initial"),
    ]

    operations = [migrations.RunPython(forwards, backwards)]
