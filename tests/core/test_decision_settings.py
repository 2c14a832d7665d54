"""core.decision_settings: the address beats the team's saved settings, which beat the defaults."""

from __future__ import annotations

import logging

import pytest

from core.decision_settings import (
    ADDRESS,
    DEFAULT,
    NAMES,
    TEAM,
    THRESHOLD_MODEL,
    checked,
    differences,
    resolve,
    team_values,
    to_save,
)

DEFAULTS = {
    "threshold": 0.3,
    "contact_cost": 500.0,
    "dropout_cost": 5000.0,
    "effectiveness": 1.0,
    "capacity": None,
    "plan": "single",
    "costs_set": False,
}
SAVED = {
    "threshold": 0.42,
    THRESHOLD_MODEL: "v2",
    "contact_cost": 120.0,
    "effectiveness": 0.35,
    "capacity": 40,
    "costs_set": True,
}


def test_each_setting_comes_from_the_first_layer_that_has_it():
    resolved = resolve({"contact_cost": 80.0}, SAVED, DEFAULTS, "v2")
    assert resolved.values["contact_cost"] == 80.0 and resolved.sources["contact_cost"] == ADDRESS
    assert resolved.values["threshold"] == 0.42 and resolved.sources["threshold"] == TEAM
    assert resolved.values["capacity"] == 40 and resolved.values["costs_set"] is True
    assert resolved.values["dropout_cost"] == 5000.0 and resolved.sources["dropout_cost"] == DEFAULT
    assert set(resolved.values) == set(NAMES)
    assert resolved.threshold_from_other_model is None


def test_a_threshold_saved_for_another_model_is_left_aside_and_named():
    resolved = resolve({}, SAVED, DEFAULTS, "v3")
    assert resolved.values["threshold"] == 0.3 and resolved.sources["threshold"] == DEFAULT
    assert resolved.threshold_from_other_model == "v2"
    assert resolved.values["contact_cost"] == 120.0  # the costs do not belong to a model
    # With the tab's own threshold in the address there is nothing to explain.
    assert resolve({"threshold": 0.5}, SAVED, DEFAULTS, "v3").threshold_from_other_model is None
    without_model = {k: v for k, v in SAVED.items() if k != THRESHOLD_MODEL}
    assert "threshold" not in team_values(without_model, "v2").values


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("threshold", 1.5),
        ("threshold", float("nan")),
        ("threshold", "high"),
        ("contact_cost", -3),
        ("dropout_cost", True),
        ("effectiveness", None),
        ("capacity", -1),
        ("capacity", 2.5),
        ("capacity", "many"),
        ("plan", "everyone"),
        ("plan", ["single"]),
    ],
)
def test_an_invalid_saved_value_is_ignored_logged_and_the_default_kept(name, value, caplog):
    saved = {**SAVED, name: value}
    with caplog.at_level(logging.WARNING, logger="core.decision_settings"):
        resolved = resolve({}, saved, DEFAULTS, "v2")
    assert resolved.values[name] == DEFAULTS[name] and resolved.sources[name] == DEFAULT
    assert resolved.team.ignored == (name,)
    assert f"not valid: {name}" in caplog.text


def test_address_text_and_stored_json_pass_the_same_checks():
    from_text, bad_text = checked({"threshold": "0.37", "capacity": "none", "plan": "tiered", "costs_set": "1"})
    from_json, bad_json = checked({"threshold": 0.37, "capacity": None, "plan": "tiered", "costs_set": True})
    assert from_text == from_json == {"threshold": 0.37, "capacity": None, "plan": "tiered", "costs_set": True}
    assert bad_text == bad_json == []
    assert checked({"capacity": "25", "costs_set": "0", "unknown": 1}) == ({"capacity": 25, "costs_set": False}, [])


def test_differences_name_what_is_not_the_teams_and_tolerate_rounding():
    in_force = {**DEFAULTS, "threshold": 0.42 + 1e-12, "contact_cost": 120.0, "capacity": 40, "costs_set": False}
    team = team_values(SAVED, "v2").values
    assert differences(in_force, team) == ["effectiveness"]  # costs_set is bookkeeping, not a difference
    assert differences({**in_force, "capacity": None}, team) == ["effectiveness", "capacity"]


def test_saving_stores_what_changed_the_threshold_with_its_model_and_nothing_when_nothing_did():
    first = to_save(DEFAULTS, {}, "v2")
    assert first == {**DEFAULTS, "costs_set": True, THRESHOLD_MODEL: "v2"}
    saved = {**DEFAULTS, **SAVED}
    in_force = {k: v for k, v in saved.items() if k in NAMES}
    assert to_save(in_force, saved, "v2") == {}
    assert to_save({**in_force, "dropout_cost": 7000.0}, saved, "v2") == {"dropout_cost": 7000.0, "costs_set": True}
    # Under a new model the same threshold is saved again, for that model.
    assert to_save(in_force, saved, "v3") == {"threshold": 0.42, THRESHOLD_MODEL: "v3", "costs_set": True}
    # A setting the team never saved is saved with the first change.
    assert to_save(in_force, SAVED, "v2") == {"dropout_cost": 5000.0, "plan": "single", "costs_set": True}
