"""Fixtures for trial training: a small simulated trial, trained once with quick options."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from core.history.simulated import HistoryPlan, simulate_history
from core.history.trial_history import TrialHistory
from core.paths import BUNDLED_MODEL_DIR, MODELS_DIR
from core.training.trial_training import TrainingOptions, TrainingRun, TrainingSource, train_history

QUICK = TrainingOptions(n_folds=3, repeats=1, n_boot=40, learning_curve=False)
SMALL_TRIAL = HistoryPlan(n_patients=400, n_sites=6, planned_days=112, arms=("Drug X", "Placebo"))


@pytest.fixture(scope="session")
def small_trial() -> TrialHistory:
    return simulate_history(SMALL_TRIAL, seed=3)


@pytest.fixture(scope="session")
def small_run(small_trial: TrialHistory) -> TrainingRun:
    return train_history(small_trial, TrainingSource("Small trial", ("sim",), "0" * 64, synthetic=True), QUICK)


def copy_registry(target: Path) -> Path:
    """The repository's registry with only the bundled version, copied to ``target`` (tests promote there)."""
    target.mkdir(parents=True, exist_ok=True)
    shutil.copytree(BUNDLED_MODEL_DIR, target / BUNDLED_MODEL_DIR.name)
    shutil.copy(MODELS_DIR / "registry.json", target / "registry.json")
    return target
