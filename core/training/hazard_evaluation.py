"""Honest figures for the hazard model, from held-out patients only (the fold that held them out predicts them).

* Per landmark day (28, 56, ...: the same footing as the landmark models): each patient in the trial on
  that day whose outcome is known, their chance of leaving before the planned end (1 - S at the weeks
  left), and ROC AUC within the day, averaged over days (``core.stats.per_stratum``; whole patients
  resampled for the interval).
* Per horizon N weeks, looking ahead from every fourth week (week 0 = enrolment, 4, 8, ...) from each
  patient still at risk then: the time-dependent cumulative/dynamic ROC AUC at N weeks, Uno's concordance
  truncated at N weeks, the integrated Brier score over weeks 1..N (scikit-survival's estimators, which
  weight for censoring: only patients still in the trial at the cut-off are censored; one who completed or
  ended another way is known not to drop out, as the model's curve says past the planned end), each averaged
  over the look-ahead weeks; 95% intervals by resampling whole
  patients. Calibration: by quarter of predicted risk, the mean predicted chance beside 1 - Kaplan-Meier
  at N weeks in that quarter.
"""

from __future__ import annotations

import warnings
from typing import Any

import numpy as np
from sksurv.metrics import concordance_index_ipcw, cumulative_dynamic_auc, integrated_brier_score
from sksurv.nonparametric import kaplan_meier_estimator
from sksurv.util import Surv

from core.model.time_model import DAYS_PER_WEEK, HORIZONS, leave_before
from core.stats.per_stratum import stratum_mean_summary
from core.training.hazard_cv import Fold
from core.training.person_period import PersonPeriods

LANDMARK_STEP_WEEKS = 4
ORIGIN_STEP_WEEKS = 4
MIN_EVENTS = 3  # a look-ahead week with fewer dropouts within the horizon gives no figure
TIME_METRICS = ("time_dependent_auc", "uno_c", "integrated_brier")


def held_out_survival(periods: PersonPeriods, folds: list[Fold], family: str, rows: np.ndarray, weeks: int):
    """S over the coming ``weeks`` for ``rows``, each predicted by the model of the fold that held it out."""
    curve = np.full((len(rows), weeks), np.nan)
    position = {row: i for i, row in enumerate(rows)}
    for fold in folds:
        mine = np.intersect1d(fold.test, rows)
        if not len(mine) or family not in fold.models:
            continue
        model = fold.models[family].model
        at = [position[r] for r in mine]
        curve[at] = model.survival(periods.features.iloc[mine][model.feature_names].to_numpy(dtype=float), weeks)
    return curve


def landmark_rows(periods: PersonPeriods, step_weeks: int = LANDMARK_STEP_WEEKS) -> np.ndarray:
    """Rows on landmark days (every 28 days, before the planned end) of patients whose outcome is known."""
    day = periods.day
    step = step_weeks * DAYS_PER_WEEK
    return np.flatnonzero((day > 1) & (day % step == 0) & periods.ended & (day < periods.planned))


def before_end(periods: PersonPeriods, folds: list[Fold], family: str) -> tuple[np.ndarray, np.ndarray]:
    """Landmark rows and their held-out chance of leaving before the planned end."""
    rows = landmark_rows(periods)
    weeks_left = np.ceil((periods.planned[rows] - periods.day[rows]) / DAYS_PER_WEEK)
    weeks_left = np.nan_to_num(weeks_left, nan=1).astype(int).clip(min=1)
    curve = held_out_survival(periods, folds, family, rows, int(weeks_left.max()) if len(rows) else 1)
    return rows, leave_before(curve, weeks_left)


def per_landmark(periods: PersonPeriods, folds: list[Fold], family: str, n_boot: int) -> dict[str, Any]:
    """ROC AUC of "leaves before the end" within each landmark day, and their mean (the headline)."""
    rows, p = before_end(periods, folds, family)
    known = np.isfinite(p)
    rows, p = rows[known], p[known]
    y = periods.withdrew[rows].astype(int)
    return stratum_mean_summary(y, p, periods.day[rows], periods.patient[rows], n_boot)


def _time_metrics(time: np.ndarray, event: np.ndarray, survival: np.ndarray, horizon: int) -> dict[str, float]:
    """The three figures for one look-ahead week's patients (NaN where an estimator cannot be computed)."""
    out = dict.fromkeys(TIME_METRICS, np.nan)
    if int((event & (time <= horizon)).sum()) < MIN_EVENTS or time.max() <= horizon:
        return out
    # Followed past the horizon is all any figure at the horizon needs: capping there keeps the censoring
    # estimate above zero when every patient is followed to the trial's end (no cut-off), and changes nothing else.
    capped = np.minimum(time, horizon + 1).astype(float)
    target = Surv.from_arrays(event.astype(bool) & (time <= horizon), capped)
    risk = 1.0 - survival[:, horizon - 1]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            out["time_dependent_auc"] = float(cumulative_dynamic_auc(target, target, risk, [horizon])[0][0])
            out["uno_c"] = float(concordance_index_ipcw(target, target, risk, tau=horizon)[0])
            times = np.arange(1, horizon + 1, dtype=float)
            times = times[(times >= capped.min()) & (times < capped.max())]
            if len(times) >= 2:
                at = times.astype(int) - 1
                out["integrated_brier"] = float(integrated_brier_score(target, target, survival[:, at], times))
        except ValueError:
            pass
    return out


