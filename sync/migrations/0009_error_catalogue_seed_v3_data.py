"""Seed v3 of the error catalogue: values from Coachview that do not fit hold their invoice (issue 22)."""

from django.db import migrations

from sync.migrations import _catalogue_seed_v3_data
from sync.migrations._catalogue_seeding import seed_apply

VERSION = 3


def seed(apps, schema_editor):
    Entry = apps.get_model("sync", "ErrorCatalogueEntry")
    seed_apply(Entry, _catalogue_seed_v3_data.ROWS, version=VERSION)


class Migration(migrations.Migration):
    dependencies = [("sync", "0008_data_fit")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
