"""Who is signed in, for one browser session: the access gate's part of ``app.state``."""

from __future__ import annotations

import streamlit as st

from app.records import NOBODY, Person
from core.trust.client_address import client_of

__all__ = [
    "GATE_FAILURES",
    "GATE_JUST_FAILED",
    "NAME_FIELD",
    "NOTICE",
    "PASSWORD_FIELD",
    "PERSON",
    "SIGNED_IN",
    "client_address",
    "current_person",
    "person",
    "pop_just_failed",
    "pop_notice",
    "record_sign_in_failure",
    "set_notice",
    "set_person",
    "set_signed_in",
    "sign_in_failures",
    "sign_out",
    "signed_in",
    "take_secret",
]

SIGNED_IN = "gate_signed_in"  # (gate kind, name, role) this session signed in with
PERSON = "identity_person"  # app.records.Person using the app in this run (set by the gate)
GATE_FAILURES = "gate_failures"
GATE_JUST_FAILED = "gate_just_failed"
NOTICE = "notice_"  # + an area ("gate", "users"): a message a callback leaves for the page to show once

# Widget keys the gate's forms use.
PASSWORD_FIELD = "gate_password"
NAME_FIELD = "gate_name"


def signed_in() -> tuple[str, str, str] | None:
    """(gate kind, name, role) this session signed in with, if it did."""
    value = st.session_state.get(SIGNED_IN)
    return (str(value[0]), str(value[1]), str(value[2])) if value else None


def set_signed_in(kind: str, name: str, role: str) -> None:
    st.session_state[SIGNED_IN] = (kind, name, role)
    st.session_state.pop(GATE_FAILURES, None)


def sign_out() -> None:
    """Forget who this session signed in as; the next run asks again."""
    for key in (SIGNED_IN, PERSON, GATE_FAILURES, GATE_JUST_FAILED):
        st.session_state.pop(key, None)


def person() -> Person | None:
    """The person using the app in this run, as the gate decided (None before it has)."""
    return st.session_state.get(PERSON)


def current_person() -> Person:
    """The person using the app in this run; NOBODY (who may do nothing) if the gate has not let anyone in."""
    found = person()
    return found if isinstance(found, Person) else NOBODY


def set_person(value: Person | None) -> None:
    st.session_state[PERSON] = value


def take_secret(key: str) -> str:
    """A text field's value, cleared from the session at once (for passwords: never kept)."""
    typed = st.session_state.get(key) or ""
    st.session_state[key] = ""
    return str(typed)


def record_sign_in_failure() -> int:
    """Note a failed sign-in; returns the failures in a row in this session."""
    st.session_state[GATE_FAILURES] = st.session_state.get(GATE_FAILURES, 0) + 1
    st.session_state[GATE_JUST_FAILED] = True
    return int(st.session_state[GATE_FAILURES])


def set_notice(area: str, kind: str, message: str) -> None:
    """Leave a message for ``area``'s page to show once: kind "success", "error" or "warning"."""
    st.session_state[NOTICE + area] = (kind, message)


def pop_notice(area: str) -> tuple[str, str] | None:
    return st.session_state.pop(NOTICE + area, None)


def pop_just_failed() -> bool:
    return bool(st.session_state.pop(GATE_JUST_FAILED, False))


def client_address(trusted_proxies: tuple[str, ...] = ()) -> str:
    """The client a sign-in attempt counts against (core.trust.client_address): Streamlit's peer address, or
    with an X-Forwarded-For header the client a listed proxy names (unlisted: one shared allowance)."""
    try:
        address = st.context.ip_address
        forwarded = st.context.headers.get("X-Forwarded-For")
    except (AttributeError, RuntimeError):  # an older Streamlit, or no request behind this run
        address, forwarded = None, None
    peer = address if isinstance(address, str) else None  # test harnesses hand back stand-in objects
    return client_of(peer, forwarded if isinstance(forwarded, str) else None, trusted_proxies)


def sign_in_failures() -> int:
    return int(st.session_state.get(GATE_FAILURES, 0))
