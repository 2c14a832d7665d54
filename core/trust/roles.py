"""Who may do what: two roles, and the actions only managers may take.

Coordinators view, score, record contacts and export; managers also change the deployment's saved
settings, train models, promote or roll back versions, and manage users. Every page asks here, so a
role means the same everywhere.
"""

from __future__ import annotations

COORDINATOR, MANAGER = "coordinator", "manager"
ROLES = (COORDINATOR, MANAGER)

VIEW, SCORE, RECORD_CONTACTS, EXPORT = "view", "score", "record contacts", "export"
SAVE_SETTINGS, TRAIN, PROMOTE, MANAGE_USERS = "save settings", "train models", "promote models", "manage users"

ALLOWED: dict[str, frozenset[str]] = {
    COORDINATOR: frozenset({VIEW, SCORE, RECORD_CONTACTS, EXPORT}),
    MANAGER: frozenset({VIEW, SCORE, RECORD_CONTACTS, EXPORT, SAVE_SETTINGS, TRAIN, PROMOTE, MANAGE_USERS}),
}


def may(role: str, action: str) -> bool:
    """True when ``role`` may take ``action``; an unknown role may do nothing."""
    return action in ALLOWED.get(role, frozenset())


def refusal(action: str, who: str | None = None, role: str | None = None) -> str:
    """The plain sentences shown when someone's role does not allow ``action``; ``who`` and ``role`` name them."""
    signed_in = f" You are signed in as {who} ({role or 'no role'})." if who else ""
    return f"Only a manager can {action}.{signed_in} Ask a manager on your team if this needs doing."
