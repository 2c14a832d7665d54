"""What a threshold buys: the cost table, rates, decision curve, gains and subgroup views.

Everything here reads the all-threshold curves of ``core.decisions.curves`` (one sort, cumulative sums),
so moving the threshold costs array look-ups, never a model call or a pass over the patients.
Counts are observed when the curves carry outcomes and expected (sums of p) when they do not.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from core.decisions.costs import CostSettings, capped
from core.decisions.curves import THRESHOLD_GRID, Outcome, ThresholdCurves
from core.decisions.policy import Policy
from core.reading.contract import OUTCOME_COLUMN, SITE_COLUMN
from core.scoring.scores import band_names
from core.stats.metrics import cohort_summary

COST_ROWS = {
    "caught": "Dropouts caught",
    "missed": "Dropouts missed",
    "false_alarms": "False alarms (flagged, would have stayed)",
    "flagged": "Patients flagged",
    "intervention_cost": "Contact cost ($)",
    "dropout_cost": "Cost of dropouts ($)",
    "total_cost": "Total program cost ($)",
    "savings": "Savings against no program ($)",
}


def _column(outcome: Outcome, no_program_cost: float) -> dict[str, float]:
    return {
        "caught": outcome.caught,
        "missed": outcome.missed,
        "false_alarms": outcome.false_alarms,
        "flagged": outcome.flagged,
        "intervention_cost": outcome.intervention_cost,
        "dropout_cost": outcome.dropout_cost,
        "total_cost": outcome.total_cost,
        "savings": no_program_cost - outcome.total_cost,
    }


def cost_table(
    curves: ThresholdCurves, threshold: float, costs: CostSettings, capacity: int | None, reference: float
) -> pd.DataFrame:
    """Rows = COST_ROWS keys; columns = chosen, reference, cost_optimal, no_program (cohort totals).

    The capacity caps every program column; the cost-optimal threshold is found under it.
    """
    optimal = curves.optimal_threshold(costs, capacity)
    none = curves.no_program(costs)
    columns = {
        "chosen": _column(curves.at(threshold, costs, capacity), none.total_cost),
        "reference": _column(curves.at(reference, costs, capacity), none.total_cost),
        "cost_optimal": _column(curves.at(optimal, costs, capacity), none.total_cost),
        "no_program": _column(none, none.total_cost),
    }
    table = pd.DataFrame(columns).loc[list(COST_ROWS)]
    table.attrs["thresholds"] = {"chosen": threshold, "reference": reference, "cost_optimal": optimal}
    return table


def per_thousand(table: pd.DataFrame, n_patients: int) -> pd.DataFrame:
    """The same table scaled to 1,000 patients."""
    return table * (1000.0 / n_patients) if n_patients else table * np.nan


@dataclass(frozen=True)
class Rates:
    precision: float  # share of flagged who drop out
    recall: float  # share of dropouts flagged (sensitivity)
    specificity: float  # share of stayers not flagged
    flagged_rate: float  # share of patients flagged


def _ratio(numerator: float, denominator: float) -> float:
    return float(numerator / denominator) if denominator > 0 else float("nan")


def rates(outcome: Outcome, n_patients: int) -> Rates:
    """Precision, recall, specificity and flagged rate of one threshold's outcome."""
    return Rates(
        precision=_ratio(outcome.caught, outcome.flagged),
        recall=_ratio(outcome.caught, outcome.caught + outcome.missed),
        specificity=_ratio(outcome.true_negatives, outcome.true_negatives + outcome.false_alarms),
        flagged_rate=_ratio(outcome.flagged, n_patients),
    )


def rate_curves(
    curves: ThresholdCurves, capacity: int | None, thresholds: np.ndarray = THRESHOLD_GRID
) -> dict[str, np.ndarray]:
    """Precision and recall at every threshold of the grid (NaN where nobody is flagged)."""
    c = curves.counts_curve(capacity, thresholds)
    with np.errstate(invalid="ignore", divide="ignore"):
        precision = np.where(c["flagged"] > 0, c["caught"] / c["flagged"], np.nan)
        recall = c["caught"] / curves.total_positive if curves.total_positive else np.full(len(thresholds), np.nan)
    return {"threshold": c["threshold"], "precision": precision, "recall": recall}


def decision_curve(curves: ThresholdCurves, thresholds: np.ndarray | None = None) -> dict[str, np.ndarray]:
    """Net benefit per patient of flagging p >= pt, of flagging everyone, and of nobody (zero).

    Net benefit = caught/n - false_alarms/n * pt / (1 - pt) (Vickers and Elkin, 2006).
    """
    pt = np.asarray(THRESHOLD_GRID[1:-1] if thresholds is None else thresholds, dtype=float)
    c = curves.counts_curve(None, pt)
    n = max(curves.n, 1)
    odds = pt / (1 - pt)
    prevalence = curves.total_positive / n
    return {
        "threshold": pt,
        "model": c["caught"] / n - c["false_alarms"] / n * odds,
        "flag_all": prevalence - (1 - prevalence) * odds,
        "flag_none": np.zeros_like(pt),
    }


def gains(curves: ThresholdCurves, points: int = 101) -> dict[str, np.ndarray]:
    """Cumulative gains: share of dropouts among the top x share of patients by risk."""
    share = np.linspace(0, 1, points)
    k = np.round(share * curves.n).astype(int)
    caught = curves.cumulative_positive(k)
    total = curves.total_positive
    return {"share_contacted": share, "share_of_dropouts": caught / total if total else share * np.nan}


