"""Who is signing in: a typed name and password checked against the users table, or a person an identity
provider signed in, found there.

An unknown name, a disabled user and a wrong password all fail alike for the person signing in, and take
about as long (an unknown name is checked against a stand-in hash), so sign-in never tells which names
exist. Why it failed is kept for the audit trail only.

A provider's person is matched by e-mail address (their user name here is the address), or by name when
the provider gives no address; an address the provider has not verified is not matched. Someone the table
lacks comes in as a coordinator (the provider already decides who may reach the app); someone it holds
disabled is told so plainly.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

from core.store.users import User
from core.trust.accounts import NO_PASSWORD, Accounts
from core.trust.passwords import hash_password, verify_password
from core.trust.roles import COORDINATOR

UNKNOWN_NAME, DISABLED, WRONG_PASSWORD = "unknown name", "disabled", "wrong password"


@dataclass(frozen=True)
class SignInCheck:
    """The user when the name and password are right and the account is enabled; else why not (for the audit)."""

    user: User | None
    failure: str | None  # UNKNOWN_NAME, DISABLED or WRONG_PASSWORD; None on success
    known_name: str | None  # the user's name as kept when the typed name is one (recorded on failures)

    @property
    def succeeded(self) -> bool:
        return self.user is not None


@cache
def _stand_in_hash() -> str:
    return hash_password("no such user: this hash only makes an unknown name take as long as a known one")


def authenticate(accounts: Accounts, typed_name: str, password: str) -> SignInCheck:
    """Check a sign-in; the password is only compared with the stored hash, never kept."""
    user = accounts.find(typed_name)
    if user is None:
        verify_password(password, _stand_in_hash())
        return SignInCheck(None, UNKNOWN_NAME, None)
    stored = _stand_in_hash() if user.password_hash == NO_PASSWORD else user.password_hash  # no quick refusal
    matches = verify_password(password, stored) and stored is user.password_hash
    if user.disabled:
        return SignInCheck(None, DISABLED, user.name)
    if not matches:
        return SignInCheck(None, WRONG_PASSWORD, user.name)
    return SignInCheck(user, None, user.name)


@dataclass(frozen=True)
class ProviderMatch:
    """Who a provider's person is here (name and role), or the plain reason they cannot come in."""

    name: str | None
    role: str | None
    listed: bool  # the users table holds them (else they come in as a coordinator)
    refusal: str | None = None


def _refused(reason: str) -> ProviderMatch:
    return ProviderMatch(None, None, False, reason)


def match_identity(
    accounts: Accounts, email: str | None, name: str | None, email_verified: bool = True
) -> ProviderMatch:
    """The provider's person here: found by e-mail address, else (no address given) by name; a coordinator if absent."""
    if email and not email_verified:
        return _refused(
            f"Your identity provider has not verified the address {email}. Ask a manager or your IT service."
        )
    known_as = " ".join(str(email or name or "").split())
    if not known_as:
        return _refused("Your identity provider did not say who you are. Ask your IT service.")
    user = accounts.find(known_as)
    if user is None:
        return ProviderMatch(known_as, COORDINATOR, listed=False)
    if user.disabled:
        return _refused(f"The account {user.name} is disabled in this app. Ask a manager if you need it back.")
    return ProviderMatch(user.name, user.role, listed=True)
