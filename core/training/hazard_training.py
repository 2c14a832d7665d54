"""Train and measure the hazard model on one or more trial histories, end to end.

Each trial's own figures come from nested site-grouped cross-validation on its rows alone. With several
trials, the pooled rows are also measured leaving one whole trial out: each trial scored only by models that
never saw any of its patients (what a new trial starting from a sponsor's earlier trials would get), and
measured on its own patients (pooled over trials, a figure would also rank the trials' base rates). The final models are each family's choice fitted on every row.
The recommended family is the one with the higher per-landmark ROC AUC (the headline every model shares),
averaged over the trials' own cross-validations.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from core.history.endings import DEFAULT_OUTCOME, OutcomeDefinition
from core.history.trial_history import TrialHistory
from core.model.features import TRIAL_FEATURES
from core.model.time_model import HORIZONS
from core.stats.per_stratum import stratum_mean_difference
from core.training.candidates import FAMILIES
from core.training.hazard_cv import Fold, fit_chosen, informative, nested
from core.training.hazard_evaluation import before_end, evaluate
from core.training.hazard_model import HazardFit
from core.training.person_period import PersonPeriods, person_periods, pooled_periods

# Arms are named per trial, so a model pooled over trials leaves the arm out.
SHARED_FEATURES = tuple(name for name in TRIAL_FEATURES if name != "treatment_group")

Progress = Callable[[str], None]


@dataclass
class HazardRun:
    """Figures per trial (and pooled), the recommended family, and the final models fitted on every row."""

    figures: dict[str, dict[str, Any]]  # scope ("trial", "trial, trained on the other trials") -> family -> figures
    recommended: str
    models: dict[str, HazardFit]
    features: list[str]
    rows: int
    patients: int
    held_out: dict[str, tuple[PersonPeriods, list[Fold]]] = field(default_factory=dict)


def _scope(
    periods: PersonPeriods, horizons: tuple[int, ...], n_boot: int, progress: Progress, **how: Any
) -> tuple[dict[str, Any], list[Fold]]:
    folds, _ = nested(periods, progress=progress, **how)
    return {family: evaluate(periods, folds, family, horizons, n_boot) for family in FAMILIES}, folds


def headline(figures: dict[str, Any], family: str) -> float:
    return float(figures[family]["per_landmark"].get("roc_auc", {}).get("value", np.nan))


def train_hazard(
    histories: Sequence[tuple[str, TrialHistory]],
    horizons: tuple[int, ...] = HORIZONS,
    n_folds: int = 5,
    n_boot: int = 100,
    outcome: OutcomeDefinition = DEFAULT_OUTCOME,
    progress: Progress = lambda _: None,
) -> HazardRun:
    """Every figure for ``histories`` (name, history), and the final models on all their rows."""
    names = TRIAL_FEATURES if len(histories) == 1 else SHARED_FEATURES
    parts = [person_periods(history, name, outcome, names) for name, history in histories]
    figures, held_out = {}, {}
    for (name, _), periods in zip(histories, parts, strict=True):
        progress(f"{name}: nested cross-validation on its own patients")
        figures[name], folds = _scope(periods, horizons, n_boot, progress, n_folds=n_folds)
        held_out[name] = (periods, folds)
    pooled = pooled_periods(parts)
    if len(parts) > 1:
        progress("all trials: leaving one trial out")
        folds, _ = nested(pooled, leave_one_trial_out=True, progress=progress)
        for fold in folds:  # each trial measured on its own: trials differ in base rate, which pooling would rank
            trial = str(pooled.trial[fold.test[0]])
            alone = pooled.take(fold.test)
            own = [Fold(np.arange(len(alone)), np.array([], dtype=np.int64), fold.models)]
            scope = f"{trial}, trained on the other trials"
            figures[scope] = {family: evaluate(alone, own, family, horizons, n_boot) for family in FAMILIES}
            held_out[scope] = (alone, own)
    own_figures = [figures[name] for name, _ in histories]
    recommended = max(
        FAMILIES, key=lambda f: (float(np.mean([np.nan_to_num(headline(x, f)) for x in own_figures])), f == FAMILIES[0])
    )
    progress("final models on every row")
    used = informative(pooled)
    models = fit_chosen(pooled, np.arange(len(pooled)), used, seed=0)
    return HazardRun(figures, recommended, models, used, len(pooled), len(np.unique(pooled.patient)), held_out)


def versus_landmark_model(
    periods: PersonPeriods,
    folds: list[Fold],
    family: str,
    landmark: tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray],
    n_boot: int,
) -> dict[str, Any]:
    """Paired per-landmark ROC AUC difference (hazard model - landmark model) on the rows both scored.

    ``landmark``: the landmark model's rows as (patient ids with the trial prefix, landmark days, outcome,
    cross-validated probability)."""
    rows, p = before_end(periods, folds, family)
    mine = pd.Series(p, index=pd.MultiIndex.from_arrays([periods.patient[rows], periods.day[rows]]))
    patients, days, y, other = landmark
    theirs = pd.Series(other, index=pd.MultiIndex.from_arrays([patients, days]))
    both = mine.index.intersection(theirs.index)
    if not len(both):
        return {}
    outcome = pd.Series(y, index=theirs.index).loc[both].to_numpy().astype(int)
    return stratum_mean_difference(
        outcome,
        mine.loc[both].to_numpy(),
        theirs.loc[both].to_numpy(),
        both.get_level_values(1).to_numpy(),
        both.get_level_values(0).to_numpy(),
        n_boot,
    )
