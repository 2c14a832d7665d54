"""Score validated patients: probability, risk band and (on request) reasons in words.

Every page, export and the command line score through ``score_frame``. Whether a patient is flagged
depends on the whole cohort under a staff capacity, and how they are contacted on the plan in force:
both are decided by ``core.decisions.policy``.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from core.decisions.bands import RiskBand, band_index
from core.model import coverage
from core.model.bundle import ModelBundle
from core.model.explain import explain_features, reasons
from core.reading.contract import ID_COLUMN, SITE_COLUMN
from core.reading.validation import SOURCE_ROW

TOP_REASONS = 3
REASON_COLUMNS = [f"reason_{i + 1}" for i in range(TOP_REASONS)]
SCORE_COLUMNS = ["probability", "risk_band", "flagged"]


def band_names(probability: np.ndarray, bands: tuple[RiskBand, ...]) -> np.ndarray:
    """The risk band's name for each probability."""
    return np.array([b.name for b in bands], dtype=object)[band_index(probability, bands)]


def score_frame(
    valid: pd.DataFrame,
    bundle: ModelBundle,
    bands: tuple[RiskBand, ...],
    threshold: float | None = None,
    with_reasons: bool = False,
) -> pd.DataFrame:
    """Return ``valid`` with the score columns in front (and reason_1..3 if ``with_reasons``).

    A time-to-dropout model adds ``chance_within_N_weeks`` per horizon (0-1, blank where ``probability`` is).
    ``probability`` is the dropout probability (0-1), blank (NaN) for a patient outside the days the model
    learned from (``core.model.coverage``: its band says "too early to judge", its first reason why). With a ``threshold``, ``flagged`` says whether
    probability >= threshold (no capacity: callers with a cohort flag through core.scoring.cohort).
    """
    features = bundle.features(valid)
    probability = bundle.predict_features(features)
    not_judged = coverage.outside(bundle.card, valid)
    judged = (not_judged == "").to_numpy()
    probability = np.where(judged, probability, np.nan)  # outside the model's days: no probability to rank by
    band = np.where(judged, band_names(np.where(judged, probability, 0.0), bands), not_judged.to_numpy())
    scores = pd.DataFrame({"probability": probability, "risk_band": band}, index=valid.index)
    scores = scores.join(bundle.chances(features).where(pd.Series(judged, index=valid.index), axis=0))
    if threshold is not None:
        scores["flagged"] = judged & (np.nan_to_num(probability, nan=-1.0) >= threshold)
    if with_reasons:
        scores = scores.join(reason_columns(valid, bundle, features))
    front = [c for c in (SOURCE_ROW, ID_COLUMN, SITE_COLUMN) if c in valid.columns]
    rest = valid.drop(columns=front)
    return pd.concat([valid[front], scores, rest], axis=1)


def reason_columns(valid: pd.DataFrame, bundle: ModelBundle, features: pd.DataFrame | None = None) -> pd.DataFrame:
    """reason_1..reason_3 in words for each row (explains only these rows); for a row outside the model's days,
    why it is not judged (``core.model.coverage``), the same in the app's table, every export and the command line."""
    features = bundle.features(valid) if features is None else features
    words = reasons(valid, explain_features(bundle, features), TOP_REASONS)
    padded = [w + [""] * (TOP_REASONS - len(w)) for w in words]
    table = pd.DataFrame(padded, columns=REASON_COLUMNS, index=valid.index)
    not_judged = coverage.outside(bundle.card, valid)
    judged = (not_judged == "").to_numpy()
    if not judged.all():
        why = coverage.reason_words(bundle.card, not_judged.to_numpy(), valid)
        table.loc[~judged, REASON_COLUMNS] = ""
        table.loc[~judged, REASON_COLUMNS[0]] = why[~judged].to_numpy()
    return table
