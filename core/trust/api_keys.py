"""API keys: made here, shown once, kept only as a hash.

A key is 32 random bytes (URL-safe text with a recognisable prefix), so a plain SHA-256 of it is enough to
keep: unlike a password it cannot be guessed from a list, and a fast hash keeps every API call cheap to check.
"""

from __future__ import annotations

import hashlib
import secrets

PREFIX = "rrk_"  # says what the string is when it turns up in a config file
KEY_BYTES = 32


def new_key() -> str:
    """A fresh key, to be shown once to whoever asked for it."""
    return PREFIX + secrets.token_urlsafe(KEY_BYTES)


def key_hash(key: str) -> str:
    """What the store keeps of a key (hex SHA-256)."""
    return hashlib.sha256(key.strip().encode()).hexdigest()
