"""Named sign-in: each person signs in with their own name and password; the gate when the database is down."""

from __future__ import annotations

import itertools

import pytest
from streamlit.testing.v1 import AppTest

from app.access.sign_in import WRONG_NAMED
from core.store import Store
from core.trust.audit import read_events
from core.trust.gate_choice import remember_named_users
from core.trust.guesses import PER_NAME, STATE_NAME
from core.trust.passwords import hash_password
from tests.app.conftest import ENTRY, PAGE_FILES, TEAM, click, shown, sign_in
from tests.core.store.postgres_cluster import free_port

ANA_PASSWORD = TEAM["Ana Lopez"][1]


def _errors(at: AppTest) -> list[str]:
    return [shown(e.value) for e in at.error]


def _signed_in_as(at: AppTest) -> str:
    return " ".join(shown(m.value) for m in at.sidebar.markdown if "Signed in as" in m.value)


@pytest.mark.parametrize("page", list(PAGE_FILES))
def test_every_page_asks_for_a_name_and_password_first(team, page):
    at = AppTest.from_file(ENTRY, default_timeout=90).run()
    if page != "overview":
        at.switch_page(PAGE_FILES[page]).run()
    assert not at.exception
    assert at.text_input(key="gate_name") and at.text_input(key="gate_password")
    assert not at.sidebar.markdown and not at.dataframe and not at.metric


def test_a_named_user_signs_in_with_their_own_role_and_the_password_is_not_kept(team, tmp_path):
    at = sign_in(" ana lopez ", ANA_PASSWORD)
    assert not at.exception and not _errors(at)
    assert _signed_in_as(at) == "Signed in as **Ana Lopez** (manager)"
    assert not any(ANA_PASSWORD in str(value) for value in at.session_state.values())
    events, _ = read_events(tmp_path / "audit.jsonl")
    signed = events[events["event"] == "signed_in"]
    assert list(signed["user"]) == ["Ana Lopez"] and list(signed["via"]) == ["password"]
    assert ANA_PASSWORD not in (tmp_path / "audit.jsonl").read_text()


def test_a_wrong_password_and_an_unknown_name_get_the_same_message(team, tmp_path):
    wrong_password = sign_in("Ana Lopez", "not her password at all")
    unknown_name = sign_in("dora", ANA_PASSWORD)
    assert _errors(wrong_password) == _errors(unknown_name) == [WRONG_NAMED]
    for at in (wrong_password, unknown_name):
        assert not at.sidebar.markdown and at.text_input(key="gate_password")
    events, _ = read_events(tmp_path / "audit.jsonl")
    failed = events[events["event"] == "sign_in_failed"]
    assert list(failed["reason"]) == ["wrong password", "unknown name"]
    assert failed.iloc[0]["user"] == "Ana Lopez"  # someone tried her account
    with Store.open(team) as store, store.database.reading() as connection:
        counted = [str(row) for row in connection.exec_driver_sql("SELECT client, name FROM guess_failures")]
    assert len(counted) == 2 and not (tmp_path / STATE_NAME).exists()  # counted in the database, not the file
    kept = (tmp_path / "audit.jsonl").read_text() + " ".join(counted)
    assert "dora" not in kept and "not her password" not in kept and failed.iloc[1]["name_typed"].startswith("name-")


def test_a_disabled_user_is_refused_like_a_wrong_password(team, tmp_path):
    with Store.open(team) as store:
        store.users.disable("cleo")
    at = sign_in("cleo", TEAM["cleo"][1])
    assert _errors(at) == [WRONG_NAMED] and not at.sidebar.markdown
    events, _ = read_events(tmp_path / "audit.jsonl")
    assert list(events[events["event"] == "sign_in_failed"]["reason"]) == ["disabled"]


def test_someone_disabled_while_signed_in_is_signed_out_at_their_next_click(team):
    at = sign_in("cleo", TEAM["cleo"][1])
    assert "cleo" in _signed_in_as(at)
    with Store.open(team) as store:
        store.users.disable("cleo")
    at.switch_page(PAGE_FILES["model"]).run()
    assert at.text_input(key="gate_password") and not at.sidebar.markdown
    assert any("no longer enabled" in e for e in _errors(at))


