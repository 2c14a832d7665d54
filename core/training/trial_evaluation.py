"""The figures a trial training reports, from cross-validated predictions only.

Every figure is computed on predictions for patients the model had not seen (nested cross-validation),
with 95% intervals that resample the unit the folds hold out (whole sites, or whole patients when the
trial has too few sites): a patient's landmark rows are not independent, nor are a site's patients.
Rows carry their censoring weights (``core.training.censoring_weights``; all 1 for a finished trial).

The headline is the figure at one moment: each metric within each landmark day (one row per patient,
as a weekly call list sees them), then the mean over the days (``per_landmark``). A figure pooled over
all landmark days also rewards knowing the day (early days have more dropouts); it is kept, labelled
``pooled``, and never drives a choice. The recommendation compares the candidates with the model in
use day by day on the very same rows, and keeps the model in use unless a candidate is clearly better.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from core.stats.metrics import calibration_table, metric_summary
from core.stats.per_stratum import stratum_mean_difference, stratum_mean_summary

ROC_AUC = "roc_auc"
IN_USE = "model_in_use"
POOLED_WORDS = (
    "pooled over every landmark day: it also rewards knowing the day (patients drop out more at early "
    "landmarks), not only ranking the patients of one week, so it flatters; shown for reference only"
)


def _summary(y: np.ndarray, p: np.ndarray, clusters: np.ndarray, n_boot: int, w: np.ndarray | None) -> dict:
    """One group of rows' figures: unweighted as before, or weighted by the censoring weights."""
    if w is None:
        return metric_summary(y, p, n_boot, clusters=clusters)
    found = stratum_mean_summary(y, p, np.zeros(len(y)), clusters, n_boot, weights=w)
    return {name: value for name, value in found.items() if name != "strata"}


def summary_by_landmark(
    y: np.ndarray,
    p: np.ndarray,
    clusters: np.ndarray,
    days: np.ndarray,
    n_boot: int,
    weights: np.ndarray | None = None,
) -> dict[str, Any]:
    """The mean over landmark days of each day's figures (``per_landmark``, the headline), each day's figures
    (``by_landmark``), and the figures pooled over days (``pooled``); intervals resample whole ``clusters``
    (what the folds held out); ``weights`` are the rows' censoring weights (None: all 1)."""
    known = np.isfinite(p)
    y, p, clusters, days = y[known], p[known], clusters[known], days[known]
    w = None if weights is None or np.all(weights[known] == 1.0) else weights[known]
    by_day = {}
    for day in np.unique(days):
        at = days == day
        if y[at].min() != y[at].max():
            by_day[str(int(day))] = _summary(y[at], p[at], clusters[at], n_boot, None if w is None else w[at])
    pooled = _summary(y, p, clusters, n_boot, w) | {"in_words": POOLED_WORDS}
    per_landmark = stratum_mean_summary(y, p, days, clusters, n_boot, weights=w)
    return {"summary": per_landmark, "per_landmark": per_landmark, "by_landmark": by_day, "pooled": pooled}


def compare(
    y: np.ndarray,
    p_model: np.ndarray,
    p_other: np.ndarray,
    clusters: np.ndarray,
    days: np.ndarray,
    n_boot: int,
    weights: np.ndarray | None = None,
) -> dict[str, Any]:
    """How much higher the model's ROC AUC is than another's, day by day and as the mean over days, on the
    rows both scored (paired intervals, whole clusters resampled, rows weighted by ``weights``)."""
    both = np.isfinite(p_model) & np.isfinite(p_other)
    w = None if weights is None else weights[both]
    return stratum_mean_difference(y[both], p_model[both], p_other[both], days[both], clusters[both], n_boot, weights=w)


