"""AppTest fixtures: the real entry point, one fresh session per test."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

import pytest
from streamlit.testing.v1 import AppTest

from core.paths import ROOT
from core.store import Store
from core.trust.accounts import Accounts

ENTRY = str(ROOT / "app" / "main.py")
PAGE_FILES = {
    "overview": "../pages/overview.py",
    "patient": "../pages/patient.py",
    "model": "../pages/model_card.py",
    "thresholds": "../pages/thresholds.py",
    "activity": "../pages/activity.py",
    "cohort": "../pages/cohort.py",
    "train": "../pages/train.py",
    "users": "../pages/users.py",
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


@pytest.fixture(autouse=True)
def own_database(monkeypatch, tmp_path_factory):
    """Each test's app remembers its weeks and contacts in a database of its own (a new SQLite file, in a folder
    apart from the test's own files: tests that read their audit folder find only the audit trail there)."""
    url = f"sqlite:///{tmp_path_factory.mktemp('database') / 'own.sqlite3'}"
    monkeypatch.setenv("RRADAR_DATABASE_URL", url)
    return url


class StoreClock:
    """The store's clock for tests that score several weeks in one sitting: ``advance`` moves it a week on."""

    def __init__(self, start: datetime) -> None:
        self.now = start

    def advance(self, days: int = 7) -> None:
        self.now += timedelta(days=days)


@pytest.fixture
def store_clock(monkeypatch) -> StoreClock:
    """Uploads are stamped by this clock: two lists scored today can stand for two weeks of one trial."""
    clock = StoreClock(datetime(2026, 11, 2, 9, 30, tzinfo=UTC))

    class Clocked(datetime):
        @classmethod
        def now(cls, tz=None):  # type: ignore[override]
            return clock.now if tz is not None else clock.now.replace(tzinfo=None)

    monkeypatch.setattr("core.store.uploads.datetime", Clocked)
    return clock


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
    """Markdown as the user reads it: backslash escapes (user text is escaped by app.text) removed."""
    return re.sub(r"\\(.)", r"\1", text)


# Named users of the team fixture and their passwords (hashed with few iterations: the rules are the same).
TEAM = {"Ana Lopez": ("manager", "ana's long secret"), "cleo": ("coordinator", "cleo's long secret")}


@pytest.fixture
def team(monkeypatch, tmp_path):
    """A deployment whose database holds named users (TEAM); its own audit log folder; no waiting after failures."""
    url = f"sqlite:///{tmp_path / 'radar.sqlite3'}"
    monkeypatch.setenv("RRADAR_DATABASE_URL", url)
    monkeypatch.setenv("RRADAR_LOG_DIR", str(tmp_path))
    monkeypatch.delenv("RRADAR_PASSWORD_HASH", raising=False)
    monkeypatch.setattr("app.access.sign_in.retry_delay", lambda failures: 0.0)
    with Store.open(url) as store:
        accounts = Accounts(store.users, iterations=1_000)
        for name, (role, password) in TEAM.items():
            accounts.add(name, role, password)
    return url


def sign_in(name: str, password: str) -> AppTest:
    """A new session that signs in with ``name`` and ``password`` (on the overview)."""
    at = AppTest.from_file(ENTRY, default_timeout=90).run()
    at.text_input(key="gate_name").set_value(name)
    at.text_input(key="gate_password").set_value(password)
    return click(at, "Sign in")


def click(at: AppTest, label: str) -> AppTest:
    """Click the one button labelled ``label`` and run."""
    [button] = [b for b in at.button if b.label == label]
    return button.click().run()