class SubgroupCurves:
    """Per-group counts at any threshold, with the same flagged set as the whole cohort (capacity included).

    Each group keeps the global risk ranks of its members and the cumulative outcomes in that
    order, so the flagged count of a group is one binary search.
    """

    def __init__(self, curves: ThresholdCurves, groups: pd.Series, outcome: np.ndarray | None) -> None:
        codes, names = pd.factorize(groups.astype(str).to_numpy()[curves.order])  # highest risk first
        positives = (np.asarray(outcome, dtype=float) if outcome is not None else curves.probability)[curves.order]
        by_group = np.argsort(codes, kind="stable")  # each group's ranks, ascending, side by side
        bounds = np.concatenate(([0], np.cumsum(np.bincount(codes, minlength=len(names)))))
        self.curves = curves
        self.groups: dict[str, tuple[np.ndarray, np.ndarray]] = {}
        for i in np.argsort(names):
            ranks = by_group[bounds[i] : bounds[i + 1]]
            self.groups[str(names[i])] = (ranks, np.concatenate(([0.0], np.cumsum(positives[ranks]))))

    def at(self, threshold: float, capacity: int | None) -> pd.DataFrame:
        """Per group: patients, flagged, dropouts, caught, recall, flagged rate, precision."""
        k = int(capped(self.curves.flagged_count(threshold), capacity))
        rows = []
        for name, (ranks, cum_positive) in self.groups.items():
            flagged = int(np.searchsorted(ranks, k))
            caught, dropouts = cum_positive[flagged], cum_positive[-1]
            rows.append(
                {
                    "group": name,
                    "patients": len(ranks),
                    "flagged": flagged,
                    "dropouts": dropouts,
                    "caught": caught,
                    "recall": _ratio(caught, dropouts),
                    "flagged_rate": _ratio(flagged, len(ranks)),
                    "precision": _ratio(caught, flagged),
                }
            )
        return pd.DataFrame(rows)


def age_groups(age: pd.Series) -> pd.Series:
    """Age bands for subgroup views."""
    return pd.cut(age.astype(float), bins=[0, 34, 49, 64, 200], labels=["18-34", "35-49", "50-64", "65+"]).astype(str)


@dataclass(frozen=True)
class ThresholdView:
    """Everything the Thresholds page shows for one slider position (one call per step)."""

    table: pd.DataFrame  # cost_table
    per_thousand: pd.DataFrame
    chosen: Outcome
    rates: Rates
    cost_curve: dict[str, np.ndarray]
    rate_curves: dict[str, np.ndarray]
    decision_curve: dict[str, np.ndarray]
    gains: dict[str, np.ndarray]
    subgroups: dict[str, pd.DataFrame]
    at_or_above_threshold: int  # before the capacity cap


def evaluate_threshold(
    curves: ThresholdCurves,
    subgroups: dict[str, SubgroupCurves],
    threshold: float,
    costs: CostSettings,
    capacity: int | None,
    reference: float,
) -> ThresholdView:
    """Array look-ups on precomputed curves: no pass over the patients."""
    table = cost_table(curves, threshold, costs, capacity, reference)
    chosen = curves.at(threshold, costs, capacity)
    return ThresholdView(
        table=table,
        per_thousand=per_thousand(table, curves.n),
        chosen=chosen,
        rates=rates(chosen, curves.n),
        cost_curve=curves.cost_curve(costs, capacity),
        rate_curves=rate_curves(curves, capacity),
        decision_curve=decision_curve(curves),
        gains=gains(curves),
        subgroups={label: view.at(threshold, capacity) for label, view in subgroups.items()},
        at_or_above_threshold=int(curves.flagged_count(threshold)),
    )


SUBGROUP_COLUMNS = {"Gender": "gender", "Age group": "age_group", "Arm": "treatment_group", "Site": SITE_COLUMN}
BY_BAND = "Risk band"


@dataclass
class EvaluationData:
    """One source of patients for the Thresholds page, with everything that does not depend on the threshold."""

    source: str
    labelled: bool
    curves: ThresholdCurves
    subgroups: dict[str, SubgroupCurves]
    probability: np.ndarray
    n_patients: int
    metrics: dict | None  # ROC AUC, Brier, ECE with intervals (labelled cohorts only)
    by_band: SubgroupCurves  # flagged patients per risk band, for the contacts each plan gives them


def build_evaluation(
    source: str, frame: pd.DataFrame, labelled: bool, policy: Policy, with_metrics: bool = False
) -> EvaluationData:
    """Sort once and precompute per source: curves priced by the plan, subgroup ranks (and metrics if asked)."""
    probability = frame["probability"].to_numpy(dtype=float)
    outcome = frame[OUTCOME_COLUMN].to_numpy(dtype=float) if labelled else None
    curves = policy.curves(probability, outcome)
    columns = frame.assign(age_group=age_groups(frame["age"]))
    subgroups = {
        label: SubgroupCurves(curves, columns[column], outcome)
        for label, column in SUBGROUP_COLUMNS.items()
        if column in columns
    }
    by_band = SubgroupCurves(curves, pd.Series(band_names(probability, policy.bands)), outcome)
    metrics = cohort_summary(outcome, probability) if outcome is not None and with_metrics else None
    return EvaluationData(source, labelled, curves, subgroups, probability, len(frame), metrics, by_band)


def contacts_by_band(by_band: pd.DataFrame, policy: Policy) -> pd.DataFrame:
    """Per risk band (highest first): patients, flagged, the contact the plan gives them, its price and cost."""
    table = by_band.set_index("group")
    rows = []
    for band in policy.bands:
        action, price = policy.contact_for_band(band)
        flagged = int(table.at[band.name, "flagged"]) if band.name in table.index else 0
        patients = int(table.at[band.name, "patients"]) if band.name in table.index else 0
        rows.append(
            {
                "band": band.name,
                "patients": patients,
                "flagged": flagged,
                "contact": action,
                "price": price,
                "cost": flagged * price,
            }
        )
    return pd.DataFrame(rows)
