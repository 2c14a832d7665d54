"""One time-to-dropout model learned from several trials: each trial scored only by a model that never saw its
patients, its card loads and scores a cohort file like any version's."""

from __future__ import annotations

import json
from dataclasses import replace

import numpy as np
import pytest

from core.history.endings import ANY_DISCONTINUATION
from core.history.simulated import simulate_history
from core.model.bundle import load_bundle
from core.model.card_words import headline_auc, measured_on, origin_words
from core.paths import DEMO_COHORT_PATH, MODEL_CARD_FILE, MODEL_FILE
from core.reading.validation import load_cohort
from core.training import pooled_training
from core.training.pooled_training import PooledRun, train_pooled, training_rows
from core.training.pooled_versions import write_pooled_version
from core.training.time_family import TIME
from core.training.trial_training import TrainingSource
from tests.core.training.conftest import QUICK, SMALL_TRIAL

TRIALS = (
    ("Alpha", replace(SMALL_TRIAL, id_prefix="A"), 3),
    ("Beta", replace(SMALL_TRIAL, id_prefix="B", planned_days=168, phase="Phase II"), 4),
)


@pytest.fixture(scope="module")
def recorded() -> dict[str, set[str]]:
    return {}


@pytest.fixture(scope="module")
def pooled(recorded: dict[str, set[str]]) -> PooledRun:
    """Trained once, every fit's training patients recorded (by the seed, which is the held-out trial's index)."""
    real_fit = pooled_training.fit_chosen

    def spying_fit(periods, rows, names, seed, *args, **kwargs):
        recorded[str(seed)] = set(periods.patient[rows].astype(str))
        return real_fit(periods, rows, names, seed, *args, **kwargs)

    sources = [
        (TrainingSource(name, (name,), str(i) * 64, synthetic=True), simulate_history(plan, seed=seed))
        for i, (name, plan, seed) in enumerate(TRIALS)
    ]
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(pooled_training, "fit_chosen", spying_fit)
        return train_pooled(sources, replace(QUICK, outcome=ANY_DISCONTINUATION))


def test_a_trial_is_never_scored_by_a_model_that_learned_from_its_patients(pooled, recorded) -> None:
    for i, trial in enumerate(pooled.trials):
        learned_from = recorded[str(i)]
        own = {f"{trial.name}/{p}" for p in trial.data.patients}
        assert learned_from and not learned_from & own  # the model that scored it saw none of its patients
        assert trial.trained_on == [t.name for t in pooled.trials if t.name != trial.name]
        assert trial.training_patients == len(learned_from)
        rows = training_rows(pooled.periods, trial.name)
        assert not set(pooled.periods.trial[rows]) & {trial.name}
    assert len(recorded[str(pooled_training.FINAL_SEED)]) == len(set(pooled.periods.patient))  # final: everyone


def test_each_trial_has_its_figures_beside_its_own_baseline_and_the_headline_is_their_mean(pooled) -> None:
    values = []
    for trial in pooled.trials:
        assert {TIME, "baseline"} <= set(trial.results)
        assert trial.results[TIME]["by_landmark"] and set(trial.per_horizon) == {"4", "8", "12"}
        values.append(trial.results[TIME]["per_landmark"]["roc_auc"]["value"])
    headline = pooled.headline["roc_auc"]
    assert headline["value"] == pytest.approx(np.mean(values), abs=1e-4)
    assert headline["ci95"][0] < headline["value"] < headline["ci95"][1]


def test_the_card_loads_as_a_bundle_and_scores_a_cohort_file(pooled, tmp_path) -> None:
    card = write_pooled_version(pooled, tmp_path, QUICK.costs, None)
    bundle = load_bundle(tmp_path / MODEL_FILE, tmp_path / MODEL_CARD_FILE)
    assert json.loads((tmp_path / MODEL_CARD_FILE).read_text())["model_version"] == bundle.version
    assert [t["trial"] for t in card["training_data"]["trials"]] == ["Alpha", "Beta"]
    assert all(t["origin"] == "synthetic" and t["patients"] > 0 for t in card["training_data"]["trials"])
    assert card["covers"]["days_in_trial"][0] == 1 and card["time_to_dropout"]["horizons_weeks"] == [4, 8, 12]
    assert "Alpha" in origin_words(card) and "other trials" in measured_on(card) and headline_auc(card)
    assert bundle.predictions_path is not None and bundle.input_sample is not None
    cohort = load_cohort(DEMO_COHORT_PATH.read_bytes(), DEMO_COHORT_PATH.name, bundle.contract).valid
    features = bundle.features(cohort)
    risk, chances = bundle.predict_features(features), bundle.chances(features)
    assert len(risk) == len(cohort) and np.isfinite(risk).all() and ((risk > 0) & (risk < 1)).all()
    assert (chances["chance_within_4_weeks"] <= chances["chance_within_12_weeks"] + 1e-12).all()


def test_fewer_than_two_trials_is_refused(pooled) -> None:
    trial = pooled.trials[0]
    with pytest.raises(ValueError, match="at least two trials"):
        train_pooled([(trial.source, trial.history)], QUICK)
