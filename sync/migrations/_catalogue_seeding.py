"""Applying a catalogue seed from a data migration (frozen: later seeds import this, do not change it).

A seeded row is updated only while its text is still the text a seed wrote (its hash equals
seed_hash). A row a person edited keeps its text; the newer seeded text is stored in
seed_conflict for a person to review in the admin.
"""

from sync.errorcatalogue.seedhash import SEEDED_FIELDS, catalogue_content_hash


def steps(lines: list[str]) -> str:
    """Numbered steps, one per line."""
    return "\n".join(f"{n}. {line}" for n, line in enumerate(lines, start=1))


def entry(code, system, who_acts, permanent, match_kind, match_subjects, title, cause, fix) -> dict:
    """One seed row; title and cause are (nl, en); fix is ([nl steps], [en steps])."""
    return {
        "code": code,
        "system": system,
        "who_acts": who_acts,
        "permanent": permanent,
        "match_kind": match_kind,
        "match_subjects": "\n".join(match_subjects),
        "title_nl": title[0],
        "title_en": title[1],
        "cause_nl": cause[0],
        "cause_en": cause[1],
        "fix_nl": steps(fix[0]),
        "fix_en": steps(fix[1]),
    }


def seed_apply(Entry, rows: list[dict], *, version: int) -> dict:
    """Create missing entries, update untouched ones, record a conflict for edited ones."""
    report = {"created": 0, "updated": 0, "conflicts": 0, "unchanged": 0}
    for row in rows:
        values = {name: row[name] for name in SEEDED_FIELDS}
        new_hash = catalogue_content_hash(values)
        current = Entry.objects.filter(code=row["code"]).first()
        if current is None:
            Entry.objects.create(code=row["code"], seed_version=version, seed_hash=new_hash, **values)
            report["created"] += 1
            continue
        current_hash = catalogue_content_hash({name: getattr(current, name) for name in SEEDED_FIELDS})
        if current_hash == new_hash:
            Entry.objects.filter(pk=current.pk).update(seed_version=version, seed_hash=new_hash, seed_conflict=None)
            report["unchanged"] += 1
        elif current.seed_hash and current_hash == current.seed_hash:
            Entry.objects.filter(pk=current.pk).update(
                seed_version=version, seed_hash=new_hash, seed_conflict=None, **values
            )
            report["updated"] += 1
        else:
            # Edited locally (or added by a person under a code a seed now uses): keep it.
            Entry.objects.filter(pk=current.pk).update(seed_conflict={"version": version, **values})
            report["conflicts"] += 1
    return report
