"""Encryption at rest of the carts' API keys (Fernet, keys from CREDENTIALS_ENCRYPTION_KEYS).

The first configured key encrypts; every configured key decrypts, so keys rotate by putting a
new key first, running `python manage.py cart rotate-keys`, then removing the old key.
"""
from __future__ import annotations

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

from carts.platforms.base import StoreError
from carts.platforms.bigcommerce.credentials import ApiKey, InvalidCredentials, parse_api_key


class StoredKeyUnreadable(StoreError):
    """The stored key was encrypted with a key that is no longer configured: the store cannot be reached."""


def _fernet() -> MultiFernet:
    keys = settings.CREDENTIALS_ENCRYPTION_KEYS
    if not keys:
        raise ImproperlyConfigured("CREDENTIALS_ENCRYPTION_KEYS is empty: configure at least one Fernet key.")
    try:
        return MultiFernet([Fernet(key) for key in keys])
    except ValueError:
        raise ImproperlyConfigured(
            "CREDENTIALS_ENCRYPTION_KEYS holds a value that is not a Fernet key (32 url-safe base64 bytes)."
        ) from None


def api_key_encrypt(api_key: ApiKey) -> str:
    """Encrypt CLIENT ID:ACCESS TOKEN with the newest key."""
    return _fernet().encrypt(api_key.joined.encode()).decode()


def api_key_decrypt(ciphertext: str) -> ApiKey:
    """Decrypt a stored key with any configured key."""
    try:
        return parse_api_key(_fernet().decrypt(ciphertext.encode()).decode())
    except InvalidToken:
        raise StoredKeyUnreadable(
            "The stored API key cannot be decrypted with the configured CREDENTIALS_ENCRYPTION_KEYS."
        ) from None


def secret_encrypt(secret: str) -> str:
    """Encrypt another secret kept at rest (a cart's webhook secret) with the newest key, as API keys are."""
    return _fernet().encrypt(secret.encode()).decode()


def secret_decrypt(ciphertext: str) -> str:
    """Decrypt a secret kept with secret_encrypt; StoredKeyUnreadable when no configured key opens it."""
    try:
        return _fernet().decrypt(ciphertext.encode()).decode()
    except InvalidToken:
        raise StoredKeyUnreadable("A stored secret cannot be decrypted with the configured "
                                  "CREDENTIALS_ENCRYPTION_KEYS.") from None


def api_key_reencrypt(ciphertext: str) -> str:
    """Re-encrypt a stored key (or a secret) with the newest key (for rotation)."""
    try:
        return _fernet().rotate(ciphertext.encode()).decode()
    except InvalidToken:
        raise StoredKeyUnreadable("A stored API key cannot be decrypted with any configured key.") from None


def column_reencrypt(rows, field: str) -> int:
    """Re-encrypt one encrypted column of every row of a queryset with the newest key; returns how many rows."""
    rotated = 0
    for pk, ciphertext in rows.values_list("pk", field).iterator():
        rows.model.objects.filter(pk=pk).update(**{field: api_key_reencrypt(ciphertext)})
        rotated += 1
    return rotated


# How long a key typed into a form with errors is kept for the next submission.
KEY_HELD_SECONDS = 3600


def api_key_hold(api_key: ApiKey, *, company_id: int) -> str:
    """The key encrypted for a form sent back with errors (never rendered in clear), bound to the company."""
    return _fernet().encrypt(f"{company_id}|{api_key.joined}".encode()).decode()


def api_key_held(token: str, *, company_id: int) -> ApiKey | None:
    """The key a form held for this company, if the token is genuine, recent and the company's; else None."""
    try:
        text = _fernet().decrypt(token.encode(), ttl=KEY_HELD_SECONDS).decode()
    except (InvalidToken, UnicodeError):
        return None
    owner, _, joined = text.partition("|")
    if owner != str(company_id):
        return None
    try:
        return parse_api_key(joined)
    except InvalidCredentials:
        return None