def _origins(periods: PersonPeriods, horizon: int) -> list[np.ndarray]:
    rows = []
    for origin in range(0, int(periods.week.max()) + 1, ORIGIN_STEP_WEEKS):
        at = np.flatnonzero(periods.week == origin)
        if len(at) and int((periods.withdrew[at] & (periods.weeks[at] - origin <= horizon)).sum()) >= MIN_EVENTS:
            rows.append(at)
    return rows


def _mean_over_origins(parts: list[tuple[np.ndarray, np.ndarray, np.ndarray]], horizon: int) -> dict[str, float]:
    found = [_time_metrics(t, e, s, horizon) for t, e, s in parts]
    values = {m: [f[m] for f in found if np.isfinite(f[m])] for m in TIME_METRICS}
    return {m: float(np.mean(v)) if v else np.nan for m, v in values.items()}


def per_horizon(
    periods: PersonPeriods, folds: list[Fold], family: str, horizon: int, n_boot: int, seed: int = 0
) -> dict[str, Any]:
    """The time figures at ``horizon`` weeks (mean over look-ahead weeks) with patient-resampled intervals."""
    origins = _origins(periods, horizon)
    if not origins:
        return {}
    all_rows = np.concatenate(origins)
    curve = held_out_survival(periods, folds, family, all_rows, horizon)
    split = np.cumsum([len(o) for o in origins])[:-1]
    parts = []
    for rows, survival in zip(origins, np.split(curve, split), strict=True):
        time = (periods.weeks[rows] - periods.week[rows]).astype(float)
        # A patient who completed (or ended another way) is known not to drop out later: event-free past the
        # horizon, not censored (only patients still in the trial at the cut-off are).
        time = np.where(periods.ended[rows] & ~periods.withdrew[rows], float(horizon + 1), time)
        parts.append((rows, time, periods.withdrew[rows].astype(bool), survival))
    centre = _mean_over_origins([(t, e, s) for _, t, e, s in parts], horizon)
    patients, index = np.unique(periods.patient[all_rows], return_inverse=True)
    row_patient = dict(zip(all_rows.tolist(), index.tolist(), strict=True))
    rng = np.random.default_rng(seed)
    draws: dict[str, list[float]] = {m: [] for m in TIME_METRICS}
    for _ in range(n_boot):
        counts = np.bincount(rng.integers(0, len(patients), len(patients)), minlength=len(patients))
        resampled = []
        for rows, time, event, survival in parts:
            repeat = counts[[row_patient[r] for r in rows.tolist()]]
            resampled.append((np.repeat(time, repeat), np.repeat(event, repeat), np.repeat(survival, repeat, axis=0)))
        for metric, value in _mean_over_origins(resampled, horizon).items():
            if np.isfinite(value):
                draws[metric].append(value)
    out: dict[str, Any] = {}
    for metric in TIME_METRICS:
        interval = np.percentile(draws[metric], [2.5, 97.5]).round(4).tolist() if draws[metric] else [np.nan] * 2
        out[metric] = {"value": round(centre[metric], 4), "ci95": interval}
    out["look_ahead_weeks"] = [int(periods.week[r[0]]) for r in origins]
    time, event, survival = _stack(parts)
    out["calibration"] = calibration_by_risk(time, event, survival, horizon)
    return out


def _stack(parts: list[tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]]) -> tuple[np.ndarray, ...]:
    return (
        np.concatenate([t for _, t, _, _ in parts]),
        np.concatenate([e for _, _, e, _ in parts]),
        np.concatenate([s for _, _, _, s in parts]),
    )


def calibration_by_risk(
    time: np.ndarray, event: np.ndarray, survival: np.ndarray, horizon: int, groups: int = 4
) -> list[dict[str, float]]:
    """Per quarter of predicted risk: the mean predicted chance of leaving within ``horizon`` weeks and the
    Kaplan-Meier estimate of the same (1 - KM at the horizon) among those patients."""
    risk = 1.0 - survival[:, horizon - 1]
    edges = np.quantile(risk, np.linspace(0, 1, groups + 1))
    which = np.clip(np.searchsorted(edges, risk, side="right") - 1, 0, groups - 1)
    out = []
    for g in range(groups):
        at = which == g
        if at.sum() < 5:
            continue
        weeks, km = kaplan_meier_estimator(event[at], time[at])
        observed = 1.0 - (km[weeks <= horizon][-1] if (weeks <= horizon).any() else 1.0)
        out.append(
            {"predicted": round(float(risk[at].mean()), 4), "observed": round(float(observed), 4), "n": int(at.sum())}
        )
    return out


def evaluate(
    periods: PersonPeriods, folds: list[Fold], family: str, horizons: tuple[int, ...] = HORIZONS, n_boot: int = 100
) -> dict[str, Any]:
    """Every figure for one family: the per-landmark headline and each horizon's time figures."""
    return {
        "per_landmark": per_landmark(periods, folds, family, n_boot),
        "per_horizon": {str(h): per_horizon(periods, folds, family, h, n_boot) for h in horizons},
    }