def difference_in_words(name: str, other: str, difference: dict[str, Any]) -> str:
    """One sentence a coordinator can read: better, worse, or no clear difference (mean over landmark days)."""
    low, high = difference["ci95"]
    value = difference["value"]
    if low > 0:
        return f"{name} ranks patients better than {other} (ROC AUC by landmark day {value:+.2f}, clearly above zero)."
    if high < 0:
        return f"{name} ranks patients worse than {other} (ROC AUC by landmark day {value:+.2f}, clearly below zero)."
    return (
        f"{name} and {other} rank patients about equally well on this trial (difference in ROC AUC by landmark "
        f"day {value:+.2f}, range {low:+.2f} to {high:+.2f}: it could be either)."
    )


def headline_auc(results: dict[str, dict[str, Any]], name: str) -> float:
    return float(results[name]["per_landmark"][ROC_AUC]["value"])


def _days_worse(difference: dict[str, Any]) -> list[str]:
    return [day for day, d in difference.get("by_stratum", {}).items() if d["value"] < 0]


def recommend(
    results: dict[str, dict[str, Any]],
    families: tuple[str, ...],
    labels: dict[str, str],
    family_difference: dict[str, Any],
    versus_in_use: dict[str, dict[str, Any]],
    best: str | None = None,
    selected: str | None = None,
) -> dict[str, Any]:
    """The best candidate; replace the model in use only when the paired interval of (candidate - model in use)
    is above zero and the candidate is lower on no landmark day.

    ``best`` is the family the nested choice picks on every patient, and ``selected`` the results key of what
    each outer fold chose: its figure is the honest one of the choice (the higher of two cross-validated
    figures flatters). Without them, the family with the higher mean over landmark days of its ROC AUC.
    ``versus_in_use`` holds each paired difference with the model in use (empty when the model in use could
    not be compared fairly on these rows). ``family`` is always the best candidate (the version to use if
    anything changes); ``keep_in_use`` says whether the recommendation is to keep the model in use.
    """
    nested = best is not None and selected is not None and selected in results
    if best is None:
        best = max(families, key=lambda f: (headline_auc(results, f), f == families[0]))
    other = next(f for f in families if f != best)
    words = [
        f"Best candidate: {labels[best]} (ROC AUC by landmark day {headline_auc(results, best):.2f}, against "
        f"{headline_auc(results, other):.2f} for {labels[other]})."
    ]
    if nested:
        words[0] = (
            f"Best candidate: {labels[best]}, the family chosen inside each outer fold (lower inner log loss); "
            f"with that choice made on patients it never saw, ROC AUC by landmark day "
            f"{headline_auc(results, str(selected)):.2f} ({labels[best]} alone {headline_auc(results, best):.2f}, "
            f"{labels[other]} {headline_auc(results, other):.2f})."
        )
    difference = versus_in_use.get(str(selected) if nested else best)
    keep = False
    if difference:
        low, high = difference["ci95"]
        worse = _days_worse(difference)
        keep = not (low > 0 and not worse)
        how = f"{difference['value']:+.2f} by landmark day, 95% range {low:+.2f} to {high:+.2f}"
        if keep:
            why = (
                "lower on landmark day(s) " + ", ".join(worse)
                if worse and low > 0
                else ("clearly worse" if high < 0 else "not clearly better")
            )
            words.append(
                f"Keep the model in use: against it, on the same patients, the best candidate is {why} "
                f"(difference in ROC AUC {how})."
            )
        else:
            words.append(
                f"Replace the model in use with it: on the same patients it ranks better on every landmark day "
                f"(difference in ROC AUC {how}, clearly above zero)."
            )
    else:
        words.append("The model in use could not be compared fairly on these patients; this is the version to use.")
    return {
        "family": best,
        "keep_in_use": keep,
        "compared_with_in_use": bool(difference),
        "words": " ".join(words),
        "lightgbm_minus_logistic": family_difference,
        "best_minus_in_use": difference or {},
        "headline_of_the_choice": results[str(selected)]["per_landmark"] if nested else {},
    }


def calibration_of(y: np.ndarray, p: np.ndarray, weights: np.ndarray | None = None) -> list[dict[str, float]]:
    known = np.isfinite(p)
    return calibration_table(y[known], p[known], weights=None if weights is None else weights[known])
