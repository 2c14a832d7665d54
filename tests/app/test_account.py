"""The sidebar's account box: a named user changes their own password (the current one is asked first)."""

from __future__ import annotations

from streamlit.testing.v1 import AppTest

from app.views.account import CURRENT, NEW, REPEAT
from core.store import Store
from core.trust.audit import read_events
from core.trust.passwords import verify_password
from tests.app.conftest import ENTRY, TEAM, click, shown, sign_in

CLEO_PASSWORD = TEAM["cleo"][1]
NEW_PASSWORD = "cleo's brand new secret"


def _change(at: AppTest, current: str, new: str, repeat: str) -> AppTest:
    for key, value in ((CURRENT, current), (NEW, new), (REPEAT, repeat)):
        at.text_input(key=key).set_value(value)
    return click(at, "Change my password")


def _sidebar_messages(at: AppTest) -> list[str]:
    return [shown(m.value) for m in (*at.sidebar.success, *at.sidebar.error)]


def _stored_hash(url: str) -> str:
    with Store.open(url) as store:
        user = store.users.get("cleo")
    assert user is not None
    return user.password_hash


def test_a_user_changes_their_own_password_and_it_is_recorded(team, tmp_path):
    at = _change(sign_in("cleo", CLEO_PASSWORD), CLEO_PASSWORD, NEW_PASSWORD, NEW_PASSWORD)
    assert not at.exception and _sidebar_messages(at) == ["Your password is changed."]
    assert verify_password(NEW_PASSWORD, _stored_hash(team))
    assert not any(NEW_PASSWORD in str(value) for value in at.session_state.values())
    events, _ = read_events(tmp_path / "audit.jsonl")
    assert list(events["event"]) == ["signed_in", "user_password_changed"]
    assert "Signed in as" in shown(at.sidebar.markdown[0].value)
    assert not sign_in("cleo", CLEO_PASSWORD).sidebar.markdown  # the old password no longer opens the app
    assert sign_in("cleo", NEW_PASSWORD).sidebar.markdown


def test_a_wrong_current_password_or_differing_new_ones_change_nothing(team, tmp_path):
    at = _change(sign_in("cleo", CLEO_PASSWORD), "not my password at all", NEW_PASSWORD, NEW_PASSWORD)
    assert _sidebar_messages(at) == ["The current password is not right: nothing was changed. Type it again."]
    at = _change(at, CLEO_PASSWORD, NEW_PASSWORD, "a different new secret")
    assert _sidebar_messages(at) == ["The two new passwords differ: type the same new password twice."]
    assert verify_password(CLEO_PASSWORD, _stored_hash(team))
    events, _ = read_events(tmp_path / "audit.jsonl")
    assert list(events["event"]) == ["signed_in", "password_change_refused"]


def test_the_open_app_offers_neither_sign_out_nor_a_password_change():
    at = AppTest.from_file(ENTRY, default_timeout=90).run()
    assert not at.exception and any("Access: open" in c.value for c in at.sidebar.caption)
    assert not [b for b in at.button if b.label in ("Change my password", "Sign out")]
