"""The access gate: which sign-in applies, who is using the app in this run, and the sign-in page until someone is in.

``resolve()`` runs at the start of every full run and draws nothing: it reads the users table once, decides
the gate (core.trust.gate_choice: named users, the shared team password, open local use, or refused) and
re-checks a signed-in user, so a role change counts at the next click and a disabled user is signed out.
When the table cannot be read mid-session, a signed-in user keeps the role they signed in with.
``require_sign_in()`` then draws the sign-in page (app/access/sign_in.py) and stops the run until someone is in.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

import streamlit as st

from app import state
from app.access import identity_provider, sign_in
from app.access.identity import LOCAL_USER, TEAM_MEMBER, Person
from app.services import audit_trail, store_access
from app.text import plain
from core.settings import Settings
from core.store import StoreError
from core.store.users import User
from core.trust.accounts import Accounts, find_user
from core.trust.credentials import match_identity
from core.trust.gate_choice import (
    NAMED,
    OPEN,
    REFUSED,
    SHARED_PASSWORD,
    GateChoice,
    choose_gate,
    named_users_seen,
    remember_named_users,
)
from core.trust.roles import COORDINATOR, MANAGER

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Access:
    """This run's gate and the person it let in (None: nobody yet, the sign-in page is drawn)."""

    choice: GateChoice
    person: Person | None


def _read_users() -> tuple[Accounts | None, list[User] | None, str]:
    """The accounts and every user, or (None, None, why) when the users table cannot be read."""
    try:
        store = store_access.open_store()
        users = store.users.all()
    except StoreError as error:
        store_access.note_failure(error)
        return None, None, str(error)
    return Accounts(store.users), users, ""


def _choose(settings: Settings, users: list[User] | None, problem: str) -> GateChoice:
    if users:
        remember_named_users(settings.log_dir)
    return choose_gate(
        None if users is None else len(users),
        shared_password=settings.password_hash is not None,
        identity_provider=bool(settings.identity_providers),
        sign_in_required=settings.require_sign_in or named_users_seen(settings.log_dir),
        store_problem=problem,
    )


def _signed_out(message: str) -> None:
    state.sign_out()
    state.set_notice(sign_in.GATE, "error", message)


def _named_person(accounts: Accounts | None, users: list[User] | None) -> Person | None:
    """The signed-in user as the table has them now; a provider's person is looked up on their first run."""
    session = state.signed_in()
    if session is not None and session[0] in (NAMED, identity_provider.VIA_PROVIDER):
        how, name, role = session
        user = find_user(users or [], name)
        if user is None and how == identity_provider.VIA_PROVIDER:
            user_role = COORDINATOR  # the provider let them in; the table does not list them (any more)
        elif user is None or user.disabled:
            audit_trail.try_record_access("signed_out", user=name, reason="account disabled or removed")
            _signed_out(f"You have been signed out: the account {name} is no longer enabled. Ask a manager.")
            return None
        else:
            name, user_role = user.name, user.role
        state.set_signed_in(how, name, user_role)
        return Person(name, user_role)
    identity = identity_provider.signed_in_identity() if state.settings().identity_providers else None
    if identity is None or accounts is None:
        return None
    found = match_identity(accounts, identity.email, identity.name, identity.email_verified)
    if found.name is None or found.role is None:
        state.set_notice(sign_in.GATE, "error", found.refusal or "")
        return None
    state.set_signed_in(identity_provider.VIA_PROVIDER, found.name, found.role)
    audit_trail.try_record_access(
        "signed_in", user=found.name, role=found.role, via=identity_provider.VIA_PROVIDER, listed=found.listed
    )
    return Person(found.name, found.role)


def resolve() -> Access:
    """Decide the gate and the person for this run (draws nothing); call once per full run, before navigation."""
    settings = state.settings()
    accounts, users, problem = _read_users()
    choice = _choose(settings, users, problem)
    session = state.signed_in()
    person: Person | None = None
    if users is None and session is not None and session[0] in (NAMED, identity_provider.VIA_PROVIDER):
        # signed in by name before the table became unreadable: they keep the role they signed in with
        person = Person(session[1], session[2])
        choice = GateChoice(NAMED, f"The user database cannot be reached: {session[1]} stays signed in. {problem}")
    elif choice.kind == OPEN:
        person = Person(LOCAL_USER, MANAGER)
    elif choice.kind == SHARED_PASSWORD:
        person = Person(TEAM_MEMBER, MANAGER) if session and session[0] == SHARED_PASSWORD else None
    elif choice.kind == NAMED:
        person = _named_person(accounts, users)
    state.set_person(person)
    return Access(choice, person)


def require_sign_in(access: Access) -> None:
    """Draw the sign-in page (or why the app cannot open) and stop the run, unless someone is signed in."""
    if access.person is not None:
        return
    st.title("Trial Retention Radar")
    settings = state.settings()
    if access.choice.kind == REFUSED:
        st.error(plain(access.choice.message or "The app cannot open. Tell your administrator."))
    elif access.choice.kind == SHARED_PASSWORD and settings.password_hash is not None:
        if access.choice.message:
            st.warning(plain(access.choice.message))
        sign_in.shared_password_form(settings.password_hash)
    else:
        sign_in.named_form(settings.identity_providers)
        if settings.identity_providers and identity_provider.signed_in_identity() is not None:
            # signed in with the provider but not let in here: let them try another account
            if st.button("Sign out of the identity provider"):
                identity_provider.sign_out_of_provider()
    st.stop()


def sign_out() -> None:
    """End this session's sign-in, and the provider's when they came that way (which reloads the app)."""
    person, session = state.person(), state.signed_in()
    if isinstance(person, Person):
        audit_trail.try_record_access("signed_out", user=person.name)
    state.sign_out()
    if session is not None and session[0] == identity_provider.VIA_PROVIDER:
        identity_provider.sign_out_of_provider()
    else:
        st.rerun()
