"""The Users page: managers list, add and change users; coordinators neither see it nor can use it."""

from __future__ import annotations

import pytest
from streamlit.testing.v1 import AppTest

from core.store import Store
from core.trust.audit import read_events
from core.trust.passwords import verify_password
from core.trust.roles import MANAGE_USERS, refusal
from tests.app.conftest import ENTRY, PAGE_FILES, TEAM, click, shown, sign_in

NEW_PASSWORD = "dora's first long secret"


def _users_page(name: str) -> AppTest:
    at = sign_in(name, TEAM[name][1])
    return at.switch_page(PAGE_FILES["users"]).run()


def _stored(url: str):
    with Store.open(url) as store:
        return {u.name: u for u in store.users.all()}


def _messages(at: AppTest) -> list[str]:
    return [shown(m.value) for m in (*at.success, *at.warning, *at.error)]


def _listed_users_pages():
    import streamlit as st

    from app import navigation  # imported inside a run: pages made outside one are not real pages

    for manages_users in (True, False):
        found = [page.visibility for page in navigation.pages_for(manages_users) if page.url_path == "users"]
        st.text(f"{manages_users}: {found}")


def test_the_users_page_is_listed_only_for_those_who_manage_users():
    at = AppTest.from_function(_listed_users_pages).run()
    assert [t.value for t in at.text] == ["True: ['visible']", "False: ['hidden']"]


def test_a_coordinator_is_refused_on_the_users_page(team):
    at = _users_page("cleo")
    assert not at.exception
    assert [shown(w.value) for w in at.warning] == [
        "Only a manager can manage users. You are signed in as cleo (coordinator). "
        "Ask a manager on your team if this needs doing."
    ]
    assert not at.dataframe and not [b for b in at.button if b.label == "Add user"]


def test_a_manager_sees_every_user_with_role_and_state(team):
    at = _users_page("Ana Lopez")
    table = at.dataframe[0].value
    assert list(table["name"]) == sorted(TEAM, key=str)
    assert list(table["role"]) == [TEAM[n][0] for n in table["name"]] and set(table["enabled"]) == {"yes"}


def _add(at: AppTest, name: str, role: str, password: str, repeat: str) -> AppTest:
    at.text_input(key="users_new_name").set_value(name)
    at.radio(key="users_new_role").set_value(role)
    at.text_input(key="users_new_password").set_value(password)
    at.text_input(key="users_new_repeat").set_value(repeat)
    return click(at, "Add user")


def test_a_manager_adds_a_user_who_can_then_sign_in(team, tmp_path):
    at = _add(_users_page("Ana Lopez"), "dora", "coordinator", NEW_PASSWORD, NEW_PASSWORD)
    assert not at.exception and _messages(at) == ["dora was added as a coordinator. They can sign in now."]
    assert "dora" in list(at.dataframe[0].value["name"])
    dora = _stored(team)["dora"]
    assert dora.role == "coordinator" and verify_password(NEW_PASSWORD, dora.password_hash)
    assert not any(NEW_PASSWORD in str(value) for value in at.session_state.values())
    events, _ = read_events(tmp_path / "audit.jsonl")
    added = events[events["event"] == "user_added"].iloc[0]
    assert (added["user"], added["by"], added["role"]) == ("dora", "Ana Lopez", "coordinator")
    assert NEW_PASSWORD not in (tmp_path / "audit.jsonl").read_text()
    assert "dora" in " ".join(shown(m.value) for m in sign_in("dora", NEW_PASSWORD).sidebar.markdown)


@pytest.mark.parametrize(
    ("password", "repeat", "words"),
    [(NEW_PASSWORD, "something different", "The two passwords differ"), ("short", "short", "at least 12 characters")],
)
def test_a_user_with_a_mistyped_password_is_not_added(team, password, repeat, words):
    at = _add(_users_page("Ana Lopez"), "dora", "coordinator", password, repeat)
    assert any(words in m for m in _messages(at)) and "dora" not in _stored(team)
    assert not any(password in str(value) for value in at.session_state.values())


