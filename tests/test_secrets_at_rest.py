"""Secrets are stored encrypted; the key can be rotated without losing them."""

import pytest
from cryptography.fernet import Fernet
from django.core.exceptions import ImproperlyConfigured

from coupling import fields


def test_it_encrypts_and_decrypts(settings):
    token = fields.encrypt("refresh-token-value")
    assert "refresh-token-value" not in token
    assert fields.decrypt(token) == "refresh-token-value"


def test_old_keys_still_decrypt_after_rotation(settings):
    old, new = Fernet.generate_key().decode(), Fernet.generate_key().decode()
    settings.FIELD_ENCRYPTION_KEYS = [old]
    token = fields.encrypt("secret")
    settings.FIELD_ENCRYPTION_KEYS = [new, old]
    assert fields.decrypt(token) == "secret"
    assert Fernet(new.encode()).decrypt(fields.encrypt("secret").encode()) == b"secret"


def test_a_wrong_key_gives_a_clear_error_without_the_secret(settings):
    token = fields.encrypt("secret")
    settings.FIELD_ENCRYPTION_KEYS = [Fernet.generate_key().decode()]
    with pytest.raises(ImproperlyConfigured) as excinfo:
        fields.decrypt(token)
    assert token not in str(excinfo.value)
