"""Sign-in through an identity provider: st.user's person gets their role from the users table.

Streamlit's own login round trip (the redirect to the provider and back) cannot run in a test; what is
tested is everything after it: the buttons offered, matching st.user to a user, and the refusals.
"""

from __future__ import annotations

import os

import pytest
from streamlit.testing.v1 import AppTest

from core.settings import resolve_settings
from core.store import Store
from core.trust.audit import read_events
from tests.app.conftest import ENTRY, PAGE_FILES, click, shown

AUTH = {
    "redirect_uri": "http://localhost:8501/oauth2callback",
    "cookie_secret": "a long random string for the test",
    "okta": {"client_id": "id", "client_secret": "secret", "server_metadata_url": "https://idp.invalid/.well-known"},
}


@pytest.fixture
def provider(team, monkeypatch):
    """The team's deployment with an identity provider (Okta) configured in secrets.toml's [auth]."""
    monkeypatch.setattr("app.state.load_settings", lambda: resolve_settings(os.environ, {"auth": AUTH}))
    with Store.open(team) as store:
        store.users.add("cleo@hospital.org", "coordinator", "!")


def _start(user: dict) -> AppTest:
    at = AppTest.from_file(ENTRY, default_timeout=90)
    at.user = user
    return at.run()


def test_the_sign_in_page_offers_the_provider_beside_the_password(provider):
    at = _start({})
    assert [b.label for b in at.button] == ["Sign in with Okta", "Sign in"]
    assert at.text_input(key="gate_name")


def test_the_providers_person_gets_the_role_the_users_table_gives_them(provider, tmp_path):
    at = _start({"is_logged_in": True, "email": "Cleo@Hospital.org", "name": "Cleo Martin"})
    assert not at.exception
    assert any("Signed in as **cleo@hospital.org** (coordinator)" in shown(m.value) for m in at.sidebar.markdown)
    events, _ = read_events(tmp_path / "audit.jsonl")
    assert list(events["event"]) == ["signed_in"] and events.iloc[0]["via"] == "identity provider"


def test_someone_the_users_table_lacks_comes_in_as_a_coordinator(provider, tmp_path):
    at = _start({"is_logged_in": True, "email": "eve@hospital.org", "name": "Eve"})
    assert not at.exception
    assert any("Signed in as **eve@hospital.org** (coordinator)" in shown(m.value) for m in at.sidebar.markdown)
    at.switch_page(PAGE_FILES["users"]).run()
    assert any("You are signed in as eve@hospital.org (coordinator)" in shown(w.value) for w in at.warning)
    events, _ = read_events(tmp_path / "audit.jsonl")
    assert list(events["event"]) == ["signed_in"] and not events.iloc[0]["listed"]


def test_someone_the_users_table_holds_disabled_is_told_and_may_leave_the_provider(provider):
    with Store.open(os.environ["RRADAR_DATABASE_URL"]) as store:
        store.users.disable("cleo@hospital.org")
    at = _start({"is_logged_in": True, "email": "cleo@hospital.org"})
    assert not at.sidebar.markdown
    assert [shown(e.value) for e in at.error] == [
        "The account cleo@hospital.org is disabled in this app. Ask a manager if you need it back."
    ]
    assert "Sign out of the identity provider" in [b.label for b in at.button]


def test_a_provider_streamlit_cannot_use_gets_a_plain_message(provider):
    at = click(_start({}), "Sign in with Okta")
    assert not at.exception
    assert any("not set up correctly on this server" in shown(e.value) for e in at.error)


def test_signing_out_also_leaves_the_provider(provider):
    at = _start({"is_logged_in": True, "email": "cleo@hospital.org"})
    at = click(at, "Sign out")
    assert at.user.get("is_logged_in") is False
    assert at.run().text_input(key="gate_name") and not at.sidebar.markdown
