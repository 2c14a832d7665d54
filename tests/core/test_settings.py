"""core.settings: deployment overrides from the environment or secrets.toml, with their source."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from core.decisions.bands import FACTORY_BANDS
from core.decisions.costs import FACTORY_COSTS
from core.paths import ROOT
from core.settings import Settings, SettingsError, read_secrets, resolve_bands, resolve_number, resolve_settings


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
    env = {
        "RRADAR_BAND_HIGH_LOWER": "0.5",
        "RRADAR_BAND_HIGH_ACTION": "Coordinator call",
        "RRADAR_BAND_HIGH_COST": "90",
    }
    bands, notes = resolve_bands(FACTORY_BANDS, env, {})
    high = next(b for b in bands if b.name == "High")
    assert (high.lower, high.action, high.action_cost) == (0.5, "Coordinator call", 90.0)
    changed = {n.name for n in notes if n.source != "default"}
    assert changed == {"band_high_lower", "band_high_action", "band_high_cost"}


def test_band_cut_points_must_still_descend():
    with pytest.raises(SettingsError, match="descend"):
        resolve_bands(FACTORY_BANDS, {"RRADAR_BAND_MEDIUM_LOWER": "0.8"}, {})


def test_secrets_file_is_read_when_present(tmp_path):
    path = tmp_path / "secrets.toml"
    assert read_secrets(path) == {}
    path.write_text("[settings]\nintervention_cost = 250\n")
    assert resolve_number("intervention_cost", 500.0, {}, read_secrets(path)).value == 250


def test_settings_are_read_when_asked_not_at_import(tmp_path, monkeypatch):
    import core.settings as settings_module

    monkeypatch.setenv("RRADAR_DROPOUT_COST", "7000")
    settings = settings_module.load_settings(secrets_path=tmp_path / "none.toml")
    assert settings.costs.dropout_cost == 7000
    assert [(s.name, s.source) for s in settings.overridden] == [("dropout_cost", "environment")]
    monkeypatch.setenv("RRADAR_DROPOUT_COST", "9000")
    assert settings_module.load_settings(secrets_path=tmp_path / "none.toml").costs.dropout_cost == 9000


def test_factory_settings_need_nothing_configured():
    settings = Settings.factory()
    assert settings.costs == FACTORY_COSTS and settings.bands == FACTORY_BANDS
    assert settings.overridden == [] and settings.password_hash is None and settings.audit_salt is None


@pytest.mark.parametrize(
    "env,fragment",
    [
        ({"RRADAR_LOG_LEVEL": "chatty"}, "RRADAR_LOG_LEVEL must be one of"),
        ({"RRADAR_MAX_UPLOAD_MB": "5000"}, "RRADAR_MAX_UPLOAD_MB must be between"),
        ({"RRADAR_INTERVENTION_COST": "-5"}, "RRADAR_INTERVENTION_COST must be at least"),
    ],
)
def test_every_bad_value_names_its_variable(env, fragment):
    with pytest.raises(SettingsError, match=fragment):
        resolve_settings(env, {})


def test_a_broken_secrets_file_is_a_settings_error(tmp_path):
    path = tmp_path / "secrets.toml"
    path.write_text("[settings\nintervention_cost = ")
    with pytest.raises(SettingsError, match="secrets.toml is not valid TOML"):
        read_secrets(path)


def _run(module: str, *args: str, env: dict[str, str]) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", module, *args],
        capture_output=True,
        text=True,
        cwd=ROOT,
        env={"PATH": os.environ.get("PATH", ""), "PYTHONPATH": str(ROOT), **env},
        timeout=300,
    )


def test_a_bad_setting_does_not_break_a_command_that_does_not_use_it(tmp_path):
    result = _run("core.cli.synth", "--help", env={"RRADAR_EFFECTIVENESS": "2"})
    assert result.returncode == 0, result.stderr


def test_a_command_that_uses_settings_names_the_bad_variable_in_one_line(tmp_path):
    cohort = tmp_path / "cohort.csv"
    cohort.write_text("patient_id,age\nA,40\n")
    result = _run("core.cli.score", str(cohort), "-o", str(tmp_path / "out.csv"), env={"RRADAR_EFFECTIVENESS": "2"})
    assert result.returncode == 2
    assert result.stderr.strip().splitlines() == ["error: RRADAR_EFFECTIVENESS must be between 0.0 and 1.0, got 2.0"]


def test_a_model_hash_can_be_pinned_and_must_be_a_sha256():
    digest = "ab" * 32
    assert resolve_settings({"RRADAR_MODEL_SHA256": digest.upper()}, {}).model_sha256 == digest
    assert resolve_settings({}, {"model": {"sha256": digest}}).model_sha256 == digest
    assert resolve_settings({}, {}).model_sha256 is None
    with pytest.raises(SettingsError, match="RRADAR_MODEL_SHA256 must be a SHA-256"):
        resolve_settings({"RRADAR_MODEL_SHA256": "abc"}, {})


def test_the_database_is_a_sqlite_file_beside_the_audit_log_unless_configured(tmp_path):
    beside = resolve_settings({"RRADAR_LOG_DIR": str(tmp_path)}, {}).database_url
    assert beside == f"sqlite:///{tmp_path}/retention_radar.sqlite3" and beside.startswith("sqlite:////")
    from_secrets = "postgresql+psycopg://radar@db.example/radar"
    assert resolve_settings({}, {"database": {"url": from_secrets}}).database_url == from_secrets
    from_env = "postgresql+psycopg://radar:pw@127.0.0.1:5433/radar"
    both = resolve_settings({"RRADAR_DATABASE_URL": from_env}, {"database": {"url": from_secrets}})
    assert both.database_url == from_env
    assert all("database" not in s.name for s in both.in_force)  # the address may hold a password: never listed


def test_mlflow_tracking_uri_from_its_own_variable_then_secrets_and_never_shown():
    assert resolve_settings({}, {}).mlflow_tracking_uri is None
    assert resolve_settings({"MLFLOW_TRACKING_URI": "  "}, {"mlflow": {"tracking_uri": ""}}).mlflow_tracking_uri is None
    secrets = {"mlflow": {"tracking_uri": "https://ann:pw@mlflow.internal"}}
    assert resolve_settings({}, secrets).mlflow_tracking_uri == "https://ann:pw@mlflow.internal"
    chosen = resolve_settings({"MLFLOW_TRACKING_URI": "file:///srv/mlruns"}, secrets)
    assert chosen.mlflow_tracking_uri == "file:///srv/mlruns"
    assert not any("pw" in str(s.value) or "mlflow" in s.name for s in chosen.in_force)


def test_trusted_proxies_from_the_environment_or_secrets_and_a_bad_one_named():
    assert resolve_settings({}, {}).trusted_proxies == ()
    assert resolve_settings({"RRADAR_TRUSTED_PROXIES": "127.0.0.1, 10.0.0.0/8"}, {}).trusted_proxies == (
        "127.0.0.1",
        "10.0.0.0/8",
    )
    assert resolve_settings({}, {"server": {"trusted_proxies": ["::1"]}}).trusted_proxies == ("::1",)
    with pytest.raises(SettingsError, match="RRADAR_TRUSTED_PROXIES: 'proxy' is not an IP address"):
        resolve_settings({"RRADAR_TRUSTED_PROXIES": "proxy"}, {})
