"""The sidebar's account box: who is using the app, with which role, sign-out, and changing one's own password."""

from __future__ import annotations

import streamlit as st

from app import state
from app.access import gate, sign_in
from app.services import audit_trail, store_access
from app.text import plain
from core.store import StoreError
from core.trust.accounts import MIN_PASSWORD_LENGTH, AccountError, Accounts, WrongPassword
from core.trust.gate_choice import NAMED, OPEN, SHARED_PASSWORD
from core.trust.guesses import Lockout

AREA = "account"
CURRENT, NEW, REPEAT = "account_current_password", "account_new_password", "account_repeat_password"


def _change_password() -> None:
    """Form callback: every typed password is cleared from the session before anything else runs."""
    current, new, repeat = (state.take_secret(key) for key in (CURRENT, NEW, REPEAT))
    session = state.signed_in()
    if session is None or session[0] != NAMED:
        return
    name = session[1]
    if new != repeat:
        state.set_notice(AREA, "error", "The two new passwords differ: type the same new password twice.")
        return
    limiter, attempt = sign_in.begin_password_check(name)  # a session left open must not become a way to guess
    if isinstance(attempt, Lockout):
        state.set_notice(AREA, "error", sign_in.lockout_words(attempt))
        audit_trail.try_record_access("password_change_refused", user=name, reason="locked out")
        return
    try:
        done = Accounts(store_access.open_store().users).change_own_password(name, current, new)
    except WrongPassword as error:
        limiter.finish(attempt, right=False)
        audit_trail.try_record_access("password_change_refused", user=name, reason="wrong current password")
        state.set_notice(AREA, "error", str(error))
        return
    except (AccountError, StoreError) as error:
        limiter.cancel(attempt)  # not a wrong password: the change stopped for another reason
        state.set_notice(AREA, "error", f"Your password was not changed: {error}")
        return
    limiter.finish(attempt, right=True)
    problem = audit_trail.try_record_access(done.event, **done.audit_fields(by=name))
    state.set_notice(AREA, "warning" if problem else "success", f"Your password is changed. {problem or ''}".strip())


def _password_form() -> None:
    outcome = state.pop_notice(AREA)  # the last change's outcome, shown once, inside the open box
    with st.expander("Change my password", expanded=outcome is not None):
        with st.form("account_password", clear_on_submit=True):
            st.text_input("Current password", type="password", key=CURRENT, autocomplete="current-password")
            st.text_input(
                f"New password (at least {MIN_PASSWORD_LENGTH} characters)",
                type="password",
                key=NEW,
                autocomplete="new-password",
            )
            st.text_input("The same new password again", type="password", key=REPEAT, autocomplete="new-password")
            st.form_submit_button("Change my password", on_click=_change_password)
        if outcome is not None:
            kind, message = outcome
            {"success": st.success, "warning": st.warning}.get(kind, st.error)(plain(message))


def render(access: gate.Access) -> None:
    person = access.person
    if person is None:
        return
    with st.sidebar:
        if access.choice.kind == OPEN:
            st.caption(
                "Access: open, no one signs in (fine on your own computer; on a server add users, "
                "see README, Users and roles)."
            )
        else:
            st.markdown(f"Signed in as **{plain(person.name)}** ({person.role})")
            if access.choice.kind == SHARED_PASSWORD:
                st.caption(
                    "Signed in with the shared team password. Named users are recommended (README, Users and roles)."
                )
        if access.choice.message:
            st.caption(plain(access.choice.message))
        if access.choice.kind in (NAMED, SHARED_PASSWORD) and st.button("Sign out", key="sign_out"):
            gate.sign_out()
        session = state.signed_in()
        if session is not None and session[0] == NAMED:
            _password_form()
