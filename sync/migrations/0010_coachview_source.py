"""Every invoice and debtor records the Coachview environment it came from (issue 22).

Existing rows were fetched from the connection as it is configured now: they get its source.
"""

from urllib.parse import urlsplit

from django.db import migrations, models

# Frozen copies of coupling.coachview.api's base URLs (a migration does not follow later code).
BASE_URLS = {"live": "https://secure.coachview.net", "training": "https://training.coachview.net"}


def sources_set(apps, schema_editor):
    Connection = apps.get_model("coupling", "CoachviewConnection")
    connection = Connection.objects.first()
    if connection is None:
        return
    base = connection.custom_base_url.rstrip("/") if connection.environment == "custom" else BASE_URLS.get(
        connection.environment, BASE_URLS["training"]
    )
    parts = urlsplit(base)
    source = f"{connection.environment}:{parts.netloc}{parts.path}".rstrip("/")[:200]
    for name in ("Debtor", "Invoice"):
        apps.get_model("sync", name).objects.filter(coachview_source="").update(coachview_source=source)


class Migration(migrations.Migration):

    dependencies = [
        ('sync', '0009_error_catalogue_seed_v3_data'),
        ('coupling', '0003_coachview_profile'),
    ]

    operations = [
        migrations.AddField(
            model_name='debtor',
            name='coachview_source',
            field=models.CharField(default='', max_length=200, verbose_name='Coachview environment'),
        ),
        migrations.AddField(
            model_name='invoice',
            name='coachview_source',
            field=models.CharField(default='', max_length=200, verbose_name='Coachview environment'),
        ),
        migrations.RunPython(sources_set, migrations.RunPython.noop),
        migrations.AlterField(
            model_name='debtor',
            name='coachview_id',
            field=models.CharField(max_length=64, verbose_name='Coachview id'),
        ),
        migrations.AlterField(
            model_name='invoice',
            name='coachview_id',
            field=models.CharField(max_length=64, verbose_name='Coachview id'),
        ),
        migrations.AddConstraint(
            model_name='debtor',
            constraint=models.UniqueConstraint(fields=('coachview_source', 'coachview_id'), name='one_debtor_per_source_id'),
        ),
        migrations.AddConstraint(
            model_name='invoice',
            constraint=models.UniqueConstraint(fields=('coachview_source', 'coachview_id'), name='one_invoice_per_source_id'),
        ),
    ]
