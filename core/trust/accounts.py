"""The team's user accounts and the rules for changing them, shared by the Users page and ``python -m core.cli.users``.

Rules: a name is unique ignoring case and spacing (people type "Ana" and "ana "); a password has at least
``MIN_PASSWORD_LENGTH`` characters and is kept only as a salted hash; the team always keeps one enabled
manager (the last one cannot be disabled or made a coordinator, and while there is none the next user
added must be a manager). Every change comes back as an ``AccountChange`` for the audit trail: who was
changed and how, never a password or a hash.

Two people changing roles at the same moment could still both pass the last-manager check; the command
line (``python -m core.cli.users enable`` or ``add --role manager``) always brings a manager back.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from core.store.errors import StoreInputError
from core.store.users import User, Users
from core.trust.passwords import ITERATIONS, hash_password, verify_password
from core.trust.roles import MANAGER, ROLES

MIN_PASSWORD_LENGTH = 12
MAX_NAME_LENGTH = 200  # the users table's limit
NO_PASSWORD = "!"  # stored instead of a hash for someone who signs in only through the identity provider

# Audit trail events for account changes.
USER_ADDED, ROLE_CHANGED = "user_added", "user_role_changed"
USER_DISABLED, USER_ENABLED, PASSWORD_RESET = "user_disabled", "user_enabled", "user_password_reset"
PASSWORD_CHANGED = "user_password_changed"  # by the user themselves


class AccountError(ValueError):
    """A change the rules refuse; the message says why and what to do, in plain words."""


class WrongPassword(AccountError):
    """The current password given to change it is not right (counted like a wrong sign-in)."""


@dataclass(frozen=True)
class AccountChange:
    """What changed, for the audit trail: the event, whose account, and details (never a password)."""

    event: str
    user: str
    details: dict[str, Any] = field(default_factory=dict)

    def audit_fields(self, by: str) -> dict[str, Any]:
        return {"user": self.user, "by": by, **self.details}


def same_name(name: str) -> str:
    """The form two names are compared in: spaces trimmed and collapsed, any case."""
    return " ".join(str(name).split()).casefold()


def find_user(users: Iterable[User], typed: str) -> User | None:
    """The user with this name, ignoring case and spacing; None when there is none."""
    wanted = same_name(typed)
    return next((u for u in users if same_name(u.name) == wanted), None) if wanted else None


def check_password(password: str) -> None:
    if len(password) < MIN_PASSWORD_LENGTH:
        raise AccountError(f"The password is too short: use at least {MIN_PASSWORD_LENGTH} characters.")


def check_role(role: str) -> str:
    if role not in ROLES:
        raise AccountError(f"{role!r} is not a role here: use {' or '.join(ROLES)}.")
    return role


def check_name(name: str) -> str:
    """The name as it will be kept (spaces trimmed and collapsed); refuses empty, overlong or control characters."""
    cleaned = " ".join(str(name).split())
    if not cleaned:
        raise AccountError("Give the user a name.")
    if len(cleaned) > MAX_NAME_LENGTH:
        raise AccountError(f"The name is too long: use at most {MAX_NAME_LENGTH} characters.")
    if any(unicodedata.category(c).startswith("C") for c in cleaned):
        raise AccountError("The name holds a control character: type it again with letters, digits and punctuation.")
    return cleaned


class Accounts:
    """The users table with the team's rules; ``iterations`` is PBKDF2's work factor (tests pass a small one)."""

    def __init__(self, users: Users, iterations: int = ITERATIONS) -> None:
        self._users = users
        self._iterations = iterations

    def all(self) -> list[User]:
        return self._users.all()

    def find(self, typed: str) -> User | None:
        """The user with this name, ignoring case and spacing; None when there is none."""
        return find_user(self._users.all(), typed)

    def _existing(self, name: str) -> User:
        user = self.find(name)
        if user is None:
            raise AccountError(f"There is no user named {name!r}. See the names with: python -m core.cli.users list")
        return user

    def enabled_managers(self) -> list[str]:
        return [u.name for u in self._users.all() if u.role == MANAGER and not u.disabled]

    def _keep_a_manager(self, user: User, doing: str) -> None:
        if user.role == MANAGER and not user.disabled and self.enabled_managers() == [user.name]:
            raise AccountError(
                f"{user.name} is the last enabled manager, so they cannot be {doing}: the team would have no one "
                "left to manage users. Make someone else a manager first."
            )

    def check_new(self, name: str, role: str) -> tuple[str, str]:
        """The name (as it will be kept) and role of a user that may be added; AccountError if not."""
        name, role = check_name(name), check_role(role)
        if self.find(name) is not None:
            raise AccountError(f"There is already a user named {name!r}: choose another name.")
        if role != MANAGER and not self.enabled_managers():
            raise AccountError("The team has no enabled manager yet, so this user must be a manager.")
        return name, role

    def add(self, name: str, role: str, password: str | None) -> AccountChange:
        """A new, enabled user; ``password`` None: they sign in only through the identity provider."""
        name, role = self.check_new(name, role)
        if password is not None:
            check_password(password)
        stored = NO_PASSWORD if password is None else hash_password(password, iterations=self._iterations)
        try:
            self._users.add(name, role, stored)
        except StoreInputError as error:  # another session added the same name a moment ago
            raise AccountError(f"The user could not be added: {error}.") from None
        return AccountChange(USER_ADDED, name, {"role": role, "password_sign_in": password is not None})

    def set_role(self, name: str, role: str) -> AccountChange:
        user, role = self._existing(name), check_role(role)
        if role == user.role:
            raise AccountError(f"{user.name} is already a {role}.")
        if role != MANAGER:
            self._keep_a_manager(user, f"made a {role}")
        self._users.set_role(user.name, role)
        return AccountChange(ROLE_CHANGED, user.name, {"role": role, "previous_role": user.role})

    def disable(self, name: str) -> AccountChange:
        user = self._existing(name)
        if user.disabled:
            raise AccountError(f"{user.name} is already disabled.")
        self._keep_a_manager(user, "disabled")
        self._users.disable(user.name)
        return AccountChange(USER_DISABLED, user.name)

    def enable(self, name: str) -> AccountChange:
        user = self._existing(name)
        if not user.disabled:
            raise AccountError(f"{user.name} is already enabled.")
        self._users.enable(user.name)
        return AccountChange(USER_ENABLED, user.name)

    def reset_password(self, name: str, password: str) -> AccountChange:
        user = self._existing(name)
        check_password(password)
        self._users.set_password_hash(user.name, hash_password(password, iterations=self._iterations))
        return AccountChange(PASSWORD_RESET, user.name)

    def change_own_password(self, name: str, current: str, new: str) -> AccountChange:
        """A user's own new password, given their current one (a session left open is not enough)."""
        user = self._existing(name)
        if user.password_hash == NO_PASSWORD:
            raise AccountError("You sign in through the identity provider: there is no password here to change.")
        if not verify_password(current, user.password_hash):
            raise WrongPassword("The current password is not right: nothing was changed. Type it again.")
        check_password(new)
        if new == current:
            raise AccountError("The new password is the same as the current one: choose another.")
        self._users.set_password_hash(user.name, hash_password(new, iterations=self._iterations))
        return AccountChange(PASSWORD_CHANGED, user.name)
