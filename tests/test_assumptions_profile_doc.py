"""docs/assumptions.md lists every Coachview profile entry with its default, status and source."""

import json
from pathlib import Path

import pytest

from coupling.coachview.profile import CONCEPTS, ENTRIES

DOC = Path(__file__).resolve().parent.parent / "docs" / "assumptions.md"


def _rows() -> dict[str, list[str]]:
    rows = {}
    for line in DOC.read_text(encoding="utf-8").splitlines():
        cells = [cell.strip() for cell in line.strip().strip("|").split("|")]
        if len(cells) == 4 and cells[0].startswith("`"):
            rows[cells[0].strip("`")] = cells[1:]
    return rows


@pytest.mark.parametrize("entry", ENTRIES, ids=lambda entry: entry.key)
def test_every_profile_entry_is_documented_with_its_status_and_source(entry):
    default, status, source = _rows()[entry.key]
    assert default == f"`{json.dumps(entry.default, ensure_ascii=False)}`"
    assert status == entry.status
    assert source == entry.source


@pytest.mark.parametrize("concept", CONCEPTS, ids=lambda concept: concept.name)
def test_every_field_concept_is_documented_with_its_status_and_source(concept):
    default, status, source = _rows()[f"fields.{concept.name}"]
    assert default == f"`{concept.default}`"
    assert status == concept.status
    assert source == concept.source
