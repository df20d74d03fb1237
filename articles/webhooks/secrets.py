"""Endpoint secrets kept encrypted at rest (Fernet), readable only with the site's key.

The key is derived from SECRET_KEY, so there is no second secret to deploy; the keys of
SECRET_KEY_FALLBACKS still decrypt, so SECRET_KEY can be rotated the way Django rotates
it for sessions (docs/deploy.md)."""

from __future__ import annotations

import base64
import secrets

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from django.conf import settings

# Different purposes of SECRET_KEY never share a derived key.
PURPOSE = b"newsdesk webhook endpoint secrets"
NEW_SECRET_BYTES = 32


class UnreadableSecret(Exception):
    """The stored secret was encrypted with a key this site no longer has."""


def _fernet_key(secret_key: str) -> bytes:
    derived = HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=PURPOSE).derive(
        secret_key.encode()
    )
    return base64.urlsafe_b64encode(derived)


def _fernet() -> MultiFernet:
    # The first key encrypts; every key decrypts.
    keys = [settings.SECRET_KEY, *settings.SECRET_KEY_FALLBACKS]
    return MultiFernet([Fernet(_fernet_key(key)) for key in keys])


def generate() -> str:
    return secrets.token_urlsafe(NEW_SECRET_BYTES)


def encrypt(secret: str) -> str:
    return _fernet().encrypt(secret.encode()).decode()


def decrypt(stored: str) -> str:
    try:
        return _fernet().decrypt(stored.encode()).decode()
    except InvalidToken:
        raise UnreadableSecret from None