def _pick(at: AppTest, name: str) -> AppTest:
    return at.selectbox(key="users_picked").set_value(name).run()


def test_a_manager_changes_a_role_disables_and_enables(team, tmp_path):
    at = _pick(_users_page("Ana Lopez"), "cleo")
    at = click(at, "Make manager")
    assert _messages(at) == ["cleo is now a manager."] and _stored(team)["cleo"].role == "manager"
    at = click(_pick(at, "cleo"), "Disable")
    assert _stored(team)["cleo"].disabled
    at = click(_pick(at, "cleo"), "Enable")
    assert not _stored(team)["cleo"].disabled
    events, _ = read_events(tmp_path / "audit.jsonl")
    changes = events[events["event"].str.startswith("user_")]
    assert list(changes["event"]) == ["user_role_changed", "user_disabled", "user_enabled"]
    assert set(changes["by"]) == {"Ana Lopez"} and set(changes["user"]) == {"cleo"}


def test_the_last_manager_cannot_disable_or_demote_themselves(team):
    at = _pick(_users_page("Ana Lopez"), "Ana Lopez")
    at = click(at, "Disable")
    assert any("Ana Lopez is the last enabled manager" in m for m in _messages(at))
    at = click(_pick(at, "Ana Lopez"), "Make coordinator")
    assert any("last enabled manager" in m for m in _messages(at))
    ana = _stored(team)["Ana Lopez"]
    assert ana.role == "manager" and not ana.disabled


def test_a_manager_resets_a_password(team, tmp_path):
    at = _pick(_users_page("Ana Lopez"), "cleo")
    at.text_input(key="users_reset_password").set_value("cleo's new long secret")
    at.text_input(key="users_reset_repeat").set_value("cleo's new long secret")
    at = click(at, "Set the new password")
    assert any("cleo has a new password" in m for m in _messages(at))
    assert verify_password("cleo's new long secret", _stored(team)["cleo"].password_hash)
    events, _ = read_events(tmp_path / "audit.jsonl")
    assert list(events[events["event"] == "user_password_reset"]["user"]) == ["cleo"]


def test_a_manager_demoted_elsewhere_cannot_change_users_from_a_page_already_open(team):
    at = _pick(_users_page("Ana Lopez"), "cleo")
    with Store.open(team) as store:
        store.users.add("bo", "manager", "hash")
        store.users.set_role("Ana Lopez", "coordinator")
    at = click(at, "Disable")
    assert not _stored(team)["cleo"].disabled
    assert refusal(MANAGE_USERS, "Ana Lopez", "coordinator") in _messages(at)


def test_user_names_are_shown_as_written_not_as_markdown(team):
    at = _add(
        _users_page("Ana Lopez"), "**bold** ![x](http://example.org/x.png)", "coordinator", NEW_PASSWORD, NEW_PASSWORD
    )
    assert at.success and "\\*\\*bold\\*\\*" in at.success[0].value and "\\!\\[x\\]" in at.success[0].value


def test_on_an_open_app_the_first_user_turns_on_named_sign_in(monkeypatch, tmp_path):
    monkeypatch.setenv("RRADAR_DATABASE_URL", f"sqlite:///{tmp_path / 'radar.sqlite3'}")
    monkeypatch.setenv("RRADAR_LOG_DIR", str(tmp_path))
    monkeypatch.delenv("RRADAR_PASSWORD_HASH", raising=False)
    at = AppTest.from_file(ENTRY, default_timeout=90).run().switch_page(PAGE_FILES["users"]).run()
    assert any("No user exists yet" in shown(i.value) for i in at.info)
    at = _add(at, "ana", "manager", NEW_PASSWORD, NEW_PASSWORD)
    assert at.text_input(key="gate_name") and not at.sidebar.markdown  # the local session must now sign in
    events, _ = read_events(tmp_path / "audit.jsonl")
    assert events.iloc[0]["by"] == "local user"
