"""The time-to-dropout family inside a trial's training: measured on the landmark rows beside the other families,
registered as a version the product loads, and scoring every patient from day 1 with chances per horizon."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd

from core.decisions.bands import FACTORY_BANDS
from core.history.as_of import as_of_snapshot
from core.history.trial_history import TrialHistory
from core.model.registry import Registry
from core.model.time_model import SurvivalModel, horizon_column
from core.reading.validation import validate_frame
from core.scoring.scores import score_frame
from core.training.time_family import TIME
from core.training.trial_training import TrainingRun
from core.training.trial_versions import register_versions
from tests.core.training.conftest import copy_registry


def test_the_time_family_is_measured_on_the_landmark_rows_like_the_others(small_run: TrainingRun) -> None:
    assert TIME in small_run.results and TIME in small_run.models
    p = small_run.probability[TIME]
    assert np.isfinite(p).all() and len(p) == len(small_run.data.y)  # every landmark row scored by a held-out fold
    headline = small_run.results[TIME]["per_landmark"]["roc_auc"]
    assert 0.5 < headline["value"] <= 1 and headline["ci95"][0] <= headline["value"] <= headline["ci95"][1]
    assert small_run.results[TIME]["by_landmark"].keys() == small_run.results["baseline"]["by_landmark"].keys()
    assert f"{TIME}_minus_baseline" in small_run.comparisons
    figures = small_run.time_family.per_horizon["4"]
    assert 0.5 < figures["time_dependent_auc"]["value"] <= 1


def _day_one_on(history: TrialHistory) -> pd.DataFrame:
    """The trial as of a date when some patients are in their first weeks (before any landmark day)."""
    starts = history.subjects["enrolment_date"].sort_values()
    date = starts.iloc[len(starts) // 2]
    cells = as_of_snapshot(history, date)
    contract = history.contract.cohort
    return cells, contract


def test_a_time_version_loads_and_scores_every_patient_from_day_one(
    small_run: TrainingRun, small_trial: TrialHistory, tmp_path
) -> None:
    registry = Registry(copy_registry(tmp_path / "models"))
    names = register_versions(small_run, registry)
    assert set(names) == {"lightgbm", "logistic_regression", TIME}
    bundle = registry.load(names[TIME])
    assert isinstance(bundle.model, SurvivalModel) and bundle.horizons == (4, 8, 12)
    assert bundle.card["covers"]["days_in_trial"][0] == 1
    cells, _ = _day_one_on(small_trial)
    contract = bundle.contract
    valid = validate_frame(cells, {n: n for n in contract.names if n in cells}, contract, "as of").valid
    scored = score_frame(valid, bundle, FACTORY_BANDS, threshold=0.2, with_reasons=True)
    early = scored["days_in_trial"] < 28
    assert early.sum() >= 10 and scored.loc[early, "probability"].notna().all()  # no "too early to judge"
    chances = scored[[horizon_column(w) for w in (4, 8, 12)]].to_numpy()
    assert np.all(np.diff(chances, axis=1) >= -1e-12)  # a longer horizon is never less likely
    assert np.all(chances[:, -1] <= scored["probability"].to_numpy() + 1e-12)  # nobody leaves after the planned end
    assert (scored["reason_1"] != "").all()


def test_a_landmark_version_adds_no_chance_columns(small_run: TrainingRun, small_trial: TrialHistory, tmp_path) -> None:
    registry = Registry(copy_registry(tmp_path / "models"))
    bundle = registry.load(register_versions(small_run, registry)["logistic_regression"])
    cells, _ = _day_one_on(small_trial)
    valid = validate_frame(cells, {n: n for n in bundle.contract.names if n in cells}, bundle.contract, "x").valid
    scored = score_frame(valid, bundle, FACTORY_BANDS)
    assert bundle.horizons == () and not [c for c in scored.columns if str(c).startswith("chance_within_")]


def test_a_time_model_file_wrapping_an_unknown_model_is_refused(small_run, tmp_path) -> None:
    from dataclasses import replace

    import joblib
    import pytest

    from core.model.bundle import ModelIntegrityError, load_bundle, sha256_of_file
    from core.training.trial_versions import write_version

    folder = tmp_path / "version"
    card = write_version(small_run, TIME, folder)
    joblib.dump(replace(small_run.models[TIME], hazard=object()), folder / "model.joblib")  # a stranger inside
    card["model_sha256"] = sha256_of_file(folder / "model.joblib")  # even with the card made to match
    (folder / "model_card.json").write_text(json.dumps(card))
    with pytest.raises(ModelIntegrityError, match="no model this version of the app knows"):
        load_bundle(folder / "model.joblib", folder / "model_card.json")
