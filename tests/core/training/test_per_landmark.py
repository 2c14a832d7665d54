"""The headline at one moment (mean over landmark days) and the recommendation against the model in use."""

from __future__ import annotations

import numpy as np
import pytest
from sklearn.metrics import roc_auc_score

from core.stats.per_stratum import stratum_mean_difference, stratum_mean_summary
from core.training import trial_evaluation as evaluation
from core.training.candidates import LIGHTGBM, LOGISTIC

LABELS = {LIGHTGBM: "LightGBM", LOGISTIC: "Logistic regression"}
DAYS = (28, 56, 84, 112)


def _trial(seed: int = 0, patients: int = 400):
    """Patients seen at four landmark days; dropout is far more common at early days (the day is informative),
    and within a day a patient's own ``risk`` ranks them."""
    rng = np.random.default_rng(seed)
    ids = np.repeat(np.arange(patients).astype(str), len(DAYS))
    days = np.tile(np.array(DAYS), patients)
    risk = np.repeat(rng.normal(size=patients), len(DAYS))
    base = {28: 0.5, 56: -0.5, 84: -1.5, 112: -2.5}
    logit = np.array([base[d] for d in days]) + 1.2 * risk
    y = (rng.random(len(days)) < 1 / (1 + np.exp(-logit))).astype(int)
    return y, ids, days, risk, rng


def test_the_headline_is_the_mean_of_the_per_day_figures():
    y, ids, days, risk, rng = _trial()
    p = 1 / (1 + np.exp(-(risk + rng.normal(scale=0.8, size=len(y)))))
    summary = stratum_mean_summary(y, p, days, ids, n_boot=60)
    by_day = [roc_auc_score(y[days == d], p[days == d]) for d in DAYS]
    assert summary["roc_auc"]["value"] == pytest.approx(np.mean(by_day), abs=1e-4)
    assert summary["roc_auc"]["ci95"][0] < summary["roc_auc"]["value"] < summary["roc_auc"]["ci95"][1]
    assert summary["strata"] == [str(d) for d in DAYS]
    full = evaluation.summary_by_landmark(y, p, ids, days, n_boot=40)
    assert full["summary"] is full["per_landmark"]
    per_day = np.mean([full["by_landmark"][str(d)]["roc_auc"]["value"] for d in DAYS])
    assert full["per_landmark"]["roc_auc"]["value"] == pytest.approx(per_day, abs=2e-4)


def _pooled_favours_candidate():
    """A candidate that knows the day but ranks patients within a day worse; the model in use ranks each day's
    patients better but says nothing about the day."""
    y, ids, days, risk, rng = _trial(seed=1)
    day_effect = np.array([{28: 2.0, 56: 0.7, 84: -0.7, 112: -2.0}[d] for d in days])
    candidate = 1 / (1 + np.exp(-(day_effect + 0.3 * risk + rng.normal(scale=1.0, size=len(y)))))
    in_use = 1 / (1 + np.exp(-(risk + rng.normal(scale=0.3, size=len(y)))))
    return y, ids, days, candidate, in_use


def test_pooled_favours_the_candidate_but_every_day_favours_the_model_in_use_so_it_is_kept():
    y, ids, days, candidate, in_use = _pooled_favours_candidate()
    assert roc_auc_score(y, candidate) > roc_auc_score(y, in_use)  # the pooled figure flatters the candidate
    results = {}
    for name, p in ((LIGHTGBM, candidate), (LOGISTIC, candidate * 0.99), ("model_in_use", in_use)):
        results[name] = evaluation.summary_by_landmark(y, p, ids, days, n_boot=40)
    assert results[LIGHTGBM]["pooled"]["roc_auc"]["value"] > results["model_in_use"]["pooled"]["roc_auc"]["value"]
    versus = {f: evaluation.compare(y, candidate, in_use, ids, days, 60) for f in (LIGHTGBM, LOGISTIC)}
    assert all(d["value"] < 0 for d in versus[LIGHTGBM]["by_stratum"].values())
    family = evaluation.compare(y, candidate, candidate * 0.99, ids, days, 20)
    chosen = evaluation.recommend(results, (LIGHTGBM, LOGISTIC), LABELS, family, versus)
    assert chosen["keep_in_use"] is True and chosen["compared_with_in_use"] is True
    assert chosen["words"].count("Keep the model in use") == 1 and "clearly worse" in chosen["words"]


def test_a_candidate_better_on_every_day_replaces_the_model_in_use():
    y, ids, days, candidate, in_use = _pooled_favours_candidate()
    results = {
        LIGHTGBM: evaluation.summary_by_landmark(y, in_use, ids, days, n_boot=20),
        LOGISTIC: evaluation.summary_by_landmark(y, candidate, ids, days, n_boot=20),
    }
    versus = {LIGHTGBM: evaluation.compare(y, in_use, candidate, ids, days, 60)}
    family = evaluation.compare(y, in_use, candidate, ids, days, 20)
    chosen = evaluation.recommend(results, (LIGHTGBM, LOGISTIC), LABELS, family, versus)
    assert chosen["family"] == LIGHTGBM and chosen["keep_in_use"] is False
    assert "Replace the model in use" in chosen["words"]


def test_a_candidate_lower_on_one_day_does_not_replace_the_model_in_use():
    rng = np.random.default_rng(4)
    y, ids, days, risk, _ = _trial(seed=4, patients=600)
    good = risk + rng.normal(scale=0.2, size=len(y))
    in_use = 1 / (1 + np.exp(-(risk + rng.normal(scale=1.5, size=len(y)))))
    candidate = 1 / (1 + np.exp(-np.where(days == 112, -good, good)))  # better on three days, reversed on the last
    difference = stratum_mean_difference(y, candidate, in_use, days, ids, n_boot=60)
    assert difference["by_stratum"]["112"]["value"] < 0 and difference["by_stratum"]["28"]["value"] > 0
    results = {f: evaluation.summary_by_landmark(y, candidate, ids, days, n_boot=20) for f in (LIGHTGBM, LOGISTIC)}
    chosen = evaluation.recommend(results, (LIGHTGBM, LOGISTIC), LABELS, difference, {LIGHTGBM: difference})
    assert chosen["keep_in_use"] is True
