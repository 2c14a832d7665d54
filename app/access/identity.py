"""Who is using the app in this session, and what their role lets them do.

Every page that records something (settings, contacts, trainings, promotions) names the person from
here. A control only a manager may use asks ``allowed``; a page or button that should also say why not
asks ``require``. The gate (app/access/gate.py) decides the person at the start of every run: the signed-in
user, the "team member" of a shared password, or the "local user" of an open app.
"""

from __future__ import annotations

import streamlit as st

from app import state
from app.records import NOBODY as NOBODY
from app.records import Person as Person
from app.text import plain
from core.trust.roles import may, refusal

LOCAL_USER = "local user"  # the app runs open on one computer: whoever sits at it
TEAM_MEMBER = "team member"  # someone who gave the shared team password


def current_person() -> Person:
    """The person using the app in this run; NOBODY (who may do nothing) if the gate has not let anyone in."""
    return state.current_person()


def allowed(action: str) -> bool:
    """May the current person take ``action`` (core.trust.roles: SAVE_SETTINGS, TRAIN, MANAGE_USERS, …)?"""
    return may(current_person().role, action)


def refusal_for(action: str) -> str:
    """The plain refusal of ``action`` for the current person, naming them and their role."""
    person = current_person()
    return refusal(action, person.name, person.role)


def require(action: str) -> bool:
    """True when the current person may take ``action``; else show the plain refusal and return False.

    Pages gate a button or a whole page with it: ``if require(MANAGE_USERS): users.render()``.
    """
    if allowed(action):
        return True
    st.warning(plain(refusal_for(action)), icon=":material/lock:")
    return False
