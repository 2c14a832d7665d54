"""What can go wrong when the store is opened or used, as exceptions with plain messages.

Every message says what failed and where, never holds a password or a traceback, and can be shown to
the user as it is (the app adds what it does instead, e.g. "uploads are scored but not remembered").
"""

from __future__ import annotations


class StoreError(RuntimeError):
    """Base of the store's own errors."""


class StoreUnavailable(StoreError):
    """The database cannot be reached or used: bad address, server down, wrong password, unusable file."""


class MigrationFailed(StoreError):
    """The database could not be brought up to this version of the app; what it holds is unchanged."""


class StoreInputError(StoreError, ValueError):
    """What was asked of the store is not valid (unknown user, a role or outcome it does not know, …)."""