def test_a_role_changed_elsewhere_counts_at_the_next_click(team):
    at = sign_in("cleo", TEAM["cleo"][1])
    with Store.open(team) as store:
        store.users.set_role("cleo", "manager")
    at.switch_page(PAGE_FILES["users"]).run()
    assert _signed_in_as(at) == "Signed in as **cleo** (manager)" and not _errors(at)


def test_sign_out_asks_again_and_is_recorded(team, tmp_path):
    at = click(sign_in("Ana Lopez", ANA_PASSWORD), "Sign out")
    assert at.text_input(key="gate_password") and not at.sidebar.markdown
    events, _ = read_events(tmp_path / "audit.jsonl")
    assert list(events["event"]) == ["signed_in", "signed_out"]


def test_guesses_at_one_name_from_many_computers_lock_that_name_only(team, monkeypatch):
    addresses = (f"198.51.100.{i}" for i in itertools.count(1))
    monkeypatch.setattr("app.state.client_address", lambda *proxies: next(addresses))
    for _ in range(PER_NAME - 1):
        assert _errors(sign_in("Ana Lopez", "a wrong guess here")) == [WRONG_NAMED]
    assert any("with this name" in e for e in _errors(sign_in("ana lopez", "a wrong guess here")))
    refused = sign_in("Ana Lopez", ANA_PASSWORD)  # even the right password waits out the lockout
    assert not refused.sidebar.markdown and any("paused" in e for e in _errors(refused))
    assert "cleo" in _signed_in_as(sign_in("cleo", TEAM["cleo"][1]))  # other names are not locked


@pytest.fixture
def database_down(monkeypatch, tmp_path):
    """A deployment whose database does not answer (nothing listens on its port)."""
    monkeypatch.setenv("RRADAR_DATABASE_URL", f"postgresql://radar:pw@127.0.0.1:{free_port()}/radar")
    monkeypatch.setenv("RRADAR_LOG_DIR", str(tmp_path))
    monkeypatch.delenv("RRADAR_PASSWORD_HASH", raising=False)
    monkeypatch.delenv("RRADAR_REQUIRE_SIGN_IN", raising=False)
    return tmp_path


def test_with_the_database_down_and_sign_in_required_the_app_refuses_to_open(database_down, monkeypatch):
    monkeypatch.setenv("RRADAR_REQUIRE_SIGN_IN", "true")
    at = AppTest.from_file(ENTRY, default_timeout=90).run()
    assert not at.exception and not at.sidebar.markdown and not at.text_input
    assert any("cannot be reached" in e and "127.0.0.1" in e for e in _errors(at))


def test_with_the_database_down_an_installation_that_had_named_users_refuses_too(database_down):
    remember_named_users(database_down)
    at = AppTest.from_file(ENTRY, default_timeout=90).run()
    assert not at.sidebar.markdown and any("people sign in here by name" in e for e in _errors(at))


def test_with_the_database_down_the_shared_password_is_asked_instead(database_down, monkeypatch):
    monkeypatch.setenv("RRADAR_PASSWORD_HASH", hash_password("the team's long secret", iterations=1_000))
    at = AppTest.from_file(ENTRY, default_timeout=90).run()
    assert [t.key for t in at.text_input] == ["gate_password"]
    assert any("team password was asked instead" in shown(w.value) for w in at.warning)
    at.text_input(key="gate_password").set_value("the team's long secret")
    at = click(at, "Sign in")
    assert _signed_in_as(at) == "Signed in as **team member** (manager)"


def test_with_the_database_down_on_a_computer_that_never_had_users_the_app_opens_and_says_why(database_down):
    at = AppTest.from_file(ENTRY, default_timeout=90).run()
    assert not at.exception and at.sidebar.markdown
    assert any("cannot be reached, so the app is open" in shown(c.value) for c in at.sidebar.caption)


def test_an_app_that_has_seen_named_users_refuses_to_open_when_their_database_goes_away(team, monkeypatch):
    assert AppTest.from_file(ENTRY, default_timeout=90).run().text_input(key="gate_name")
    monkeypatch.setenv("RRADAR_DATABASE_URL", f"postgresql://radar:pw@127.0.0.1:{free_port()}/radar")
    at = AppTest.from_file(ENTRY, default_timeout=90).run()
    assert not at.sidebar.markdown and not at.text_input
    assert any("people sign in here by name" in e for e in _errors(at))
