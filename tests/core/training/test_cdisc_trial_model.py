"""A model trained on the real CDISC Pilot 01 trial (quick options): its headline is the mean of the per-day
figures, a blank age is averaged over the training ages, and a cohort of its own patients is said to be in-sample."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from sklearn.metrics import roc_auc_score

from core.decisions.bands import FACTORY_BANDS
from core.history.as_of import default_as_of
from core.history.reader import files_sha256, history_files, read_history
from core.history.sdtm import CDISC_PILOT_DIR
from core.model import card_words, coverage
from core.model.registry import Registry
from core.scoring.trial_as_of import score_history
from core.training.candidates import LIGHTGBM, LOGISTIC
from core.training.trial_training import TrainingSource, train_history
from core.training.trial_versions import register_versions
from tests.core.training.conftest import QUICK, copy_registry


@pytest.fixture(scope="module")
def cdisc():
    files = history_files(CDISC_PILOT_DIR)
    history = read_history(files)
    run = train_history(history, TrainingSource("CDISC Pilot 01", tuple(sorted(files)), files_sha256(files)), QUICK)
    return files, history, run


@pytest.fixture(scope="module")
def cdisc_registry(cdisc, tmp_path_factory):
    registry = Registry(copy_registry(tmp_path_factory.mktemp("cdisc") / "models"))
    registry.names = register_versions(cdisc[2], registry)  # type: ignore[attr-defined]
    return registry


@pytest.mark.parametrize("family", [LIGHTGBM, LOGISTIC])
def test_the_headline_is_the_mean_of_the_per_day_figures_of_its_own_predictions(cdisc_registry, family):
    bundle = cdisc_registry.load(cdisc_registry.names[family])
    card = bundle.card
    assert not card_words.is_synthetic(card) and card_words.is_cross_validated(card)
    predictions = pd.read_csv(bundle.predictions_path)
    days = sorted(predictions["landmark_day"].unique())
    assert len(days) >= 2
    by_day = card["metrics"]["by_landmark"]
    for day in days:
        rows = predictions[predictions["landmark_day"] == day]
        own = roc_auc_score(rows["dropout"], rows["probability"])
        assert by_day[str(day)]["roc_auc"]["value"] == pytest.approx(own, abs=1e-3)
    mean = np.mean([by_day[str(d)]["roc_auc"]["value"] for d in days])
    assert card_words.headline(card)["roc_auc"]["value"] == pytest.approx(mean, abs=1e-3)
    pooled = roc_auc_score(predictions["dropout"], predictions["probability"])
    assert card["metrics"]["pooled"]["roc_auc"]["value"] == pytest.approx(pooled, abs=1e-3)


@pytest.mark.parametrize("family", [LIGHTGBM, LOGISTIC])
def test_a_blank_age_lies_within_the_same_patient_over_the_training_ages(cdisc_registry, cdisc, family):
    bundle = cdisc_registry.load(cdisc_registry.names[family])
    valid = cdisc[2].data.valid
    ages = np.unique(valid["age"].dropna())
    assert len(ages) > 10
    for position in (0, len(valid) // 2):
        row = valid.iloc[[position]]
        over_ages = bundle.predict(row.loc[row.index.repeat(len(ages))].assign(age=ages))
        blank = bundle.predict(row.assign(age=np.nan))[0]
        assert over_ages.min() - 1e-12 <= blank <= over_ages.max() + 1e-12


def test_a_cohort_of_the_trials_own_patients_is_said_to_be_in_sample(cdisc_registry, cdisc):
    from app.views.thresholds import cohort_metrics_in_words

    files, history, _ = cdisc
    bundle = cdisc_registry.load(cdisc_registry.names[LOGISTIC])
    as_of, _why = default_as_of(history)
    cohort = score_history(history, files, "CDISC Pilot 01", as_of, bundle, FACTORY_BANDS, None)
    ids = cohort.scored["patient_id"]
    assert len(ids) > 0
    seen = coverage.patients_in_training(bundle.predictions_path, bundle.card, ids)
    assert seen == len(ids)  # every one of them: the identifiers a cohort of the trial carries are the training's
    assert coverage.patients_in_training(bundle.predictions_path, bundle.card, pd.Series(["NEW-1", "NEW-2"])) == 0
    figures = {"value": 0.8, "ci95": [0.7, 0.9]}
    metrics = {"roc_auc": figures, "brier": figures, "ece": figures, "prevalence": 0.2}
    assert "In-sample, not a test" in cohort_metrics_in_words(metrics, metrics, seen)
