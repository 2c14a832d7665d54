"""A trial-trained model in use: blanks averaged over training, no extrapolation, basic files score, and no
load of a model file (scoring, training's comparison, promote, roll back) unpickles one the pin refuses."""

from __future__ import annotations

import json
from pathlib import Path

import joblib
import numpy as np
import pytest

from core.cli import train as train_cli
from core.decisions.bands import FACTORY_BANDS
from core.model import coverage
from core.model.bundle import ModelIntegrityError, sha256_of_file
from core.model.registry import REGISTRY_FILE, Registry
from core.paths import MODEL_CARD_FILE, MODEL_FILE, ROOT
from core.reading.validation import load_cohort
from core.scoring.scores import score_frame
from core.training.candidates import LIGHTGBM, LOGISTIC
from core.training.trial_versions import register_versions
from tests.core.training.conftest import copy_registry


@pytest.fixture()
def registry(tmp_path, small_run):
    registry = Registry(copy_registry(tmp_path / "models"))
    registry.names = register_versions(small_run, registry)  # type: ignore[attr-defined]
    return registry


def _one_row(small_run, day: float | None = None):
    row = small_run.data.valid.iloc[[0]].copy()
    if day is not None:
        row["days_in_trial"] = day
        row["last_visit_day"] = min(float(row["last_visit_day"].iloc[0]), day)
    return row


@pytest.mark.parametrize("family", [LIGHTGBM, LOGISTIC])
def test_a_blank_age_lies_within_the_same_patient_over_the_training_ages(registry, small_run, family):
    bundle = registry.load(registry.names[family])
    row = _one_row(small_run)
    ages = np.unique(small_run.data.valid["age"].dropna())
    over_ages = bundle.predict(row.loc[row.index.repeat(len(ages))].assign(age=ages))
    blank = bundle.predict(row.assign(age=np.nan))[0]
    assert over_ages.min() <= blank <= over_ages.max()
    from core.model.explain import explain

    explanation = explain(bundle, row.assign(age=np.nan))
    total = explanation.base_value + explanation.contributions.to_numpy().sum()
    assert 1 / (1 + np.exp(-total)) == pytest.approx(blank, abs=1e-9)  # the reasons add up to what is shown


def test_the_bundled_model_averages_a_blank_age_too():
    from core.model.registry import Registry as R
    from core.paths import MODELS_DIR

    bundle = R(MODELS_DIR).load()
    demo = load_cohort((ROOT / "data" / "demo_cohort.csv").read_bytes(), "demo_cohort.csv", bundle.contract).valid
    row = demo.iloc[[0]]
    ages = np.arange(18, 91, 4)
    over_ages = bundle.predict(row.loc[row.index.repeat(len(ages))].assign(age=ages))
    blank = bundle.predict(row.assign(age=np.nan))[0]
    assert over_ages.min() <= blank <= over_ages.max()


def test_a_day_one_patient_under_a_day_28_model_is_too_early_to_judge(registry, small_run):
    bundle = registry.load(registry.names[LIGHTGBM])
    first = coverage.covered_days(bundle.card)
    assert first is not None and first[0] >= 28
    rows = small_run.data.valid.iloc[[0, 1]].copy()
    rows.loc[rows.index[0], ["days_in_trial", "last_visit_day"]] = [1, 0]
    scored = score_frame(rows, bundle, FACTORY_BANDS, threshold=0.0, with_reasons=True)
    early, normal = scored.iloc[0], scored.iloc[1]
    assert early["risk_band"] == coverage.TOO_EARLY and not early["flagged"] and np.isnan(early["probability"])
    assert "too early to judge" in early["reason_1"] and "Day 1 of the trial" in early["reason_1"]
    assert normal["flagged"] and 0 < normal["probability"] < 1


