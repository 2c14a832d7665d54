"""core.settings: deployment overrides from the environment or secrets.toml, with their source."""

from __future__ import annotations

import pytest

from core.config import FACTORY_BANDS
from core.settings import SettingsError, read_secrets, resolve_bands, resolve_number


def test_default_when_nothing_is_set():
    setting = resolve_number("dropout_cost", 5000.0, {}, {})
    assert (setting.value, setting.source) == (5000.0, "default")


def test_environment_beats_secrets_and_secrets_beat_default():
    secrets = {"settings": {"dropout_cost": 8000}}
    assert resolve_number("dropout_cost", 5000.0, {}, secrets).value == 8000
    assert resolve_number("dropout_cost", 5000.0, {}, secrets).source == "secrets.toml"
    env = {"RRADAR_DROPOUT_COST": "12000"}
    assert resolve_number("dropout_cost", 5000.0, env, secrets).value == 12000
    assert resolve_number("dropout_cost", 5000.0, env, secrets).source == "environment"


@pytest.mark.parametrize("raw,fragment", [("abc", "must be a number"), ("1.5", "must be between 0.0 and 1.0")])
def test_invalid_override_names_the_variable(raw, fragment):
    with pytest.raises(SettingsError, match=f"RRADAR_EFFECTIVENESS {fragment}"):
        resolve_number("effectiveness", 1.0, {"RRADAR_EFFECTIVENESS": raw}, {}, 0.0, 1.0)


def test_band_cut_point_action_and_cost_can_be_overridden():
    env = {"RRADAR_BAND_HIGH_LOWER": "0.5", "RRADAR_BAND_HIGH_ACTION": "Coordinator call", "RRADAR_BAND_HIGH_COST": "90"}
    bands, notes = resolve_bands(FACTORY_BANDS, env, {})
    high = next(b for b in bands if b.name == "High")
    assert (high.lower, high.action, high.action_cost) == (0.5, "Coordinator call", 90.0)
    assert {n.name for n in notes} == {"band_high_lower", "band_high_action", "band_high_cost"}


def test_band_cut_points_must_still_descend():
    with pytest.raises(SettingsError, match="descend"):
        resolve_bands(FACTORY_BANDS, {"RRADAR_BAND_MEDIUM_LOWER": "0.8"}, {})


def test_secrets_file_is_read_when_present(tmp_path):
    path = tmp_path / "secrets.toml"
    assert read_secrets(path) == {}
    path.write_text('[settings]\nintervention_cost = 250\n')
    assert resolve_number("intervention_cost", 500.0, {}, read_secrets(path)).value == 250


def test_overrides_reach_the_app_config(tmp_path):
    import subprocess
    import sys

    code = "from core.config import DEFAULT_COSTS, SETTINGS_IN_FORCE; print(DEFAULT_COSTS.dropout_cost, SETTINGS_IN_FORCE[1].source)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True,
                         env={"RRADAR_DROPOUT_COST": "7000", "PATH": "", "PYTHONPATH": "."})
    assert out.stdout.split() == ["7000.0", "environment"]
