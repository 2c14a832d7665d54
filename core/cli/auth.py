"""Make a password hash for the access gate (read without echo, never from the command line):

    python -m core.cli.auth hash

Put the printed line in .streamlit/secrets.toml as ``[auth] password_hash = "..."`` or in the
environment as RRADAR_PASSWORD_HASH. With neither set the app runs open (local use).
"""

from __future__ import annotations

import getpass
import sys

from core.trust.passwords import hash_password


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    if args != ["hash"]:
        print("usage: python -m core.cli.auth hash", file=sys.stderr)
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
