"""The sidebar's account box: who is using the app, with which role, and the sign-out button."""

from __future__ import annotations

import streamlit as st

from app import gate
from app.views.text import plain
from core.trust.gate_choice import NAMED, OPEN, SHARED_PASSWORD


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
