"""A seed's newer text that was not applied because a person had edited the entry."""

from sync.errorcatalogue.seedhash import SEEDED_FIELDS, catalogue_content_hash
from sync.models.catalogue import ErrorCatalogueEntry


def seed_conflict_accept(*, entry: ErrorCatalogueEntry) -> bool:
    """Replace the local edit by the newer seeded text; False when there is no conflict."""
    conflict = entry.seed_conflict
    if not conflict:
        return False
    values = {name: conflict[name] for name in SEEDED_FIELDS}
    ErrorCatalogueEntry.objects.filter(pk=entry.pk).update(
        seed_version=conflict["version"], seed_hash=catalogue_content_hash(values), seed_conflict=None, **values
    )
    return True


def seed_conflict_dismiss(*, entry: ErrorCatalogueEntry) -> bool:
    """Keep the local edit and forget the newer seeded text."""
    return bool(ErrorCatalogueEntry.objects.filter(pk=entry.pk, seed_conflict__isnull=False).update(seed_conflict=None))
