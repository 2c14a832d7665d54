"""Which sign-in the app asks for, decided from what is known at the start of a run (pure, no Streamlit).

* The users table holds anyone, or an identity provider is configured: each person signs in by name
  (users disabled one and all still mean named sign-in: disabling people never opens the app).
* Else a shared team password is configured: the old gate, the person is "team member", a manager.
* Else the app is open: the local user on their own computer, a manager.

When the users table cannot be read, the app cannot know whether named users exist. It then asks for
the shared password when one is configured; else it refuses to open when sign-in is required (the
setting ``require_sign_in``, an identity provider, or this installation having seen named users before:
a marker file beside the audit log, written when users are first found or added); else it opens for the
local user and says why. A database that is down therefore never opens a server that had named users.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from pathlib import Path

log = logging.getLogger(__name__)

NAMED, SHARED_PASSWORD, OPEN, REFUSED = "named", "shared password", "open", "refused"
MARKER_NAME = "named_sign_in"
FIRST_USER_COMMAND = "python -m core.cli.users add NAME --role manager"


@dataclass(frozen=True)
class GateChoice:
    """The sign-in to ask for; ``message`` says why the app is refused, or a caveat to show while it runs."""

    kind: str  # NAMED, SHARED_PASSWORD, OPEN or REFUSED
    message: str | None = None


def choose_gate(
    users: int | None,
    *,
    shared_password: bool,
    identity_provider: bool,
    sign_in_required: bool,
    store_problem: str = "",
) -> GateChoice:
    """``users``: rows in the users table, None when it cannot be read (``store_problem`` says why)."""
    required = sign_in_required or identity_provider
    if users is None:
        if shared_password:
            return GateChoice(
                SHARED_PASSWORD,
                f"The user database cannot be reached, so the team password was asked instead. {store_problem}",
            )
        if required:
            return GateChoice(
                REFUSED,
                "The app cannot open: people sign in here by name, and the user database cannot be reached. "
                f"{store_problem} Tell your administrator; the app opens again once the database is back.",
            )
        return GateChoice(
            OPEN, f"The user database cannot be reached, so the app is open without sign-in. {store_problem}"
        )
    if users > 0 or identity_provider:
        return GateChoice(NAMED)
    if shared_password:
        return GateChoice(SHARED_PASSWORD)
    if required:
        return GateChoice(
            REFUSED,
            "The app cannot open: sign-in is required here, but no user exists yet. An administrator adds the "
            f"first manager on the server with: {FIRST_USER_COMMAND}",
        )
    return GateChoice(OPEN)


def remember_named_users(log_dir: Path) -> None:
    """Note beside the audit log that this installation has named users (kept when the database is down)."""
    marker = Path(log_dir) / MARKER_NAME
    if marker.exists():
        return
    try:
        marker.parent.mkdir(parents=True, exist_ok=True)
        marker.write_text(
            "This installation signs people in by name. While this file exists, the app refuses to open without\n"
            "sign-in when the user database cannot be reached. Delete it only to go back to open local use.\n"
        )
    except OSError as error:  # the setting require_sign_in still protects; the audit trail will fail loudly
        log.warning("could not write %s: %s", marker, error.strerror or error)


def named_users_seen(log_dir: Path) -> bool:
    return (Path(log_dir) / MARKER_NAME).exists()
