import django.db.models.deletion
from django.db import migrations, models

# The scopes every connection got by default until no scope was asked by default (issue 17).
OLD_DEFAULT_SCOPES = "api Facturen.Lezen Facturen.Schrijven Debiteuren.Lezen"


def scopes_default_cleared(apps, schema_editor):
    Connection = apps.get_model("coupling", "CoachviewConnection")
    Connection.objects.filter(scopes=OLD_DEFAULT_SCOPES).update(scopes="")


class Migration(migrations.Migration):
    dependencies = [("coupling", "0002_roles")]

    operations = [
        migrations.AlterField(
            model_name="coachviewconnection",
            name="scopes",
            field=models.CharField(
                blank=True,
                default="",
                help_text="Leave empty to get the scopes ticked for the client in Coachview; else space-separated.",
                max_length=500,
                verbose_name="scopes",
            ),
        ),
        migrations.RunPython(scopes_default_cleared, migrations.RunPython.noop),
        migrations.CreateModel(
            name="CoachviewProfile",
            fields=[
                (
                    "connection",
                    models.OneToOneField(
                        on_delete=django.db.models.deletion.CASCADE,
                        primary_key=True,
                        related_name="profile",
                        serialize=False,
                        to="coupling.coachviewconnection",
                    ),
                ),
                ("entries", models.JSONField(blank=True, default=dict, verbose_name="profile")),
                ("probe_report", models.JSONField(blank=True, editable=False, null=True, verbose_name="last go-live check")),
                ("probe_ran_at", models.DateTimeField(blank=True, editable=False, null=True, verbose_name="last checked")),
                ("probe_passed_digest", models.CharField(blank=True, editable=False, max_length=64)),
                ("probe_passed_at", models.DateTimeField(blank=True, editable=False, null=True, verbose_name="check passed")),
                ("writeback_off", models.JSONField(blank=True, default=dict, editable=False, verbose_name="write-back switched off")),
                ("writeback_not_found", models.JSONField(blank=True, default=dict, editable=False)),
                ("updated_at", models.DateTimeField(auto_now=True, verbose_name="updated")),
            ],
            options={"verbose_name": "Coachview profile", "verbose_name_plural": "Coachview profile"},
        ),
    ]
