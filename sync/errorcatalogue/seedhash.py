"""The hash of an entry's seeded text. Data migrations rely on it: never change how it is computed."""

import hashlib
import json

# The fields a seed migration writes; the same list decides whether a person edited an entry.
SEEDED_FIELDS = (
    "system",
    "match_kind",
    "match_subjects",
    "title_nl",
    "title_en",
    "cause_nl",
    "cause_en",
    "fix_nl",
    "fix_en",
    "who_acts",
    "permanent",
)


def catalogue_content_hash(values: dict) -> str:
    """sha256 of the seeded fields, with line endings and outer whitespace evened out."""
    canonical = {}
    for name in SEEDED_FIELDS:
        value = values.get(name)
        if isinstance(value, str):
            value = value.replace("\r\n", "\n").strip()
        canonical[name] = value
    return hashlib.sha256(json.dumps(canonical, sort_keys=True).encode()).hexdigest()
