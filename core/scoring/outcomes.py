"""A labelled cohort evaluated on what really happened: curves with bands, figures, and what drives the estimates.

Used where outcomes are known (a cohort file with a dropout column, or a trial's history scored as of a
past date): the Thresholds page and the week's report. Bands and intervals resample whole patients.
Patients the model in use learned from are counted, so every page and report can say the figures are
in-sample for them (they flatter the model).
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np
import pandas as pd

from core.decisions.costs import break_even_risk
from core.decisions.policy import Policy
from core.formatting import interval
from core.model import coverage
from core.model.bundle import ModelBundle
from core.model.explain import explain_features
from core.model.features import FEATURES_BY_NAME
from core.reading.contract import ID_COLUMN, OUTCOME_COLUMN
from core.scoring.cohort import ScoredCohort
from core.stats.curves import OutcomeCurves, banded, outcome_curves
from core.stats.metrics import metric_summary

COHORT_RESAMPLE = 10_000  # patients drawn per resample for the figures' intervals (m-out-of-n above this)
EXPLAIN_LIMIT = 5000  # patients explained for the summary of effects (a random sample above this)


@dataclass(frozen=True)
class OutcomeEvaluation:
    """Everything a page or report shows about a labelled cohort (aggregated: no patient is named)."""

    curves: OutcomeCurves
    metrics: dict  # ROC AUC, PR AUC, Brier, ECE with intervals; prevalence, n
    threshold: float
    capacity: int | None
    flagged: int  # on this week's list (threshold and capacity in force)
    break_even: float  # the risk at which a contact pays for itself under the cost table
    cost_optimal: float  # the threshold with the lowest observed program cost (within the capacity)
    effects: pd.DataFrame  # feature label, mean |effect| on log-odds, low, high (largest first)
    in_training: int  # patients the model in use learned from (in-sample for them)

    @property
    def capture_at_capacity(self) -> tuple[int, float, float, float]:
        """List length in force and the share of dropouts on it, with its band."""
        band = self.curves.capture
        k = self.flagged if self.capacity is None else min(self.capacity, self.curves.n)
        share, low, high = (float(np.interp(k, band.x, values)) for values in (band.y, band.low, band.high))
        return k, share, low, high


def labelled_rows(cohort: ScoredCohort) -> pd.DataFrame:
    """The judged patients with an observed outcome."""
    scored = cohort.scored
    if OUTCOME_COLUMN not in scored:
        return scored.iloc[:0]
    return scored[scored[OUTCOME_COLUMN].notna() & scored["probability"].notna()]


def can_evaluate(cohort: ScoredCohort) -> bool:
    """True when the cohort has at least two patients with outcomes, and both outcomes occur."""
    rows = labelled_rows(cohort)
    return OUTCOME_COLUMN in rows and len(rows) >= 2 and rows[OUTCOME_COLUMN].nunique() == 2


def effect_summary(
    bundle: ModelBundle, cohort: ScoredCohort, rows: pd.Index, n_boot: int = 200, seed: int = 0
) -> pd.DataFrame:
    """Mean |effect| (SHAP, log-odds) of each feature on these patients, with a 95% band over resampled patients."""
    if len(rows) > EXPLAIN_LIMIT:
        rows = pd.Index(np.random.default_rng(seed).choice(rows.to_numpy(), EXPLAIN_LIMIT, replace=False))
    explanation = explain_features(bundle, bundle.features(cohort.result.valid.loc[rows]))
    size = explanation.contributions.abs().to_numpy(dtype=float)
    n = len(size)
    mean = size.mean(axis=0)
    ones = np.ones(n)  # every resample holds "both outcomes" for this purpose: the band is of the mean itself
    low, high = banded(ones * 0.5, lambda w: w @ size / w.sum(), n, None, n_boot, seed)
    names = list(explanation.contributions.columns)
    table = pd.DataFrame(
        {
            "feature": names,
            "label": [FEATURES_BY_NAME[f].description.split(" (")[0] if f in FEATURES_BY_NAME else f for f in names],
            "mean_abs_effect": mean,
            "low": low,
            "high": high,
        }
    )
    return table.sort_values("mean_abs_effect", ascending=False, ignore_index=True)


def _figures(y: np.ndarray, p: np.ndarray, ids: np.ndarray, n_boot: int, seed: int) -> dict:
    """ROC AUC, PR AUC, Brier and ECE with intervals: whole patients resampled when a patient has several rows;
    one row each (a cohort file), the m-out-of-n bootstrap of large cohorts, as on the Thresholds page."""
    if len(np.unique(ids)) < len(ids):
        return metric_summary(y, p, n_boot=n_boot, seed=seed, clusters=ids)
    return metric_summary(y, p, n_boot=n_boot, seed=seed, max_resample=COHORT_RESAMPLE)


def evaluate_outcomes(
    cohort: ScoredCohort, policy: Policy, bundle: ModelBundle, n_boot: int = 200, seed: int = 0
) -> OutcomeEvaluation | None:
    """The labelled patients' curves, figures and effects under the policy in force; None without both outcomes."""
    if not can_evaluate(cohort):
        return None
    rows = labelled_rows(cohort)
    y = rows[OUTCOME_COLUMN].to_numpy(dtype=int)
    p = rows["probability"].to_numpy(dtype=float)
    ids = rows[ID_COLUMN].astype(str).to_numpy()
    evaluation = OutcomeEvaluation(
        curves=outcome_curves(y, p, ids, n_boot, seed),
        metrics=_figures(y, p, ids, n_boot, seed),
        threshold=policy.threshold,
        capacity=policy.capacity,
        flagged=0,
        break_even=0.0,
        cost_optimal=0.0,
        effects=effect_summary(bundle, cohort, rows.index, n_boot, seed),
        in_training=coverage.patients_in_training(bundle.predictions_path, bundle.card, rows[ID_COLUMN]),
    )
    return under_policy(evaluation, cohort, policy)


