from django.db import migrations

from sync.migrations import _catalogue_seed_v5_exact_texts
from sync.migrations._catalogue_seeding import seed_apply


def seed(apps, schema_editor):
    """Seed v5 of the error catalogue (issue 18, item 5): a closed period in REST wording too."""
    Entry = apps.get_model("sync", "ErrorCatalogueEntry")
    seed_apply(Entry, _catalogue_seed_v5_exact_texts.ROWS, version=5)


class Migration(migrations.Migration):

    dependencies = [
        ('sync', '0013_export_schedule'),
    ]

    operations = [
        migrations.RunPython(seed, migrations.RunPython.noop),
    ]
