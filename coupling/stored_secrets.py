"""Every value stored in an EncryptedTextField, read as ciphertext: which cannot be read, and key rotation.

The values are compared and written as ciphertext (Cast / Value with a plain TextField), so the
secret itself is never decrypted into a variable here, and a value changed meanwhile (a token
refresh) is left alone rather than overwritten.
"""

from dataclasses import dataclass

from django.apps import apps
from django.core.exceptions import ImproperlyConfigured
from django.db import DatabaseError, connections, models, router
from django.db.models.functions import Cast

from coupling import fields

CIPHERTEXT = "stored_ciphertext"


@dataclass
class FieldCount:
    """What was found in one encrypted column; never a value."""

    label: str  # "coupling.ExactConnection.refresh_token"
    migrated: bool = True
    stored: int = 0
    unreadable: int = 0
    rotated: int = 0


def encrypted_fields() -> list[tuple[type[models.Model], models.Field]]:
    """(model, field) for every EncryptedTextField of every installed model."""
    return [
        (model, field)
        for model in apps.get_models()
        for field in model._meta.concrete_fields
        if isinstance(field, fields.EncryptedTextField)
    ]


def _has_table(model, alias: str) -> bool:
    return model._meta.db_table in connections[alias].introspection.table_names()


def _ciphertexts(model, field, alias: str):
    """(pk, ciphertext) of the non-empty values of one column."""
    rows = model._base_manager.using(alias).annotate(**{CIPHERTEXT: Cast(field.name, models.TextField())})
    return (
        rows.exclude(**{f"{CIPHERTEXT}__isnull": True})
        .exclude(**{CIPHERTEXT: ""})
        .values_list("pk", CIPHERTEXT)
    )


def survey(*, databases=None, rotate: bool = False) -> list[FieldCount]:
    """Count stored and unreadable values per encrypted field; with `rotate`, re-encrypt the readable ones
    with the first key. Tables not migrated yet are reported as such and skipped."""
    counts = []
    for model, field in encrypted_fields():
        alias = router.db_for_write(model) or "default"
        count = FieldCount(label=f"{model._meta.label}.{field.name}")
        counts.append(count)
        if databases is not None and alias not in databases:
            continue
        if not _has_table(model, alias):
            count.migrated = False
            continue
        for pk, token in _ciphertexts(model, field, alias):
            count.stored += 1
            if not fields.is_readable(token):
                count.unreadable += 1
            elif rotate:
                count.rotated += _replace(model, field, alias, pk=pk, old=token, new=fields.rotate(token))
    return counts


def _replace(model, field, alias: str, *, pk, old: str, new: str) -> int:
    """Write `new` only when the column still holds `old` (compare-and-swap); 1 when written."""
    rows = model._base_manager.using(alias).annotate(**{CIPHERTEXT: Cast(field.name, models.TextField())})
    return rows.filter(pk=pk, **{CIPHERTEXT: old}).update(
        **{field.name: models.Value(new, output_field=models.TextField())}
    )


def unreadable_fields(*, databases) -> list[FieldCount]:
    """The encrypted fields holding a value the configured keys cannot read; [] when the database cannot be
    reached or the keys are missing (other checks report those)."""
    try:
        return [count for count in survey(databases=databases) if count.unreadable]
    except (DatabaseError, ImproperlyConfigured):
        return []
