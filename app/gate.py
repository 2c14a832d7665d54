"""The access gate: when a password hash is configured, nothing renders until it is given.

The typed password lives only in a cleared form field for one run; failures wait longer each time.
"""

from __future__ import annotations

import logging
import os
import time

import streamlit as st

from core.auth import configured_hash, retry_delay, verify_password
from core.config import SECRETS_PATH
from core.settings import read_secrets

log = logging.getLogger(__name__)

AUTHENTICATED = "gate_authenticated"
FAILURES = "gate_failures"
PASSWORD_FIELD = "gate_password"
JUST_FAILED = "gate_just_failed"


def password_hash() -> str | None:
    return configured_hash(os.environ, read_secrets(SECRETS_PATH))


def is_open() -> bool:
    """True when no password is configured (local use)."""
    return password_hash() is None


def _check(expected: str) -> None:
    """Form callback: runs before the script, so the typed password is cleared before anything else runs."""
    typed = st.session_state.get(PASSWORD_FIELD) or ""
    st.session_state[PASSWORD_FIELD] = ""  # never keep what was typed
    if verify_password(typed, expected):
        st.session_state[AUTHENTICATED] = True
        st.session_state.pop(FAILURES, None)
        log.info("sign-in succeeded")
    else:
        st.session_state[FAILURES] = st.session_state.get(FAILURES, 0) + 1
        st.session_state[JUST_FAILED] = True
        log.warning("sign-in failed (%d in a row in this session)", st.session_state[FAILURES])


def require_login() -> None:
    """Draw the sign-in form and stop the run unless this session has signed in."""
    expected = password_hash()
    if expected is None or st.session_state.get(AUTHENTICATED):
        return
    st.title("Trial Retention Radar")
    st.markdown("This dashboard holds patient data. Enter the team password to continue.")
    with st.form("login", clear_on_submit=True):
        st.text_input("Password", type="password", key=PASSWORD_FIELD)
        st.form_submit_button("Sign in", type="primary", on_click=_check, args=(expected,))
    if st.session_state.pop(JUST_FAILED, False):
        time.sleep(retry_delay(st.session_state.get(FAILURES, 0)))  # slows guessing; grows with each failure
        st.error("That did not work. Check the password and try again.")
    st.stop()
