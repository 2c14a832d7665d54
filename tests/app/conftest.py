"""AppTest fixtures: the real entry point, one fresh session per test."""

from __future__ import annotations

import re

import pytest
from streamlit.testing.v1 import AppTest

from core.paths import ROOT

ENTRY = str(ROOT / "app" / "main.py")
PAGE_FILES = {
    "overview": "../pages/overview.py",
    "patient": "../pages/patient.py",
    "model": "../pages/model_card.py",
    "thresholds": "../pages/thresholds.py",
    "activity": "../pages/activity.py",
    "cohort": "../pages/cohort.py",
    "train": "../pages/train.py",
}


def open_page(name: str, **session: object) -> AppTest:
    """Run the app, then switch to a page (with optional session state set first)."""
    at = AppTest.from_file(ENTRY, default_timeout=90)
    for key, value in session.items():
        at.session_state[key] = value
    at.run()
    if name != "overview":
        at.switch_page(PAGE_FILES[name]).run()
    assert not at.exception, [e.value for e in at.exception]
    return at


@pytest.fixture
def app_at():
    return open_page


def form_widget(at: AppTest, prefix: str, name: str):
    """The patient form's widget for a field (its key carries the form's generation: ``patient0_age``)."""
    pattern = re.compile(rf"{prefix}\d+_{re.escape(name)}")
    for widgets in (at.number_input, at.selectbox, at.text_input):
        found = [w for w in widgets if w.key and pattern.fullmatch(w.key)]
        if found:
            return found[0]
    raise KeyError(f"no {prefix} form field {name}")


def shown(text: str) -> str:
    """Markdown as the user reads it: backslash escapes (user text is escaped by app.views.text) removed."""
    return re.sub(r"\\(.)", r"\1", text)
