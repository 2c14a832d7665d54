"""Training on a trial's own history: folds, nested choice, determinism, refusals, the card."""

from __future__ import annotations

import hashlib
from dataclasses import replace

import numpy as np
import pytest

from core.history.simulated import simulate_history
from core.paths import MODEL_CARD_FILE, MODEL_FILE
from core.training import cross_validation
from core.training.candidates import LIGHTGBM, LOGISTIC
from core.training.cross_validation import Design, nested_out_of_fold
from core.training.folds import assign_folds, group_labels
from core.training.landmark_data import TrainingRefused, landmark_data
from core.training.trial_training import train_history
from core.training.trial_versions import write_version

from .conftest import QUICK, SMALL_TRIAL


def test_no_patient_is_ever_on_both_sides_of_a_fold(small_trial):
    data = landmark_data(small_trial)
    assert data.grouped_by == "site"
    for seed in range(3):
        folds = assign_folds(data.groups, 5, seed)
        for k in range(5):
            train, test = set(data.patients[folds != k]), set(data.patients[folds == k])
            assert train and test and not train & test


def test_repeats_split_the_sites_differently(small_trial):
    data = landmark_data(small_trial)
    splits = {tuple(assign_folds(data.groups, 3, seed)) for seed in range(4)}
    assert len(splits) > 1


def test_few_sites_are_grouped_by_patient():
    patients = np.array(["a", "a", "b", "c", "c"])
    groups, unit = group_labels(pd_series(patients), pd_series(np.array(["1", "1", "2", "2", "2"])))
    assert unit == "patient" and list(groups) == list(patients)


def pd_series(values):
    import pandas as pd

    return pd.Series(values)


def test_the_nested_choice_never_sees_the_outer_fold(monkeypatch):
    """Every fit made while handling an outer fold uses rows of its training part only."""
    rng = np.random.default_rng(0)
    n = 600
    ids = np.arange(n, dtype=float)  # feature 0 names the row, so each fit's rows can be read back
    X = np.column_stack([ids, rng.normal(size=n), rng.normal(size=n)])
    y = (rng.random(n) < 1 / (1 + np.exp(-X[:, 1]))).astype(int)
    groups = np.repeat(np.arange(60), 10).astype(str)
    design = Design(X, y, groups, ["age", "days_since_last_visit", "adverse_events"], {})
    current: dict[str, set] = {}
    seen_outer: list[set] = []
    real_choose, real_fit = cross_validation.choose, cross_validation.fit

    def watching_choose(design, rows, seed, families=cross_validation.FAMILIES):
        current["rows"] = set(rows.tolist())
        seen_outer.append(set(rows.tolist()))
        return real_choose(design, rows, seed, families)

    def watching_fit(candidate, X_part, y_part, names, levels, weight=None):
        assert set(X_part[:, 0].astype(int).tolist()) <= current["rows"]
        return real_fit(candidate, X_part, y_part, names, levels, weight)

    monkeypatch.setattr(cross_validation, "choose", watching_choose)
    monkeypatch.setattr(cross_validation, "fit", watching_fit)
    result = nested_out_of_fold(design, 3, 1, lambda words: None)
    folds = assign_folds(groups, 3, seed=1000)
    for k, rows in enumerate(seen_outer):
        assert rows == set(np.flatnonzero(folds != k).tolist())  # the choice saw exactly the outer training part
    assert set(result.probability) == {LIGHTGBM, LOGISTIC, cross_validation.SELECTED}
    chosen = [choice["family"] for choice in result.choices]  # the family too is chosen inside each outer fold
    for family in (LIGHTGBM, LOGISTIC):
        from_family = np.isin(folds, [k for k, f in enumerate(chosen) if f == family])
        assert np.array_equal(
            result.probability[cross_validation.SELECTED][from_family], result.probability[family][from_family]
        )


