"""One patient's chance of still being in the trial, week by week, under a time-to-dropout model (the Patient page's
curve): the survival the model rolls forward (``core.model.time_model``), blanks averaged as every score averages
them (``core.model.gaps``), so the curve at week N is exactly 1 - the chance of leaving within N weeks shown
beside it."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from core.model import gaps
from core.model.bundle import ModelBundle
from core.model.time_model import SurvivalModel, WithinWeeks


@dataclass(frozen=True)
class SurvivalCurve:
    """Week 0 (today) to ``weeks[-1]``: the chance of still being in the trial after each week."""

    weeks: np.ndarray
    still_in: np.ndarray  # 1 at week 0, never rising (a mean of curves that never rise, over the same blanks' values)
    planned_end_week: int  # the weeks left to the planned end of the trial (where the chance of dropping out ends)


def survival_curve(bundle: ModelBundle, patient: pd.DataFrame) -> SurvivalCurve | None:
    """The first row's curve up to the planned end or the longest horizon, whichever is later; None for a model
    that does not look at time."""
    model = bundle.model
    if not isinstance(model, SurvivalModel) or patient.empty:
        return None
    X = bundle.features(patient.iloc[:1])[bundle.feature_names].to_numpy(dtype=float)
    planned_end = int(model.weeks_left(X)[0])
    last = max(planned_end, *bundle.horizons, 1)
    left = [float(gaps.probability(WithinWeeks(model, w), X, bundle.input_sample)[0]) for w in range(1, last + 1)]
    return SurvivalCurve(np.arange(last + 1), 1.0 - np.array([0.0, *left]), planned_end)
