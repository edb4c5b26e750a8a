"""A later seed updates untouched entries and never silently overwrites a local edit."""

import pytest
from django.apps import apps

from sync.migrations._catalogue_seeding import entry, seed_apply
from sync.models import ErrorCatalogueEntry

pytestmark = pytest.mark.django_db


def _seed_v2_row(code: str, title_en: str) -> dict:
    current = ErrorCatalogueEntry.objects.get(code=code)
    row = {name: getattr(current, name) for name in current.seeded_values()}
    row["code"] = code
    row["title_en"] = title_en
    return row


def test_the_migration_seeded_entries_that_are_not_locally_edited():
    entry_ = ErrorCatalogueEntry.objects.get(code="exact.mandatory_journal")
    assert entry_.seed_version == 1
    assert entry_.locally_edited is False
    assert ErrorCatalogueEntry.objects.count() >= 70


def test_a_later_seed_updates_an_untouched_entry():
    row = _seed_v2_row("exact.mandatory_journal", "Journal not filled in")
    report = seed_apply(apps.get_model("sync", "ErrorCatalogueEntry"), [row], version=2)
    entry_ = ErrorCatalogueEntry.objects.get(code="exact.mandatory_journal")
    assert report["updated"] == 1
    assert entry_.title_en == "Journal not filled in"
    assert entry_.seed_version == 2
    assert entry_.locally_edited is False


def test_a_later_seed_does_not_overwrite_a_locally_edited_entry_and_records_the_conflict():
    entry_ = ErrorCatalogueEntry.objects.get(code="exact.mandatory_journal")
    entry_.fix_nl = "1. Bel Piet van financiën.\n2. Exporteer opnieuw."
    entry_.save()
    assert entry_.locally_edited is True

    row = _seed_v2_row("exact.mandatory_journal", "Journal not filled in")
    row["fix_nl"] = "1. Nieuwe stap."
    report = seed_apply(apps.get_model("sync", "ErrorCatalogueEntry"), [row], version=2)

    entry_.refresh_from_db()
    assert report["conflicts"] == 1
    assert entry_.fix_nl.startswith("1. Bel Piet")
    assert entry_.title_en == "Journal missing"
    assert entry_.seed_version == 1
    assert entry_.seed_conflict["version"] == 2
    assert entry_.seed_conflict["fix_nl"] == "1. Nieuwe stap."


def test_a_seed_creates_a_new_entry_and_leaves_one_added_locally_alone():
    ErrorCatalogueEntry.objects.create(
        code="exact.local_one", system="exact", title_nl="lokaal", title_en="local", cause_nl="c", cause_en="c",
        fix_nl="1. f", fix_en="1. f", who_acts="nobody",
    )
    rows = [
        entry("exact.brand_new", "exact", "nobody", False, "text", ["iets nieuws*"], ("n", "e"), ("c", "c"),
              (["s"], ["s"])),
        entry("exact.local_one", "exact", "nobody", False, "text", [], ("seed", "seed"), ("c", "c"), (["s"], ["s"])),
    ]
    report = seed_apply(apps.get_model("sync", "ErrorCatalogueEntry"), rows, version=2)
    assert report["created"] == 1 and report["conflicts"] == 1
    assert ErrorCatalogueEntry.objects.get(code="exact.brand_new").fix_en == "1. s"
    assert ErrorCatalogueEntry.objects.get(code="exact.local_one").title_en == "local"


def test_support_may_take_the_newer_seeded_text_after_a_conflict():
    from sync.errorcatalogue.conflicts import seed_conflict_accept

    entry_ = ErrorCatalogueEntry.objects.get(code="exact.mandatory_journal")
    entry_.title_nl = "Eigen titel"
    entry_.save()
    row = _seed_v2_row("exact.mandatory_journal", "Journal not filled in")
    row["title_nl"] = "Dagboek niet ingevuld"
    seed_apply(apps.get_model("sync", "ErrorCatalogueEntry"), [row], version=2)

    entry_.refresh_from_db()
    assert seed_conflict_accept(entry=entry_) is True
    entry_.refresh_from_db()
    assert entry_.title_nl == "Dagboek niet ingevuld" and entry_.seed_version == 2
    assert entry_.locally_edited is False and entry_.seed_conflict is None
