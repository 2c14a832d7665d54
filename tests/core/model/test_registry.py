"""Model versions: register, promote, roll back, refuse a tampered one; a trial model scores its own trial."""

from __future__ import annotations

import json

import pytest

from core.decisions.bands import FACTORY_BANDS
from core.history.as_of import default_as_of
from core.history.export import to_csv_files
from core.model import coverage
from core.model.bundle import ModelIntegrityError
from core.model.registry import Registry, RegistryError
from core.paths import MODEL_FILE
from core.scoring.trial_as_of import needs_arm_mapping, score_history
from core.training.candidates import LIGHTGBM, LOGISTIC
from core.training.time_family import TIME
from core.training.trial_versions import register_versions
from tests.core.training.conftest import copy_registry


@pytest.fixture()
def registry(tmp_path, small_run):
    registry = Registry(copy_registry(tmp_path / "models"))
    registry.names = register_versions(small_run, registry)  # type: ignore[attr-defined]
    return registry


def test_training_registers_every_version_without_putting_any_in_use(registry):
    bundled = registry.in_use()
    assert set(registry.names) == {LIGHTGBM, LOGISTIC, TIME}
    listed = {v.name for v in registry.versions()}
    assert set(registry.names.values()) | {bundled} == listed
    assert registry.load().version == bundled


def test_promotion_and_rollback_change_the_model_loaded(registry):
    bundled = registry.in_use()
    lightgbm, logistic = registry.names[LIGHTGBM], registry.names[LOGISTIC]
    assert registry.promote(lightgbm, "ana") == bundled
    assert registry.load().version == lightgbm
    registry.promote(logistic, "ana")
    assert registry.load().version == logistic and registry.load().model.kind == "logistic_regression"
    assert registry.rollback("ben") == lightgbm
    assert registry.rollback("ben") == bundled
    assert registry.load().version == bundled
    with pytest.raises(RegistryError, match="nothing to roll back"):
        registry.rollback("ben")
    actions = [(entry["action"], entry["by"]) for entry in registry.history()]
    assert actions == [("promote", "ana"), ("promote", "ana"), ("rollback", "ben"), ("rollback", "ben")]


def test_a_tampered_version_is_refused_and_cannot_be_put_in_use(registry):
    name = registry.names[LIGHTGBM]
    folder = next(v.folder for v in registry.versions() if v.name == name)
    model = folder / MODEL_FILE
    model.write_bytes(model.read_bytes() + b"\0")
    with pytest.raises(ModelIntegrityError, match="altered since it was registered"):
        registry.load(name)
    with pytest.raises(ModelIntegrityError):
        registry.promote(name, "ana")
    assert registry.load().version != name


def test_a_model_and_card_swapped_together_are_still_refused(registry):
    """The card moves with the model file; the hash recorded at registration does not."""
    lightgbm = next(v for v in registry.versions() if v.name == registry.names[LIGHTGBM])
    logistic = next(v for v in registry.versions() if v.name == registry.names[LOGISTIC])
    (lightgbm.folder / MODEL_FILE).write_bytes((logistic.folder / MODEL_FILE).read_bytes())
    card = json.loads((lightgbm.folder / "model_card.json").read_text())
    card["model_sha256"] = logistic.card["model_sha256"]
    (lightgbm.folder / "model_card.json").write_text(json.dumps(card))
    with pytest.raises(ModelIntegrityError):
        registry.load(lightgbm.name)


def test_an_unknown_version_is_a_plain_refusal(registry):
    with pytest.raises(RegistryError, match="no model version nope"):
        registry.promote("nope", "ana")


def test_a_trial_model_scores_its_own_trial_history_with_the_trial_arm_names(registry, small_trial):
    bundle = registry.load(registry.names[LOGISTIC])
    assert not needs_arm_mapping(bundle, small_trial)
    files = to_csv_files(small_trial)
    as_of, _ = default_as_of(small_trial)
    scored = score_history(small_trial, files, "small", as_of, bundle, FACTORY_BANDS)
    assert len(scored.scored) > 0 and scored.result.n_invalid_rows == 0
    assert set(scored.scored["treatment_group"].astype(str)) <= {"Drug X", "Placebo"}
    judged = scored.scored["probability"].notna()
    assert scored.scored.loc[judged, "probability"].between(0, 1).all()
    assert set(scored.scored.loc[~judged, "risk_band"]) <= {coverage.TOO_EARLY, coverage.TOO_LATE}


def test_a_trial_model_scores_a_cohort_file_of_its_trial(registry, small_trial):
    """The weekly cohort file of the trial (its own arm names, the event counts) scores without a mapping."""
    from core.history.as_of import as_of_snapshot
    from core.scoring.cohort import score_upload

    bundle = registry.load(registry.names[LIGHTGBM])
    as_of, _ = default_as_of(small_trial)
    cells = as_of_snapshot(small_trial, as_of)
    data = cells.to_csv(index=False).encode()
    scored = score_upload(data, "week.csv", bundle, FACTORY_BANDS)
    assert scored.result.n_invalid_rows == 0 and len(scored.scored) == len(cells)
    judged = scored.scored["probability"].notna()
    assert scored.scored.loc[judged, "probability"].between(0, 1).all()
    assert set(scored.scored.loc[~judged, "risk_band"]) <= {coverage.TOO_EARLY, coverage.TOO_LATE}
