from django.db import migrations

from sync.migrations import _catalogue_seed_v6_natural_pastes
from sync.migrations._catalogue_seeding import seed_apply


def seed(apps, schema_editor):
    """Seed v6 of the error catalogue (issue 19, item 10): Exact's "Verplicht: Kostenplaats"."""
    Entry = apps.get_model("sync", "ErrorCatalogueEntry")
    seed_apply(Entry, _catalogue_seed_v6_natural_pastes.ROWS, version=6)


class Migration(migrations.Migration):

    dependencies = [
        ('sync', '0014_error_catalogue_seed_v5_exact_texts'),
    ]

    operations = [
        migrations.RunPython(seed, migrations.RunPython.noop),
    ]
