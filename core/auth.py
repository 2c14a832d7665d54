"""Password check for deployments without an identity provider (PBKDF2-SHA256, salted).

Make a hash for a new password (it is read without echo, never from the command line):

    python -m core.auth hash

and put the printed line in .streamlit/secrets.toml as ``[auth] password_hash = "..."`` or in the
environment as RRADAR_PASSWORD_HASH. With neither set the app runs open (local use).
"""

from __future__ import annotations

import base64
import getpass
import hashlib
import hmac
import os
import sys
from collections.abc import Mapping
from typing import Any

ALGORITHM = "pbkdf2_sha256"
ITERATIONS = 600_000  # OWASP's 2023 figure for PBKDF2-HMAC-SHA256


def hash_password(password: str, salt: bytes | None = None, iterations: int = ITERATIONS) -> str:
    """``pbkdf2_sha256$<iterations>$<salt b64>$<hash b64>``"""
    salt = os.urandom(16) if salt is None else salt
    digest = hashlib.pbkdf2_hmac("sha256", password.encode(), salt, iterations)
    return "$".join([ALGORITHM, str(iterations), base64.b64encode(salt).decode(), base64.b64encode(digest).decode()])


def verify_password(password: str, encoded: str) -> bool:
    """True when ``password`` matches ``encoded``; constant-time comparison; False for a malformed hash."""
    try:
        algorithm, iterations, salt, expected = encoded.split("$")
        if algorithm != ALGORITHM:
            return False
        digest = hashlib.pbkdf2_hmac("sha256", password.encode(), base64.b64decode(salt), int(iterations))
    except (ValueError, TypeError):
        return False
    return hmac.compare_digest(base64.b64encode(digest).decode(), expected)


def configured_hash(env: Mapping[str, str], secrets: Mapping[str, Any]) -> str | None:
    """The password hash in force: environment first, then secrets.toml; None = the app runs open."""
    value = env.get("RRADAR_PASSWORD_HASH") or secrets.get("auth", {}).get("password_hash")
    return str(value) if value else None


def retry_delay(failures: int) -> float:
    """Seconds to wait after the n-th wrong password in a row: 0.5, 1, 2, 4, 8, then 8."""
    return 0.0 if failures <= 0 else min(0.5 * 2 ** (failures - 1), 8.0)


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    if args != ["hash"]:
        print("usage: python -m core.auth hash", file=sys.stderr)
        return 2
    password = getpass.getpass("New password: ")
    if len(password) < 12:
        print("Use at least 12 characters.", file=sys.stderr)
        return 1
    if getpass.getpass("Repeat it: ") != password:
        print("The two entries differ.", file=sys.stderr)
        return 1
    print(hash_password(password))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
