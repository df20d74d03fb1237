"""The signature receivers verify: HMAC-SHA256 over `timestamp + "." + body`."""

from __future__ import annotations

import hashlib
import hmac

SIGNATURE_HEADER = "Newsdesk-Signature"
EVENT_ID_HEADER = "Newsdesk-Event-Id"
EVENT_HEADER = "Newsdesk-Event"


def signature(secret: str, timestamp: int, body: bytes) -> str:
    message = str(timestamp).encode() + b"." + body
    return hmac.new(secret.encode(), message, hashlib.sha256).hexdigest()


def signature_header(secret: str, timestamp: int, body: bytes) -> str:
    return f"t={timestamp},v1={signature(secret, timestamp, body)}"


def verify(secret: str, header: str, body: bytes, *, now: int, tolerance: int = 300) -> bool:
    """The receiver's side, as documented: right signature and a recent timestamp."""
    parts = dict(part.split("=", 1) for part in header.split(",") if "=" in part)
    try:
        timestamp = int(parts["t"])
    except (KeyError, ValueError):
        return False
    if abs(now - timestamp) > tolerance:
        return False
    return hmac.compare_digest(parts.get("v1", ""), signature(secret, timestamp, body))
