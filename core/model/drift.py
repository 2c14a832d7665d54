"""Is a cohort unlike the patients the model learned from? Population stability per input.

The training reference (stored in the model card) keeps, for each input, bin proportions *per
trial phase* over shared bins. A cohort is compared with the reference mixed in the cohort's own
phase mix, so a one-phase trial is not called "drifted" merely for being one phase. Values beyond
the training range are counted separately: the model has never seen them.

PSI = sum over bins of (current - reference) * ln(current / reference).
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd
from numpy.typing import ArrayLike

from core.reading.contract import Contract

PHASE = "trial_phase"  # the reference is kept per phase and mixed in the cohort's own phase mix
MODERATE_PSI = 0.10
MAJOR_PSI = 0.25
TOO_FEW = "too few patients"  # the level of every input when the cohort is too small to judge drift
BEYOND_RANGE = "beyond the training range"  # ... except those with values the model never saw
MAJOR_OUT_OF_RANGE = 0.05  # share of patients beyond the training range that counts as major
MIN_PATIENTS = 100  # below this, PSI is mostly noise: report "too few patients"
EPSILON = 1e-4


def _bin_index(values: np.ndarray, edges: list[float]) -> np.ndarray:
    return np.searchsorted(np.asarray(edges[1:-1]), values, side="right")


def _proportions(index: np.ndarray, bins: int) -> list[float]:
    counts = np.bincount(index, minlength=bins).astype(float)
    return (counts / max(counts.sum(), 1.0)).round(6).tolist()


def drift_inputs(contract: Contract, valid: pd.DataFrame) -> tuple[list[str], list[str]]:
    """The numeric and the category fields of the contract that are compared (and present in ``valid``)."""
    compared = [spec for spec in contract if spec.drift and spec.name in valid.columns]
    return [s.name for s in compared if s.numeric], [s.name for s in compared if s.kind == "category"]


def reference_profile(valid: pd.DataFrame, contract: Contract) -> dict[str, Any]:
    """Bins and per-phase proportions of every compared input, from validated training rows."""
    phases = valid[PHASE].astype(str)
    numeric, categorical = drift_inputs(contract, valid)
    profile: dict[str, Any] = {
        "phase_share": phases.value_counts(normalize=True).round(6).to_dict(),
        "numeric": {},
        "categorical": {},
    }
    for column in numeric:
        values = valid[column].to_numpy(dtype=float)
        edges = np.unique(np.quantile(values, np.linspace(0, 1, 11))).tolist()
        if len(edges) < 2:
            edges = [edges[0], edges[0]]
        index = _bin_index(values, edges)
        profile["numeric"][column] = {
            "edges": edges,
            "min": float(values.min()),
            "max": float(values.max()),
            "by_phase": {p: _proportions(index[(phases == p).to_numpy()], len(edges) - 1) for p in sorted(set(phases))},
        }
    for column in categorical:
        levels = list(contract[column].levels)
        profile["categorical"][column] = {
            p: valid.loc[(phases == p).to_numpy(), column]
            .astype(str)
            .value_counts(normalize=True)
            .reindex(levels, fill_value=0.0)
            .round(6)
            .to_dict()
            for p in sorted(set(phases))
        }
    return profile


def psi(reference: ArrayLike, current: ArrayLike) -> float:
    """Population stability index of two proportion vectors over the same bins."""
    ref = np.clip(np.asarray(reference, dtype=float), EPSILON, None)
    cur = np.clip(np.asarray(current, dtype=float), EPSILON, None)
    return float(np.sum((cur - ref) * np.log(cur / ref)))


def _level(value: float, outside: float) -> str:
    if value >= MAJOR_PSI or outside >= MAJOR_OUT_OF_RANGE:
        return "major"
    if value >= MODERATE_PSI or outside > 0:
        return "moderate"
    return "none"


def _mixed(by_phase: dict[str, Any], weights: dict[str, float], keys: list | None = None) -> np.ndarray:
    rows = [
        np.asarray([by_phase[p][k] for k in keys] if keys else by_phase[p], dtype=float) * w
        for p, w in weights.items()
        if p in by_phase
    ]
    return np.sum(rows, axis=0)


def drift_report(profile: dict[str, Any], valid: pd.DataFrame) -> pd.DataFrame:
    """One row per input: PSI, share beyond the training range, level (none, moderate, major) and words."""
    phases = valid[PHASE].astype(str)
    weights = phases.value_counts(normalize=True).to_dict()
    unseen = [p for p in weights if p not in profile["phase_share"]]
    rows = []
    for column, ref in profile["numeric"].items():
        if column not in valid:
            continue
        values = valid[column].to_numpy(dtype=float)
        current = _proportions(_bin_index(values, ref["edges"]), len(ref["edges"]) - 1)
        value = psi(_mixed(ref["by_phase"], weights), current)
        below, above = float(np.mean(values < ref["min"])), float(np.mean(values > ref["max"]))
        words = []
        if below or above:
            words.append(
                f"{below + above:.1%} of patients outside the training range ({ref['min']:g} to {ref['max']:g})"
            )
        rows.append(
            {
                "input": column,
                "psi": value,
                "outside_training_range": below + above,
                "level": _level(value, below + above),
                "note": "; ".join(words),
            }
        )
    for column, by_phase in profile["categorical"].items():
        if column not in valid:
            continue
        levels = list(next(iter(by_phase.values())))  # the reference's own level order
        current = valid[column].astype(str).value_counts(normalize=True).reindex(levels, fill_value=0.0).to_numpy()
        value = psi(_mixed(by_phase, weights, levels), current)
        rows.append(
            {"input": column, "psi": value, "outside_training_range": 0.0, "level": _level(value, 0.0), "note": ""}
        )
    rows.append(
        {
            "input": PHASE,
            "psi": float("nan"),
            "outside_training_range": float(phases.isin(unseen).mean()),
            "level": "major" if unseen else "none",
            "note": f"phase never trained on: {', '.join(unseen)}" if unseen else "compared within each phase",
        }
    )
    report = pd.DataFrame(rows)
    if len(valid) < MIN_PATIENTS:  # drift is not judged; values beyond the training range are still a fact
        report["level"] = np.where(report["outside_training_range"] > 0, BEYOND_RANGE, TOO_FEW)
    return report


def drift_summary(report: pd.DataFrame) -> str | None:
    """A short warning for the banner, or None when nothing drifted."""
    flagged = report[report["level"].isin(["moderate", "major", BEYOND_RANGE])]
    if flagged.empty:
        return None
    parts = [f"{r.input.replace('_', ' ')} ({r.level}{': ' + r.note if r.note else ''})" for r in flagged.itertuples()]
    beyond = bool((flagged["outside_training_range"] > 0).any())
    return (
        "This cohort differs from the patients the model learned from in: "
        + "; ".join(parts)
        + ". "
        + (
            "The model never saw values beyond its training range; treat those patients' estimates with caution. "
            if beyond
            else ""
        )
        + "The held-out figures on the Model page may not carry over to these patients."
    )
