"""Personal API tokens: made, looked up and revoked. The secret is shown once and only its
SHA-256 is kept, so a leaked database does not leak working tokens."""

from __future__ import annotations

import hashlib
import secrets
from datetime import datetime

from django.utils import timezone

from articles.models import ApiToken

# A recognisable start, so a token pasted into a chat or a repository is easy to spot.
SECRET_PREFIX = "nd_"
SHOWN_PREFIX_CHARS = 10


def digest(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def create_token(*, user, name: str, expires_at: datetime | None = None) -> tuple[ApiToken, str]:
    """A new token and its secret (the only time the secret exists outside the client)."""
    secret = SECRET_PREFIX + secrets.token_urlsafe(32)
    token = ApiToken.objects.create(
        user=user,
        name=name,
        prefix=secret[:SHOWN_PREFIX_CHARS],
        key_sha256=digest(secret),
        expires_at=expires_at,
    )
    return token, secret


def token_for(secret: str) -> ApiToken | None:
    """The usable token with this secret (not revoked, not expired, user active), its
    last use stamped; None for anything else."""
    if not secret.startswith(SECRET_PREFIX):
        return None
    token = ApiToken.objects.usable().select_related("user").filter(key_sha256=digest(secret))
    found = token.first()
    if found is not None:
        found.last_used_at = timezone.now()
        ApiToken.objects.filter(pk=found.pk).update(last_used_at=found.last_used_at)
    return found


def revoke(token: ApiToken) -> None:
    if token.revoked_at is None:
        token.revoked_at = timezone.now()
        ApiToken.objects.filter(pk=token.pk).update(revoked_at=token.revoked_at)
