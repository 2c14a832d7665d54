"""The access gate: every page is blocked until the right password; the password is not kept."""

from __future__ import annotations

import pytest
from streamlit.testing.v1 import AppTest

from core.trust.audit import read_events
from core.trust.guesses import PER_CLIENT
from core.trust.passwords import hash_password
from tests.app.conftest import ENTRY, PAGE_FILES, shown

PASSWORD = "correct horse battery staple"


@pytest.fixture
def locked(monkeypatch, tmp_path):
    monkeypatch.setenv("RRADAR_PASSWORD_HASH", hash_password(PASSWORD, iterations=1000))
    monkeypatch.setenv("RRADAR_LOG_DIR", str(tmp_path))  # each test counts its own wrong passwords
    monkeypatch.setattr("core.trust.passwords.retry_delay", lambda failures: 0.0)
    monkeypatch.setattr("app.access.sign_in.retry_delay", lambda failures: 0.0)


def _start(page: str) -> AppTest:
    at = AppTest.from_file(ENTRY, default_timeout=90).run()
    if page != "overview":
        at.switch_page(PAGE_FILES[page]).run()
    return at


@pytest.mark.parametrize("page", list(PAGE_FILES))
def test_every_page_is_blocked_until_the_password(locked, page):
    at = _start(page)
    assert not at.exception
    assert at.text_input(key="gate_password")
    assert not at.metric and not at.get("plotly_chart") and not at.dataframe
    assert not at.sidebar.markdown  # not even the model identity


def test_wrong_password_gets_a_neutral_message_and_no_access(locked):
    at = _start("overview")
    at.text_input(key="gate_password").set_value("guess")
    at.button[0].click().run()
    assert [shown(e.value) for e in at.error] == ["That did not work. Check the password and try again."]
    assert at.session_state["gate_failures"] == 1
    assert "guess" not in [str(v) for v in at.session_state.values()]
    assert not at.sidebar.markdown


def test_right_password_opens_every_page_and_is_not_kept(locked):
    at = _start("overview")
    at.text_input(key="gate_password").set_value(PASSWORD)
    at.button[0].click().run()
    assert not at.exception
    assert any("Trial Retention Radar" in t.value for t in at.title)
    assert at.sidebar.markdown
    for page in PAGE_FILES.values():
        at.switch_page(page).run()
        assert not at.exception and not any(t.key == "gate_password" for t in at.text_input)
    stored = [str(value) for value in at.session_state.values()]
    assert stored and not any(PASSWORD in value for value in stored)


def test_without_a_configured_hash_the_app_is_open_and_says_so(monkeypatch):
    monkeypatch.delenv("RRADAR_PASSWORD_HASH", raising=False)
    at = _start("overview")
    assert any("Access: open" in c.value for c in at.sidebar.caption)


def _guess(password: str) -> AppTest:
    """One guess from a brand-new session, as a script opening a new connection per guess would."""
    at = _start("overview")
    at.text_input(key="gate_password").set_value(password)
    at.button[0].click().run()
    return at


def test_guesses_from_new_sessions_are_limited_and_the_lockout_is_recorded(locked, tmp_path):
    for _ in range(PER_CLIENT - 1):
        assert [shown(e.value) for e in _guess("wrong").error] == [
            "That did not work. Check the password and try again."
        ]
    last = _guess("wrong")
    assert any("Too many wrong passwords" in shown(e.value) for e in last.error)
    refused = _guess(PASSWORD)  # even the right password waits out the lockout
    assert not refused.sidebar.markdown and any("paused" in shown(e.value) for e in refused.error)
    events, _ = read_events(tmp_path / "audit.jsonl")
    assert (events["event"] == "sign_in_failed").sum() == PER_CLIENT
    locked_rows = events[events["event"] == "sign_in_locked"]
    assert len(locked_rows) == 1 and locked_rows.iloc[0]["everyone"] in (False, 0)
    assert (events["event"] == "sign_in_refused_locked").sum() == 1  # the refused guess is on record too
