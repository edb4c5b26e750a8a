"""Key rotation re-encrypts every stored secret with the first key; a check names a value no key can read."""

import io
import os
import subprocess
import sys

import pytest
from cryptography.fernet import Fernet
from django.conf import settings as django_settings
from django.core.management import CommandError, call_command
from django.db import connection

from coupling import checks
from coupling.models import CoachviewConnection, ExactConnection

pytestmark = pytest.mark.django_db

SECRETS = {
    "client_secret": "client-secret-value",
    "access_token": "access-value",
    "refresh_token": "refresh-value",
}


def _key() -> str:
    return Fernet.generate_key().decode()


def _raw(model, pk, column):
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {column} FROM {model._meta.db_table} WHERE id = %s", [pk])  # noqa: S608
        return cursor.fetchone()[0]


def _stored_under(old, settings):
    settings.FIELD_ENCRYPTION_KEYS = [old]
    exact = ExactConnection.objects.create(client_id="c", **SECRETS)
    coachview, _created = CoachviewConnection.objects.update_or_create(
        pk=1, defaults={"client_id": "cv", "client_secret": "cv-secret", "access_token": ""}
    )
    return exact, coachview


def test_rotate_keys_re_encrypts_every_secret_with_the_first_key_and_prints_only_counts(settings):
    old, new = _key(), _key()
    exact, coachview = _stored_under(old, settings)
    settings.FIELD_ENCRYPTION_KEYS = [new, old]
    out = io.StringIO()
    call_command("rotate_keys", stdout=out)
    text = out.getvalue()
    assert "coupling.ExactConnection.refresh_token: 1 stored, 1 re-encrypted, 0 unreadable." in text
    assert "coupling.CoachviewConnection.client_secret: 1 stored, 1 re-encrypted" in text
    assert "coupling.CoachviewConnection.access_token: 0 stored" in text  # empty stays empty
    assert "Re-encrypted 4 value(s)" in text
    for value in [*SECRETS.values(), "cv-secret"]:
        assert value not in text
    # The new key alone reads everything now: the old one can go.
    for column, value in SECRETS.items():
        assert (
            Fernet(new.encode()).decrypt(_raw(ExactConnection, exact.pk, column).encode()).decode() == value
        )
    settings.FIELD_ENCRYPTION_KEYS = [new]
    assert ExactConnection.objects.get(pk=exact.pk).refresh_token == "refresh-value"
    assert CoachviewConnection.objects.get(pk=coachview.pk).client_secret == "cv-secret"
    assert _raw(CoachviewConnection, coachview.pk, "access_token") == ""


def test_the_check_names_the_model_and_field_of_an_unreadable_value_never_the_value(settings):
    exact, _ = _stored_under(_key(), settings)
    ciphertext = _raw(ExactConnection, exact.pk, "refresh_token")
    settings.FIELD_ENCRYPTION_KEYS = [_key()]
    errors = checks.check_stored_secrets_readable(None, databases=["default"])
    assert {e.id for e in errors} == {"coupling.E007"}
    messages = " ".join(f"{e.msg} {e.hint}" for e in errors)
    assert "coupling.ExactConnection.refresh_token" in messages
    assert "coupling.CoachviewConnection.client_secret" in messages
    assert ciphertext not in messages and "refresh-value" not in messages


def test_the_check_is_quiet_when_every_value_is_readable_or_when_not_asked_for_the_database(settings):
    old = _key()
    _stored_under(old, settings)
    settings.FIELD_ENCRYPTION_KEYS = [_key(), old]
    assert checks.check_stored_secrets_readable(None, databases=["default"]) == []
    settings.FIELD_ENCRYPTION_KEYS = [_key()]
    assert checks.check_stored_secrets_readable(None) == []  # `check` without --database reads no table


def test_rotate_keys_leaves_unreadable_values_alone_and_fails(settings):
    exact, _ = _stored_under(_key(), settings)
    before = _raw(ExactConnection, exact.pk, "client_secret")
    settings.FIELD_ENCRYPTION_KEYS = [_key()]
    out = io.StringIO()
    with pytest.raises(CommandError, match="coupling.ExactConnection.client_secret"):
        call_command("rotate_keys", stdout=out)
    assert "1 stored, 0 re-encrypted, 1 unreadable" in out.getvalue()
    assert _raw(ExactConnection, exact.pk, "client_secret") == before


def _manage(tmp_path, *args):
    env = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "SANDBOX_DATABASE_URL"}}
    env.update(DEBUG="1", DATABASE_URL=f"sqlite:///{tmp_path}/empty.sqlite3")
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        env=env,
        cwd=django_settings.BASE_DIR,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_before_migrate_the_check_and_the_command_do_not_crash(tmp_path):
    checked = _manage(tmp_path, "check", "--database", "default")
    assert checked.returncode == 0, checked.stderr
    rotated = _manage(tmp_path, "rotate_keys")
    assert rotated.returncode == 0, rotated.stderr
    assert "coupling.ExactConnection.client_secret: table not migrated yet, skipped." in rotated.stdout
