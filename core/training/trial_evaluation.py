"""The figures a trial training reports, from cross-validated predictions only.

Every figure is computed on predictions for patients the model had not seen (nested cross-validation),
with 95% intervals that resample whole patients (a patient's landmark rows are not independent). Each
is given pooled over all landmark days and for each day apart, beside the same figures for the simple
baseline and the model in use scored on the same rows.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from core.stats.metrics import calibration_table, difference_interval, metric_summary

ROC_AUC = "roc_auc"


def summary_by_landmark(
    y: np.ndarray, p: np.ndarray, patients: np.ndarray, days: np.ndarray, n_boot: int
) -> dict[str, Any]:
    """Pooled figures (patients resampled whole) and each landmark day's (one row per patient)."""
    known = np.isfinite(p)
    y, p, patients, days = y[known], p[known], patients[known], days[known]
    by_day = {}
    for day in np.unique(days):
        at = days == day
        if y[at].min() != y[at].max():
            by_day[str(int(day))] = metric_summary(y[at], p[at], n_boot)
    return {"summary": metric_summary(y, p, n_boot, clusters=patients), "by_landmark": by_day}


def compare(
    y: np.ndarray, p_model: np.ndarray, p_other: np.ndarray, patients: np.ndarray, n_boot: int
) -> dict[str, Any]:
    """How much higher the model's ROC AUC is than another's on the rows both scored (paired interval)."""
    both = np.isfinite(p_model) & np.isfinite(p_other)
    return difference_interval(y[both], p_model[both], p_other[both], patients[both], n_boot)


def difference_in_words(name: str, other: str, difference: dict[str, Any]) -> str:
    """One sentence a coordinator can read: better, worse, or no clear difference."""
    low, high = difference["ci95"]
    if low > 0:
        return f"{name} ranks patients better than {other} (ROC AUC {difference['value']:+.2f}, clearly above zero)."
    if high < 0:
        return f"{name} ranks patients worse than {other} (ROC AUC {difference['value']:+.2f}, clearly below zero)."
    return (
        f"{name} and {other} rank patients about equally well on this trial (difference in ROC AUC "
        f"{difference['value']:+.2f}, range {low:+.2f} to {high:+.2f}: it could be either)."
    )


def recommend(results: dict[str, dict[str, Any]], lightgbm: str, logistic: str, difference: dict[str, Any]) -> dict:
    """LightGBM is the product's main model; the logistic regression is recommended when it ranks better."""
    auc = {family: results[family]["summary"][ROC_AUC]["value"] for family in (lightgbm, logistic)}
    chosen = logistic if auc[logistic] > auc[lightgbm] else lightgbm
    if chosen == logistic:
        words = (
            f"On this trial the simpler logistic regression ranks patients better than LightGBM "
            f"(cross-validated ROC AUC {auc[logistic]:.2f} against {auc[lightgbm]:.2f}). "
            "With a few hundred patients, a simple model often wins: it is the recommended version, "
            "and you may keep either."
        )
    else:
        words = (
            f"LightGBM ranks patients at least as well as the logistic regression on this trial "
            f"(cross-validated ROC AUC {auc[lightgbm]:.2f} against {auc[logistic]:.2f}); it is the recommended version."
        )
    return {"family": chosen, "words": words, "lightgbm_minus_logistic": difference}


def calibration_of(y: np.ndarray, p: np.ndarray) -> list[dict[str, float]]:
    known = np.isfinite(p)
    return calibration_table(y[known], p[known])
