"""The Users page: the team's accounts, adding one, changing a role, disabling, enabling, a new password.

Every change runs as a button's callback, before the page: it asks the gate again who is acting (a role
changed in another session counts at once), takes any typed password out of the session first, applies
the team's rules (core.trust.accounts: never lose the last manager) and writes the audit trail. The page
then shows what happened once.
"""

from __future__ import annotations

from collections.abc import Callable

import pandas as pd
import streamlit as st

from app import state
from app.access import gate
from app.access.identity import allowed, current_person, refusal_for
from app.services import audit_trail, store_access
from app.text import plain
from core.store import StoreError
from core.store.users import User
from core.trust.accounts import MIN_PASSWORD_LENGTH, NO_PASSWORD, AccountChange, AccountError, Accounts
from core.trust.roles import COORDINATOR, MANAGE_USERS, MANAGER, ROLES

AREA = "users"
NEW_NAME, NEW_ROLE = "users_new_name", "users_new_role"
NEW_PASSWORD, NEW_REPEAT = "users_new_password", "users_new_repeat"
PICKED = "users_picked"
RESET_PASSWORD, RESET_REPEAT = "users_reset_password", "users_reset_repeat"

DONE = {
    "user_added": "{user} was added as a {role}. They can sign in now.",
    "user_role_changed": "{user} is now a {role}.",
    "user_disabled": "{user} is disabled: they can no longer sign in.",
    "user_enabled": "{user} is enabled: they can sign in again.",
    "user_password_reset": "{user} has a new password. Give it to them in person, not by e-mail.",
}


def user_table(users: list[User]) -> pd.DataFrame:
    """The users as the page lists them: name, role, enabled, added (UTC)."""
    return pd.DataFrame(
        {
            "name": [u.name for u in users],
            "role": [u.role for u in users],
            "enabled": ["no" if u.disabled else "yes" for u in users],
            "signs in with": ["identity provider" if u.password_hash == NO_PASSWORD else "password" for u in users],
            "added (UTC)": [u.created_at.strftime("%Y-%m-%d %H:%M") for u in users],
        }
    )


def _apply(change: Callable[[Accounts], AccountChange]) -> None:
    """Run one change for the person acting now, and leave its outcome for the page."""
    gate.resolve()  # who is acting now, not when the page was drawn
    if not allowed(MANAGE_USERS):
        state.set_notice(AREA, "error", refusal_for(MANAGE_USERS))
        return
    try:
        done = change(Accounts(store_access.open_store().users))
    except AccountError as error:
        state.set_notice(AREA, "error", str(error))
        return
    except StoreError as error:
        state.set_notice(AREA, "error", f"Nothing was changed: {error}")
        return
    problem = audit_trail.try_record_access(done.event, **done.audit_fields(by=current_person().name))
    message = DONE[done.event].format(user=done.user, **done.details)
    state.set_notice(AREA, "warning" if problem else "success", f"{message} {problem or ''}".strip())


def _new_password(first: str, second: str) -> str:
    password, repeat = state.take_secret(first), state.take_secret(second)
    if password != repeat:
        raise AccountError("The two passwords differ: type the same password twice.")
    return password


def _add() -> None:
    def change(accounts: Accounts) -> AccountChange:
        password = _new_password(NEW_PASSWORD, NEW_REPEAT)
        done = accounts.add(
            str(state.widget_value(NEW_NAME, "")), str(state.widget_value(NEW_ROLE, COORDINATOR)), password
        )
        state.set_widget_value(NEW_NAME, "")
        return done

    _apply(change)
    for key in (NEW_PASSWORD, NEW_REPEAT):  # also when refused before they were read
        state.take_secret(key)


def _set_role(name: str, role: str) -> None:
    _apply(lambda accounts: accounts.set_role(name, role))


def _disable(name: str) -> None:
    _apply(lambda accounts: accounts.disable(name))


def _enable(name: str) -> None:
    _apply(lambda accounts: accounts.enable(name))


def _reset(name: str) -> None:
    _apply(lambda accounts: accounts.reset_password(name, _new_password(RESET_PASSWORD, RESET_REPEAT)))
    for key in (RESET_PASSWORD, RESET_REPEAT):
        state.take_secret(key)


def _notice() -> None:
    found = state.pop_notice(AREA)
    if found is not None:
        kind, message = found
        {"success": st.success, "warning": st.warning}.get(kind, st.error)(plain(message))


def _add_form(first_user: bool) -> None:
    st.subheader("Add a user")
    if first_user:
        st.info(
            "No user exists yet. The first user must be a manager. Once added, everyone signs in with their "
            "own name and password (the shared password no longer opens the app), and you will be asked to sign in."
        )
    with st.form("users_add"):
        st.text_input(
            "Name",
            key=NEW_NAME,
            help="As they will type it to sign in; their e-mail address if they "
            "sign in through the hospital's identity provider.",
        )
        st.radio(
            "Role", ROLES, key=NEW_ROLE, horizontal=True, index=ROLES.index(MANAGER if first_user else COORDINATOR)
        )
        st.text_input(f"First password (at least {MIN_PASSWORD_LENGTH} characters)", type="password", key=NEW_PASSWORD)
        st.text_input("The same password again", type="password", key=NEW_REPEAT)
        st.form_submit_button("Add user", type="primary", on_click=_add)


def _change_section(users: list[User]) -> None:
    st.subheader("Change a user")
    by_name = {u.name: u for u in users}
    picked = st.selectbox("User", list(by_name), key=PICKED)
    user = by_name.get(str(picked))
    if user is None:
        return
    other = COORDINATOR if user.role == MANAGER else MANAGER
    left, right = st.columns(2)
    left.button(f"Make {other}", key="users_set_role", on_click=_set_role, args=(user.name, other))
    if user.disabled:
        right.button("Enable", key="users_enable", on_click=_enable, args=(user.name,))
    else:
        right.button("Disable", key="users_disable", on_click=_disable, args=(user.name,))
    with st.form("users_reset", clear_on_submit=True):
        st.text_input(f"New password for {plain(user.name)}", type="password", key=RESET_PASSWORD)
        st.text_input("The same password again", type="password", key=RESET_REPEAT)
        st.form_submit_button("Set the new password", on_click=_reset, args=(user.name,))


def render() -> None:
    st.title("Users")
    st.markdown(
        "Who may sign in, and what they may do. **Coordinators** view, score, record contacts and export. "
        "**Managers** also save the team's settings, train and promote models, and manage users. "
        "The team always keeps at least one enabled manager."
    )
    _notice()
    try:
        users = store_access.open_store().users.all()
    except StoreError as error:
        st.error(plain(f"Users cannot be shown or changed right now. {error}"))
        return
    if users:
        st.dataframe(user_table(users), hide_index=True)
    _add_form(first_user=not users)
    if users:
        _change_section(users)
