"""Model fields for secrets at rest: Fernet-encrypted with FIELD_ENCRYPTION_KEY (first key encrypts)."""

from functools import cache

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import models


@cache
def _fernet(keys: tuple[str, ...]) -> MultiFernet:
    try:
        return MultiFernet([Fernet(key.strip().encode()) for key in keys])
    except ValueError as exc:
        raise ImproperlyConfigured("FIELD_ENCRYPTION_KEY holds a key that is not a valid Fernet key.") from exc


def _keys() -> tuple[str, ...]:
    if not settings.FIELD_ENCRYPTION_KEYS:
        raise ImproperlyConfigured("FIELD_ENCRYPTION_KEY is not set; secrets cannot be stored or read.")
    return tuple(settings.FIELD_ENCRYPTION_KEYS)


def encrypt(value: str) -> str:
    return _fernet(_keys()).encrypt(value.encode()).decode()


UNREADABLE = (
    "A stored secret cannot be decrypted with FIELD_ENCRYPTION_KEY (was the key changed without "
    "keeping the old one in the list?)."
)


def decrypt(token: str) -> str:
    try:
        return _fernet(_keys()).decrypt(token.encode()).decode()
    except InvalidToken as exc:
        # Never include the token in the message: it would end up in logs.
        raise ImproperlyConfigured(UNREADABLE) from exc


def is_readable(token: str) -> bool:
    """True when one of the configured keys decrypts the stored token."""
    try:
        _fernet(_keys()).decrypt(token.encode())
    except InvalidToken:
        return False
    return True


def rotate(token: str) -> str:
    """The same secret encrypted with the first key (MultiFernet.rotate); the secret never leaves here."""
    try:
        return _fernet(_keys()).rotate(token.encode()).decode()
    except InvalidToken as exc:
        raise ImproperlyConfigured(UNREADABLE) from exc


class EncryptedTextField(models.TextField):
    """Holds a secret encrypted in the database; Python code sees plain text. Empty stays empty."""

    def from_db_value(self, value, expression, connection):
        if not value:
            return value
        return decrypt(value)

    def get_prep_value(self, value):
        value = super().get_prep_value(value)
        if not value:
            return value
        return encrypt(value)