def test_the_demo_cohort_and_a_basic_file_score_under_a_trial_model(registry):
    bundle = registry.load(registry.names[LIGHTGBM])
    assert "visits_missed" in bundle.inputs
    demo = (ROOT / "data" / "demo_cohort.csv").read_bytes()
    result = load_cohort(demo, "demo_cohort.csv", bundle.contract)
    assert len(result.valid) > 0 and "visits_missed" not in result.valid.columns
    scored = score_frame(result.valid, bundle, FACTORY_BANDS, threshold=0.3, with_reasons=True)
    judged = scored["probability"].notna()
    assert judged.any() and scored.loc[judged, "probability"].between(0, 1).all()
    reasons = " ".join(scored.loc[judged, "reason_1"].tolist() + scored.loc[judged, "reason_2"].tolist())
    assert "0 scheduled visits missed" not in reasons  # never a value the file did not give


class _Payload:
    """A pickle whose loading creates a marker file: proof that code in a model file ran."""

    def __init__(self, marker: Path) -> None:
        self.marker = str(marker)

    def __reduce__(self):
        return (open, (self.marker, "w"))


def _plant(registry: Registry, name: str, marker: Path) -> None:
    """Replace a version's file with the payload and make its card and registry entry agree (the folder is the
    attacker's); only the deployment's pin, kept outside the folder, is left to refuse it."""
    data = json.loads((registry.root / REGISTRY_FILE).read_text())
    folder = registry.root / data["versions"][name]["folder"]
    joblib.dump(_Payload(marker), folder / MODEL_FILE)
    digest = sha256_of_file(folder / MODEL_FILE)
    card = json.loads((folder / MODEL_CARD_FILE).read_text())
    (folder / MODEL_CARD_FILE).write_text(json.dumps(card | {"model_sha256": digest}))
    data["versions"][name]["model_sha256"] = digest
    (registry.root / REGISTRY_FILE).write_text(json.dumps(data))


def test_no_path_unpickles_a_planted_model_the_pin_refuses(registry, tmp_path, monkeypatch):
    bundled = registry.in_use()
    pin = sha256_of_file(registry.root / "bundled" / MODEL_FILE)
    planted, marker = registry.names[LIGHTGBM], tmp_path / "payload-ran"
    _plant(registry, planted, marker)
    pinned = Registry(registry.root, pin)
    with pytest.raises(ModelIntegrityError, match="pinned"):
        pinned.promote(planted, "ana")  # `models promote` and the Train page's button
    with pytest.raises(ModelIntegrityError, match="pinned"):
        pinned.load(planted)  # scoring and the pages
    data = json.loads((registry.root / REGISTRY_FILE).read_text())
    data["in_use"], data["history"] = planted, [{"action": "promote", "version": planted, "replaced": bundled}]
    (registry.root / REGISTRY_FILE).write_text(json.dumps(data))
    assert train_cli._model_in_use(pinned) is None  # training's comparison with the model in use
    data["in_use"] = bundled
    data["history"] += [{"action": "promote", "version": bundled, "replaced": planted}]
    (registry.root / REGISTRY_FILE).write_text(json.dumps(data))
    with pytest.raises(ModelIntegrityError, match="pinned"):
        pinned.rollback("ana")  # roll back to the planted version
    assert not marker.exists()
    assert pinned.load().version == bundled  # the approved model still loads


def test_a_cohort_of_the_training_patients_is_said_to_be_in_sample(registry, small_run):
    import pandas as pd

    from app.views.thresholds import cohort_metrics_in_words

    bundle = registry.load(registry.names[LOGISTIC])
    ids = pd.Series(sorted(set(small_run.data.patients))[:5] + ["NEW-1"])
    assert coverage.patients_in_training(bundle.predictions_path, bundle.card, ids) == 0  # synthetic: no claim
    real = bundle.card | {"training_data": bundle.card["training_data"] | {"synthetic": False}}
    seen = coverage.patients_in_training(bundle.predictions_path, real, ids)
    assert seen == 5
    figures = {"value": 0.8, "ci95": [0.7, 0.9]}
    metrics = {"roc_auc": figures, "brier": figures, "ece": figures, "prevalence": 0.2}
    assert "In-sample, not a test" in cohort_metrics_in_words(metrics, metrics, seen)
    assert "In-sample" not in cohort_metrics_in_words(metrics, metrics, 0)