def under_policy(evaluation: OutcomeEvaluation, cohort: ScoredCohort, policy: Policy) -> OutcomeEvaluation:
    """The same curves with the markers of another policy (threshold, capacity, list length, break-even, lowest
    cost): a slider's move costs a sort, not a resampling."""
    rows = labelled_rows(cohort)
    curves = policy.curves(rows["probability"].to_numpy(dtype=float), rows[OUTCOME_COLUMN].to_numpy(dtype=float))
    return replace(
        evaluation,
        threshold=policy.threshold,
        capacity=policy.capacity,
        flagged=policy.flagged_count(curves),
        break_even=break_even_risk(policy.costs),
        cost_optimal=curves.optimal_threshold(policy.costs, policy.capacity),
    )


def evaluation_in_words(evaluation: OutcomeEvaluation, model_figure: dict | None = None) -> list[str]:
    """Plain sentences: ranking, calibration, capture at the list length in force, in-sample warning."""
    m = evaluation.metrics
    auc = m["roc_auc"]
    lines = []
    if evaluation.in_training:
        lines.append(
            f"In-sample, not a test: {evaluation.in_training:,} of these patients were in the data the model in use "
            "learned from, so these figures flatter it."
        )
    built = f" (when built: {interval(model_figure)})" if model_figure else ""
    lines.append(
        f"{m['n']:,} patients with known outcomes, {m['prevalence']:.1%} dropped out. Ranking quality, ROC AUC "
        f"{interval(auc)}{built}: the chance a patient who dropped out was given a higher estimate than one who stayed."
    )
    slope, intercept = evaluation.curves.reliability.slope, evaluation.curves.reliability.intercept
    lines.append(
        f"Calibration slope {interval(slope, 2)} (1 is right; below 1, the estimates are too spread out) and "
        f"intercept {interval(intercept, 2)} (0 is right; below 0, the estimates run too high). Brier score "
        f"{interval(m['brier'])}."
    )
    k, share, low, high = evaluation.capture_at_capacity
    lines.append(
        f"A list of {k:,} patients (the {'capacity' if evaluation.capacity is not None else 'list'} in force) "
        f"held {share:.1%} of those who dropped out (95% range {low:.1%} to {high:.1%})."
    )
    return lines
