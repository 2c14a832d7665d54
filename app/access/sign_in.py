"""The sign-in forms: name and password (named users), or the shared team password, and what checks them.

Typed passwords live only in a form field for one run: the check runs as the form's callback, before the
script, and clears the field first. Wrong passwords wait longer each time in a session, and
``core.trust.guesses`` limits them across sessions and processes: per client, per user name typed (as a
salted hash) and per deployment, with lockouts the audit trail records. A wrong name and a wrong password
get the same message, so sign-in never tells which names exist.
"""

from __future__ import annotations

import logging
import time

import streamlit as st

from app import state
from app.access.identity_provider import sign_in_buttons
from app.services import audit_trail, store_access
from app.text import plain
from core.store import StoreError
from core.trust.accounts import Accounts
from core.trust.audit import AuditError, AuditLog
from core.trust.credentials import authenticate
from core.trust.gate_choice import NAMED, SHARED_PASSWORD
from core.trust.guesses import Attempt, GuessLimiter, Lockout, client_key, name_key
from core.trust.passwords import retry_delay, verify_password
from core.trust.providers import IdentityProvider

log = logging.getLogger(__name__)

GATE = "gate"  # the sign-in page's notices (app.state.set_notice)
WRONG_NAMED = "That did not work. Check your name and password and try again."
WRONG_SHARED = "That did not work. Check the password and try again."


def _salt() -> bytes:
    """The audit trail's salt (secret, kept beside the log): names and addresses are stored only hashed with it."""
    settings = state.settings()
    try:
        return AuditLog.open(settings.log_dir, settings.audit_salt).salt
    except AuditError:  # the log folder is unusable: still hash, with what is configured
        return settings.audit_salt.encode() if settings.audit_salt else b"sign-in"


def _limiter() -> tuple[GuessLimiter, str]:
    """The guess limits, counted in the database; in the file beside the audit log while it cannot be reached."""
    try:
        counts = store_access.open_store().guesses
    except StoreError:
        counts = None  # the shared team password still signs people in without a database
    limiter = GuessLimiter(state.settings().log_dir, counts=counts)
    return limiter, client_key(state.client_address(state.settings().trusted_proxies), _salt())


def _refused_while_locked(lockout: Lockout, client: str, **fields: object) -> None:
    """A guess during a lockout is not even checked: it learns nothing, and the refusal is audited."""
    state.record_sign_in_failure()
    state.set_notice(GATE, "error", lockout_words(lockout))
    audit_trail.try_record_access(
        "sign_in_refused_locked", client=client, everyone=lockout.everyone, name_locked=lockout.name, **fields
    )


def _failed(limiter: GuessLimiter, attempt: Attempt, **fields: object) -> None:
    failures = state.record_sign_in_failure()
    lockout = limiter.finish(attempt, right=False)
    log.warning("sign-in failed (%d in a row in this session)", failures)
    audit_trail.try_record_access("sign_in_failed", client=attempt.client, **fields)
    if lockout is not None:
        state.set_notice(GATE, "error", lockout_words(lockout))
        audit_trail.try_record_access(
            "sign_in_locked",
            client=attempt.client,
            everyone=lockout.everyone,
            name_locked=lockout.name,
            until=lockout.until,
        )


def _check_shared(expected: str) -> None:
    """Form callback: runs before the script, so the typed password is cleared before anything else runs."""
    typed = state.take_secret(state.PASSWORD_FIELD)
    limiter, client = _limiter()
    attempt = limiter.begin(client)  # counted before the slow check: guesses in flight count against each other
    if isinstance(attempt, Lockout):
        _refused_while_locked(attempt, client)
        return
    if verify_password(typed, expected):
        limiter.finish(attempt, right=True)
        state.set_signed_in(SHARED_PASSWORD, "", "")
        audit_trail.try_record_access("signed_in", user="team member", via=SHARED_PASSWORD)
        log.info("sign-in succeeded")
        return
    _failed(limiter, attempt)


def _check_named() -> None:
    """Form callback: checks a name and password against the users table; the password is cleared first."""
    password = state.take_secret(state.PASSWORD_FIELD)
    typed_name = state.take_secret(state.NAME_FIELD)  # a password typed into the name field is not kept either
    limiter, client = _limiter()
    name = name_key(typed_name, _salt())
    attempt = limiter.begin(client, name)
    if isinstance(attempt, Lockout):
        _refused_while_locked(attempt, client, name_typed=name)
        return
    try:
        store = store_access.open_store()
        check = authenticate(Accounts(store.users), typed_name, password)
    except StoreError as error:
        limiter.cancel(attempt)  # nothing was checked
        store_access.note_failure(error)
        state.set_notice(GATE, "error", f"Signing in is not possible right now. {error} Try again in a minute.")
        return
    if check.user is not None:
        limiter.finish(attempt, right=True)
        state.set_signed_in(NAMED, check.user.name, check.user.role)
        audit_trail.try_record_access("signed_in", user=check.user.name, role=check.user.role, via="password")
        log.info("sign-in succeeded")
        return
    # the user's name when it is one (someone tried their account), else only the hash of what was typed
    who = {"user": check.known_name} if check.known_name else {"name_typed": name}
    _failed(limiter, attempt, reason=check.failure, **who)


def lockout_words(lockout: Lockout) -> str:
    who = "for everyone" if lockout.everyone else "with this name" if lockout.name else "from this computer"
    return (
        f"Too many wrong passwords: signing in {who} is paused for about {lockout.minutes_left(time.time())} "
        "minutes. Ask your administrator if you need access sooner."
    )


def begin_password_check(name: str) -> tuple[GuessLimiter, Attempt | Lockout]:
    """Before checking ``name``'s password outside the sign-in form: counted at once, as at sign-in."""
    limiter, client = _limiter()
    return limiter, limiter.begin(client, name_key(name, _salt()))


def _after_attempt(wrong: str) -> None:
    """The outcome of the last attempt: a growing wait, then the neutral message, or what stopped it."""
    left = state.pop_notice(GATE)  # a lockout, a database that cannot be reached, an account disabled
    notice = left[1] if left else None
    if state.pop_just_failed():
        time.sleep(retry_delay(state.sign_in_failures()))  # slows guessing; grows with each failure
        notice = notice or wrong
    if notice:
        st.error(plain(notice))


def shared_password_form(expected: str) -> None:
    """The old gate: one password for the whole team."""
    st.markdown("This dashboard holds patient data. Enter the team password to continue.")
    with st.form("login", clear_on_submit=True):
        st.text_input("Password", type="password", key=state.PASSWORD_FIELD)
        st.form_submit_button("Sign in", type="primary", on_click=_check_shared, args=(expected,))
    _after_attempt(WRONG_SHARED)


def named_form(providers: tuple[IdentityProvider, ...]) -> None:
    """Each person signs in with their own name and password, or through the identity provider."""
    st.markdown("This dashboard holds patient data. Sign in with your own name and password.")
    sign_in_buttons(providers)
    with st.form("login", clear_on_submit=True):
        st.text_input("Name", key=state.NAME_FIELD, autocomplete="username")
        st.text_input("Password", type="password", key=state.PASSWORD_FIELD, autocomplete="current-password")
        st.form_submit_button("Sign in", type="primary", on_click=_check_named)
    _after_attempt(WRONG_NAMED)
