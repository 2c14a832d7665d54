"""AppTest fixtures: the real entry point, one fresh session per test."""

from __future__ import annotations

import pytest
from streamlit.testing.v1 import AppTest

from core.config import ROOT

ENTRY = str(ROOT / "app" / "main.py")
PAGE_FILES = {"overview": "../pages/overview.py", "patient": "../pages/patient.py", "model": "../pages/model_card.py",
              "thresholds": "../pages/thresholds.py", "activity": "../pages/activity.py", "cohort": "../pages/cohort.py"}


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
