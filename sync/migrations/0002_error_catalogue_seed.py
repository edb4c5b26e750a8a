"""Seed the error catalogue (v1). Later changes to seeded entries go in a new migration with a new seed module."""

from django.db import migrations

from sync.migrations import _catalogue_seed_v1_exact, _catalogue_seed_v1_links, _catalogue_seed_v1_preflight
from sync.migrations._catalogue_seeding import seed_apply

VERSION = 1


def seed(apps, schema_editor):
    Entry = apps.get_model("sync", "ErrorCatalogueEntry")
    rows = _catalogue_seed_v1_exact.ROWS + _catalogue_seed_v1_links.ROWS + _catalogue_seed_v1_preflight.ROWS
    seed_apply(Entry, rows, version=VERSION)


class Migration(migrations.Migration):
    dependencies = [("sync", "0001_initial")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
