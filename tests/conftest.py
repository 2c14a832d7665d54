"""Session fixtures: the bundled model, a tiny trained model, and small cohorts."""

from __future__ import annotations

import io
import os
from pathlib import Path

import pandas as pd
import pytest

from core.model.bundle import ModelBundle, load_bundle
from core.paths import MODEL_CARD_PATH, MODEL_PATH
from core.reading.contract import CONTRACT
from core.reading.validation import ValidationResult, load_cohort
from core.training.synthetic_world import TrialPlan, simulate

TINY_TRIALS = (
    TrialPlan("TRX-901", "Phase I", 3, 700),
    TrialPlan("TRX-902", "Phase II", 4, 900),
    TrialPlan("TRX-903", "Phase III", 4, 900),
)


@pytest.fixture(scope="session", autouse=True)
def audit_log_in_a_temporary_folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Tests (and the app servers they start) write their audit trail here, never into logs/."""
    folder = tmp_path_factory.mktemp("audit")
    os.environ["RRADAR_LOG_DIR"] = str(folder)
    return folder


@pytest.fixture(scope="session")
def bundle() -> ModelBundle:
    """The model bundled in models/ (checked against its card)."""
    return load_bundle(MODEL_PATH, MODEL_CARD_PATH)


@pytest.fixture(scope="session")
def tiny_history(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A small labelled history (2,500 patients, 11 sites) written as CSV."""
    path = tmp_path_factory.mktemp("data") / "tiny_history.csv"
    simulate(TINY_TRIALS, seed=5, id_prefix="T").to_csv(path, index=False)
    return path


@pytest.fixture(scope="session")
def tiny_model_dir(tiny_history: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A model trained on the tiny history (bundle files in a temporary folder)."""
    from core.training.bundled_model import train

    out = tmp_path_factory.mktemp("model")
    train(tiny_history, out, n_boot=20)
    return out


@pytest.fixture(scope="session")
def demo_result() -> ValidationResult:
    """The bundled demo cohort, validated."""
    from core.paths import DEMO_COHORT_PATH

    return load_cohort(DEMO_COHORT_PATH.read_bytes(), DEMO_COHORT_PATH.name, CONTRACT)


def csv_bytes(frame: pd.DataFrame) -> bytes:
    buffer = io.StringIO()
    frame.to_csv(buffer, index=False)
    return buffer.getvalue().encode()
