"""Seed v2 of the error catalogue: the Coachview profile, the go-live check and the fetch (issue 17)."""

from django.db import migrations

from sync.migrations import _catalogue_seed_v2_coachview
from sync.migrations._catalogue_seeding import seed_apply

VERSION = 2


def seed(apps, schema_editor):
    Entry = apps.get_model("sync", "ErrorCatalogueEntry")
    seed_apply(Entry, _catalogue_seed_v2_coachview.ROWS, version=VERSION)


class Migration(migrations.Migration):
    dependencies = [("sync", "0006_health_golive_kinds")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
