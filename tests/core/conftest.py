"""Shared cohort for the core.scoring.cohort tests: demo patients with extra columns and bad rows."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from core.decisions.bands import FACTORY_BANDS
from core.decisions.policy import Policy
from core.paths import DEMO_COHORT_PATH
from core.reading.contract import CONTRACT
from core.reading.validation import load_cohort
from core.scoring.cohort import CohortFilter, ScoredCohort, filter_mask, score_upload
from core.scoring.scores import score_frame
from tests.conftest import csv_bytes

EXPORT_FRONT = [
    "Patient ID",
    "Site",
    "Chance of dropping out",
    "Risk band",
    "Flagged",
    "Contact",
    "Contact cost ($)",
    "Reason 1",
    "Reason 2",
    "Reason 3",
    "Not recorded",
    "Row in file",
]
EXTRA = ["Coordinator", "Notes", "Next call"]
BAD_ROWS = {  # patient_id -> (column, value)
    "BAD-AGE": ("age", "12"),
    "BAD-GENDER": ("gender", "Robot"),
    "BAD-VISIT": ("last_visit_day", "9999"),
}


def _messy_frame() -> pd.DataFrame:
    """The demo cohort with three extra columns (one with hostile text) and three bad rows at the end."""
    frame = pd.read_csv(DEMO_COHORT_PATH, dtype=str, keep_default_na=False).head(300)
    n = len(frame)
    frame["Coordinator"] = [f"Nurse {i % 7}" for i in range(n)]
    frame["Notes"] = ["=1+1" if i % 50 == 0 else f"note {i}" for i in range(n)]
    frame["Next call"] = [f"2026-12-{1 + i % 28:02d}" for i in range(n)]
    bad = []
    for pid, (column, value) in BAD_ROWS.items():
        row = frame.iloc[0].copy()
        row["patient_id"], row[column] = pid, value
        bad.append(row)
    return pd.concat([frame, pd.DataFrame(bad)], ignore_index=True)


@pytest.fixture(scope="module")
def messy_bytes() -> bytes:
    return csv_bytes(_messy_frame())


@pytest.fixture(scope="module")
def loaded(messy_bytes, bundle) -> ScoredCohort:
    return score_upload(messy_bytes, "week48.csv", bundle, FACTORY_BANDS)


@pytest.fixture
def fresh(messy_bytes, bundle) -> ScoredCohort:
    """A cohort no test has explained yet."""
    return score_upload(messy_bytes, "week48.csv", bundle, FACTORY_BANDS)


def _expected(messy_bytes: bytes, bundle, threshold: float | None = None) -> pd.DataFrame:
    valid = load_cohort(messy_bytes, "week48.csv", CONTRACT).valid
    return score_frame(valid, bundle, FACTORY_BANDS, threshold)


def _mask(loaded: ScoredCohort, threshold: float = 0.3, **chosen) -> np.ndarray:
    return filter_mask(loaded.scored, Policy.at(threshold, None).flagged(loaded.probability), CohortFilter(**chosen))
