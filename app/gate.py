"""The access gate: when a password hash is configured, nothing renders until it is given.

The typed password lives only in a cleared form field for one run. Wrong passwords wait longer each
time in a session, and ``core.trust.guesses`` limits them across sessions and processes: per client
and per deployment, with a lockout the audit trail records.
"""

from __future__ import annotations

import logging
import time

import streamlit as st

from app import state
from core.trust.audit import AuditError, AuditLog
from core.trust.guesses import GuessLimiter, Lockout, client_key
from core.trust.passwords import retry_delay, verify_password

log = logging.getLogger(__name__)


def is_open() -> bool:
    """True when no password is configured (local use)."""
    return state.settings().password_hash is None


def _audit(event: str, **fields: object) -> None:
    settings = state.settings()
    try:
        AuditLog.open(settings.log_dir, settings.audit_salt).record(event, **fields)
    except AuditError as exc:  # the sign-in page has nowhere better to say it; the server log keeps it
        log.error("audit write failed: %s", exc)


def _client() -> tuple[GuessLimiter, str]:
    settings = state.settings()
    salt = settings.audit_salt.encode() if settings.audit_salt else b"sign-in"
    return GuessLimiter(settings.log_dir), client_key(state.client_address(), salt)


def _check(expected: str) -> None:
    """Form callback: runs before the script, so the typed password is cleared before anything else runs."""
    typed = state.take_typed_password()
    limiter, client = _client()
    if limiter.lockout(client) is not None:
        state.record_sign_in(False)  # not even checked: a locked-out guess learns nothing
        return
    if verify_password(typed, expected):
        limiter.succeeded(client)
        state.record_sign_in(True)
        log.info("sign-in succeeded")
        return
    failures = state.record_sign_in(False)
    lockout = limiter.failed(client)
    log.warning("sign-in failed (%d in a row in this session)", failures)
    _audit("sign_in_failed", client=client)
    if lockout is not None:
        _audit("sign_in_locked", client=client, everyone=lockout.everyone, until=lockout.until)


def _lockout_words(lockout: Lockout) -> str:
    who = "for everyone" if lockout.everyone else "from this computer"
    return (
        f"Too many wrong passwords: signing in {who} is paused for about {lockout.minutes_left(time.time())} "
        "minutes. Ask your administrator if you need access sooner."
    )


def require_login() -> None:
    """Draw the sign-in form and stop the run unless this session has signed in."""
    expected = state.settings().password_hash
    if expected is None or state.authenticated():
        return
    st.title("Trial Retention Radar")
    st.markdown("This dashboard holds patient data. Enter the team password to continue.")
    with st.form("login", clear_on_submit=True):
        st.text_input("Password", type="password", key=state.PASSWORD_FIELD)
        st.form_submit_button("Sign in", type="primary", on_click=_check, args=(expected,))
    limiter, client = _client()
    lockout = limiter.lockout(client)
    if state.pop_just_failed():
        time.sleep(retry_delay(state.sign_in_failures()))  # slows guessing; grows with each failure
        if lockout is None:
            st.error("That did not work. Check the password and try again.")
    if lockout is not None:
        st.error(_lockout_words(lockout))
    st.stop()
