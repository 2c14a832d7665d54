"""The team's saved settings: a manager saves them, new sessions start from them, the address still wins."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from streamlit.testing.v1 import AppTest

from app import state
from app.views.team_settings import RESTORE_BUTTON, SAVE_BUTTON
from core.decision_settings import THRESHOLD_MODEL
from core.store import Store
from core.trust.audit import read_events
from tests.app.conftest import ENTRY, PAGE_FILES, TEAM, click, shown, sign_in

ANA, CLEO = ("Ana Lopez", TEAM["Ana Lopez"][1]), ("cleo", TEAM["cleo"][1])


def _sidebar_text(at: AppTest) -> str:
    return shown(" ".join(c.value for c in at.sidebar.caption))


def _buttons(at: AppTest) -> list[str]:
    return [b.label for b in at.sidebar.button]


def _new_session(query: dict[str, str] | None = None) -> AppTest:
    at = AppTest.from_file(ENTRY, default_timeout=90)
    if query:
        at.query_params.update(query)
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def _save_directly(url: str, values: dict, who: str = "Ana Lopez") -> None:
    with Store.open(url) as store:
        store.settings.save(values, changed_by=who)


def test_a_managers_saved_settings_start_every_new_session_and_say_who_saved_them(team, tmp_path, bundle):
    at = sign_in(*ANA)
    assert "Not saved yet: the product's defaults." in _sidebar_text(at)
    at.switch_page(PAGE_FILES["thresholds"]).run()
    at.slider(key="thresholds_settings_threshold").set_value(0.42).run()
    at.number_input(key="thresholds_settings_intervention_cost").set_value(120.0).run()
    at = click(at, SAVE_BUTTON)
    assert not at.exception and "The settings in force are the team's." in _sidebar_text(at)
    today = datetime.now(UTC).strftime("%Y-%m-%d")
    with Store.open(team) as store:
        rows_saved = len(store.settings.history())
    at = click(at, SAVE_BUTTON)  # again, with nothing changed: nothing new is stored
    with Store.open(team) as store:
        assert len(store.settings.history()) == rows_saved > 0

    later = sign_in(*CLEO)  # a new session (a restart looks the same: the settings are in the database)
    assert later.session_state[state.THRESHOLD] == pytest.approx(0.42)
    assert later.session_state[state.INTERVENTION_COST] == 120.0
    assert later.session_state[state.COSTS_CONFIRMED] is True  # the team's costs are not "example figures"
    text = _sidebar_text(later)
    assert f"Saved by **Ana Lopez** on {today}" in text and "The settings in force are the team's." in text
    history = later.sidebar.dataframe[0].value
    assert set(history["Who"]) == {"Ana Lopez"}
    assert "Decision threshold: 42.0%" in set(history["What"]) and "Cost per contact: $120" in set(history["What"])
    with Store.open(team) as store:
        assert store.settings.latest()[THRESHOLD_MODEL].value == bundle.version
    events, _ = read_events(tmp_path / "audit.jsonl")
    saved = events[events["event"] == "team_settings_saved"]
    assert list(saved["by"]) == ["Ana Lopez"] and "threshold" in saved.iloc[0]["changed"]
    assert saved.iloc[0]["threshold"] == pytest.approx(0.42)


def test_the_address_of_a_refreshed_tab_beats_the_teams_settings_and_anyone_can_go_back(own_database, bundle):
    _save_directly(
        own_database, {"threshold": 0.42, THRESHOLD_MODEL: bundle.version, "contact_cost": 120.0, "costs_set": True}
    )
    at = _new_session({"threshold": "0.55"})
    assert at.session_state[state.THRESHOLD] == pytest.approx(0.55)  # the tab's own, from its address
    assert at.session_state[state.INTERVENTION_COST] == 120.0  # the address did not say: the team's
    assert "decision threshold 55.0% (team: 42.0%)" in _sidebar_text(at)
    at = click(at, RESTORE_BUTTON)
    assert at.session_state[state.THRESHOLD] == pytest.approx(0.42)
    assert at.query_params["threshold"] == "0.42" and "The settings in force are the team's." in _sidebar_text(at)


def test_a_coordinator_cannot_save_but_can_go_back_to_the_teams_settings(team):
    _save_directly(team, {"contact_cost": 120.0, "costs_set": True})
    at = sign_in(*CLEO)
    at.switch_page(PAGE_FILES["thresholds"]).run()
    at.number_input(key="thresholds_settings_intervention_cost").set_value(300.0).run()
    assert SAVE_BUTTON not in _buttons(at)
    assert "Only a manager can save the team's settings." in _sidebar_text(at)
    at = click(at, RESTORE_BUTTON)
    assert at.session_state[state.INTERVENTION_COST] == 120.0
    with Store.open(team) as store:
        assert store.settings.latest()["contact_cost"].changed_by == "Ana Lopez"  # nothing saved by her


def test_going_back_resets_the_thresholds_pages_capacity_controls(own_database):
    _save_directly(own_database, {"capacity": None, "costs_set": True})
    at = _new_session()
    at.switch_page(PAGE_FILES["thresholds"]).run()
    at.radio(key="thresholds_capacity_mode").set_value("At most a number of patients").run()
    at.number_input(key="thresholds_capacity_amount").set_value(70).run()
    assert at.session_state[state.CAPACITY] == 70
    at = click(at, RESTORE_BUTTON)
    assert at.session_state[state.CAPACITY] is None
    assert at.radio(key="thresholds_capacity_mode").value == "No limit"


def test_a_threshold_saved_for_another_model_is_not_applied(own_database, bundle):
    _save_directly(own_database, {"threshold": 0.61, THRESHOLD_MODEL: "an-older-model", "contact_cost": 150.0})
    at = _new_session()
    assert at.session_state[state.THRESHOLD] == pytest.approx(bundle.default_threshold)
    assert at.session_state[state.INTERVENTION_COST] == 150.0
    assert "saved for model version an-older-model" in _sidebar_text(at)
    assert SAVE_BUTTON in _buttons(at)  # a manager can save a threshold for this model


def test_an_invalid_saved_value_is_ignored(own_database):
    _save_directly(own_database, {"contact_cost": -40, "dropout_cost": 9000.0})
    at = _new_session()
    assert at.session_state[state.INTERVENTION_COST] == 500.0 and at.session_state[state.DROPOUT_COST] == 9000.0
    assert "Saved values not used (not valid): cost per contact." in _sidebar_text(at)
    assert "Cost per contact: (not a valid value)" in set(at.sidebar.dataframe[0].value["What"])


def test_with_the_database_unreachable_the_defaults_are_used_and_a_warning_says_so(monkeypatch, tmp_path, bundle):
    monkeypatch.setenv("RRADAR_DATABASE_URL", "postgresql+psycopg://u:p@127.0.0.1:1/x")
    monkeypatch.setenv("RRADAR_LOG_DIR", str(tmp_path))
    monkeypatch.delenv("RRADAR_PASSWORD_HASH", raising=False)
    monkeypatch.delenv("RRADAR_REQUIRE_SIGN_IN", raising=False)
    at = _new_session()
    assert at.session_state[state.THRESHOLD] == pytest.approx(bundle.default_threshold)
    assert any("team's saved settings could not be loaded" in shown(w.value) for w in at.warning)
    assert "could not be loaded (the database cannot be reached)" in _sidebar_text(at)
    assert SAVE_BUTTON not in _buttons(at)
    at.switch_page(PAGE_FILES["thresholds"]).run()  # the next run neither fails nor asks the database again
    assert not at.exception and not any("could not be loaded" in shown(w.value) for w in at.warning)