def test_the_same_inputs_give_the_same_model(small_trial, small_run, tmp_path):
    again = train_history(small_trial, small_run.source, QUICK)
    for family in (LIGHTGBM, LOGISTIC):
        np.testing.assert_array_equal(again.probability[family], small_run.probability[family])
        first = write_version(small_run, family, tmp_path / f"a-{family}")
        second = write_version(again, family, tmp_path / f"b-{family}")
        assert first["model_sha256"] == second["model_sha256"]
        assert first["model_version"] == second["model_version"]
        digest = hashlib.sha256((tmp_path / f"a-{family}" / MODEL_FILE).read_bytes()).hexdigest()
        assert digest == first["model_sha256"]


def test_cross_validated_figures_are_computed_from_the_stored_predictions(small_run):
    from sklearn.metrics import roc_auc_score

    for family in (LIGHTGBM, LOGISTIC, "baseline"):
        p = small_run.probability[family]
        assert np.isfinite(p).all() and ((p > 0) & (p < 1)).all()
        auc = roc_auc_score(small_run.data.y, p)
        assert round(auc, 4) == small_run.results[family]["pooled"]["roc_auc"]["value"]
        low, high = small_run.results[family]["pooled"]["roc_auc"]["ci95"]
        assert low < auc < high
        days = small_run.data.landmark_days
        by_day = [roc_auc_score(small_run.data.y[days == d], p[days == d]) for d in np.unique(days)]
        headline = small_run.results[family]["per_landmark"]["roc_auc"]
        assert headline == small_run.results[family]["summary"]["roc_auc"]
        assert headline["value"] == pytest.approx(np.mean(by_day), abs=1e-4)
        assert headline["ci95"][0] < headline["value"] < headline["ci95"][1]
    # the simulated trial is learnable: both families rank better than chance
    assert small_run.results[LOGISTIC]["pooled"]["roc_auc"]["ci95"][0] > 0.5


def test_a_small_history_is_refused_with_what_is_missing():
    tiny = simulate_history(replace(SMALL_TRIAL, n_patients=60), seed=1)
    with pytest.raises(TrainingRefused, match=r"at least 100 are needed"):
        landmark_data(tiny)


def test_a_one_arm_history_is_refused():
    one_arm = simulate_history(replace(SMALL_TRIAL, arms=("Drug X",)), seed=1)
    with pytest.raises(TrainingRefused, match="one arm"):
        landmark_data(one_arm)


def test_a_history_with_few_withdrawals_is_refused(small_trial):
    history = small_trial
    subjects = history.subjects.copy()
    withdrew = subjects.index[subjects["status"] == "withdrawn"][15:]
    subjects.loc[withdrew, "status"] = "completed"
    changed = replace(history, subjects=subjects)
    with pytest.raises(TrainingRefused, match=r"dropped out \(withdrew, lost to follow-up or the like\); at least 20"):
        landmark_data(changed)


def test_the_card_says_what_it_was_trained_on_and_how_it_was_measured(small_run, tmp_path):
    card = write_version(small_run, LOGISTIC, tmp_path / "v")
    assert (tmp_path / "v" / MODEL_CARD_FILE).exists()
    data = card["training_data"]
    assert data["synthetic"] is True and data["origin"] == "synthetic" and data["trial"] == "Small trial"
    assert data["arms"] == ["Drug X", "Placebo"] or set(data["arms"]) == {"Drug X", "Placebo"}
    assert card["evaluation"]["method"] == "cross-validated" and card["evaluation"]["grouped_by"] == "site"
    assert card["metrics"]["test"] == small_run.results[LOGISTIC]["per_landmark"]
    assert card["metrics"]["pooled"]["in_words"].startswith("pooled over every landmark day")
    assert set(card["metrics"]["by_landmark"]) == {str(d) for d in np.unique(small_run.data.landmark_days)}
    assert "baseline" in card["comparison"] and card["comparison"]["baseline"]["label"].startswith("Simple baseline")
    assert card["category_levels"]["treatment_group"] == card["training_data"]["arms"]
    assert 0 < card["decision"]["default_threshold"] < 1
    assert card["code_version"]
    assert {"lightgbm", "scikit-learn", "shap"} <= set(card["library_versions"])
