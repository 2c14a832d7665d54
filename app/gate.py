"""The access gate: when a password hash is configured, nothing renders until it is given.

The typed password lives only in a cleared form field for one run; failures wait longer each time.
"""

from __future__ import annotations

import logging
import time

import streamlit as st

from app import state
from core.trust.passwords import retry_delay, verify_password

log = logging.getLogger(__name__)


def is_open() -> bool:
    """True when no password is configured (local use)."""
    return state.settings().password_hash is None


def _check(expected: str) -> None:
    """Form callback: runs before the script, so the typed password is cleared before anything else runs."""
    succeeded = verify_password(state.take_typed_password(), expected)
    failures = state.record_sign_in(succeeded)
    if succeeded:
        log.info("sign-in succeeded")
    else:
        log.warning("sign-in failed (%d in a row in this session)", failures)


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
    if state.pop_just_failed():
        time.sleep(retry_delay(state.sign_in_failures()))  # slows guessing; grows with each failure
        st.error("That did not work. Check the password and try again.")
    st.stop()
