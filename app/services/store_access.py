"""The store (core.store) the app uses: opened once per process and database address, shared by sessions.

A database that cannot be reached is tried again only after ``RETRY_AFTER_S``: a server that is down would
otherwise hold every click up for the connection timeout. Until then the same plain error comes back at once.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from typing import TypeVar

import streamlit as st

from app import state
from app.text import plain
from core.store import Store, StoreError

log = logging.getLogger(__name__)
T = TypeVar("T")

RETRY_AFTER_S = 30.0
_failures: dict[str, tuple[float, StoreError]] = {}  # address -> (when it failed, the error)
_lock = threading.Lock()


@st.cache_resource(show_spinner=False, max_entries=4)
def _opened(url: str) -> Store:
    return Store.open(url)


def open_store() -> Store:
    """The store of this deployment's settings; raises StoreError (plain message) when it cannot be used."""
    url = state.settings().database_url
    with _lock:
        failed = _failures.get(url)
    if failed is not None and time.monotonic() - failed[0] < RETRY_AFTER_S:
        raise type(failed[1])(str(failed[1]))
    try:
        store = _opened(url)
    except StoreError as error:
        note_failure(error)
        raise
    return store


def note_failure(error: StoreError) -> None:
    """A query on the store failed: answer at once for a while instead of waiting for it again."""
    with _lock:
        _failures[state.settings().database_url] = (time.monotonic(), error)


def note_success() -> None:
    with _lock:
        _failures.pop(state.settings().database_url, None)


def attempt(action: Callable[[Store], T], instead: str) -> T | None:
    """``action(store)``, or None after a plain warning (``instead``: what the app does without the database).

    Every read and write of the weekly memory goes through here, so a database that is down never stops
    scoring and never shows a traceback: ``attempt(lambda s: s.outreach.record(c), "The contact was not saved.")``.
    """
    try:
        result = action(open_store())
    except StoreError as error:
        note_failure(error)
        log.warning("store not used: %s", type(error).__name__)
        st.warning(f"{plain(instead)} {plain(str(error))}", icon=":material/cloud_off:")
        return None
    note_success()
    return result
