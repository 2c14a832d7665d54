"""Model features from validated contract columns, vectorised.

Categories reach the model as LightGBM categorical codes (fixed level order from config), so
the model learns each arm's and phase's direction itself: no hand-set risk per category.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from core.config import CATEGORY_LEVELS

CATEGORICAL_FEATURES = ("gender", "treatment_group", "trial_phase")

# Feature name -> plain-language description (the model card and the Model page show these).
FEATURE_DESCRIPTIONS: dict[str, str] = {
    "age": "Age in years",
    "gender": "Gender (Male, Female, Other)",
    "treatment_group": "Treatment arm (Active, Control, Placebo)",
    "trial_phase": "Trial phase (I, II, III)",
    "days_in_trial": "Days since enrollment on the snapshot day",
    "visits_completed": "Scheduled visits attended so far",
    "days_since_last_visit": "Days since the last attended visit (days in trial when none attended)",
    "visits_per_30_days": "Visits attended per 30 days in the trial",
    "adverse_events": "Adverse events reported so far",
    "adverse_events_per_30_days": "Adverse events per 30 days in the trial",
}
FEATURE_NAMES: tuple[str, ...] = tuple(FEATURE_DESCRIPTIONS)


def build_features(valid: pd.DataFrame) -> pd.DataFrame:
    """Return the model's feature frame (float64; categories as integer codes, -1 never occurs).

    ``valid`` must come from ``core.schema`` (typed contract columns).
    """
    days = valid["days_in_trial"].to_numpy(dtype=float)
    features = {
        "age": valid["age"].to_numpy(dtype=float),
        **{
            name: pd.Categorical(valid[name], categories=list(CATEGORY_LEVELS[name])).codes.astype(float)
            for name in CATEGORICAL_FEATURES
        },
        "days_in_trial": days,
        "visits_completed": valid["visits_completed"].to_numpy(dtype=float),
        "days_since_last_visit": days - valid["last_visit_day"].to_numpy(dtype=float),
        "visits_per_30_days": valid["visits_completed"].to_numpy(dtype=float) * 30.0 / days,
        "adverse_events": valid["adverse_events"].to_numpy(dtype=float),
        "adverse_events_per_30_days": valid["adverse_events"].to_numpy(dtype=float) * 30.0 / days,
    }
    frame = pd.DataFrame(features, index=valid.index)[list(FEATURE_NAMES)]
    return frame


def categorical_indices() -> list[int]:
    """Positions of the categorical features in FEATURE_NAMES (for LightGBM)."""
    return [FEATURE_NAMES.index(name) for name in CATEGORICAL_FEATURES]


def decode_category(name: str, code: float) -> str:
    """Turn a categorical code back into its label."""
    return CATEGORY_LEVELS[name][int(code)] if not np.isnan(code) else "unknown"
