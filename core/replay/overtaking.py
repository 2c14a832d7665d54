"""When does a trial's own model overtake the model learned elsewhere (a sponsor's earlier trials, or the bundled one)?

At a few moments of the trial (when a quarter, half, three quarters of its patients had enrolled), the trial's
own time-to-dropout model is trained on the history as it stood then (``core.replay.scorers.time_trainer``:
only patients enrolled before, only what was recorded by then). Both it and the reference model score the
patients enrolled afterwards at each landmark day they reached (``core.replay.temporal_validation``: none of
them in the own model's training), judged on what happened to them later. The figure is the per-landmark ROC
AUC (the mean over landmark days of each day's figure), with the paired difference on the same rows; intervals
resample whole patients. "Overtaken" means the difference's interval lies above zero.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from core.decisions.bands import RiskBand
from core.history.endings import DEFAULT_OUTCOME, OutcomeDefinition
from core.history.trial_history import TrialHistory
from core.model.bundle import ModelBundle
from core.reading.contract import ID_COLUMN, OUTCOME_COLUMN
from core.replay.scorers import Trainer, time_trainer
from core.replay.temporal_validation import (
    ROW_MARK,
    ValidationRefused,
    _landmark_cells,
    patient_of,
    split_by_enrolment,
)
from core.scoring.cohort import score_snapshot
from core.stats.per_stratum import stratum_mean_difference, stratum_mean_summary

SHARES = (0.25, 0.5, 0.75)  # of the trial's patients enrolled


@dataclass(frozen=True)
class Moment:
    """One moment of the trial: what the own model learned from, and the two figures on the later patients."""

    share: float
    date: pd.Timestamp
    counts: dict[str, int]
    own: dict[str, Any] | None = None  # per-landmark ROC AUC {value, ci95}
    reference: dict[str, Any] | None = None
    difference: dict[str, Any] | None = None  # own minus reference, paired on the same rows
    refused: str = ""  # why the own model could not be trained or tested yet

    @property
    def overtaken(self) -> bool:
        return self.difference is not None and float(self.difference["ci95"][0]) > 0


def enrolment_dates(history: TrialHistory, shares: tuple[float, ...] = SHARES) -> list[pd.Timestamp]:
    """The day by which each share of the trial's patients had enrolled."""
    starts = history.subjects["enrolment_date"].sort_values().reset_index(drop=True)
    return [pd.Timestamp(starts.iloc[min(int(share * len(starts)), len(starts) - 1)]).normalize() for share in shares]


def _scored(cells: pd.DataFrame, bundle: ModelBundle, bands: tuple[RiskBand, ...]) -> pd.Series:
    scored = score_snapshot(cells, "later patients", "overtaking", bundle, bands).scored
    return scored.set_index(ID_COLUMN)["probability"]


def _moment(
    history: TrialHistory,
    share: float,
    date: pd.Timestamp,
    reference: ModelBundle,
    bands: tuple[RiskBand, ...],
    trainer: Trainer,
    outcome: OutcomeDefinition,
    n_boot: int,
) -> Moment:
    try:
        split = split_by_enrolment(history, date, outcome)
    except ValidationRefused as exc:
        return Moment(share, date, {}, refused=str(exc))
    counts = split.counts()
    own = trainer(split.training, date - pd.Timedelta(days=1))
    if own is None:
        return Moment(share, date, counts, refused="the patients enrolled before then cannot train a model yet")
    cells = _landmark_cells(history, split.tested, outcome)
    outcomes = pd.to_numeric(cells.set_index(ID_COLUMN)[OUTCOME_COLUMN], errors="coerce")
    frame = pd.DataFrame(
        {"y": outcomes, "own": _scored(cells, own, bands), "reference": _scored(cells, reference, bands)}
    )
    frame = frame.dropna()
    if frame.empty or frame["y"].nunique() < 2:
        return Moment(share, date, counts, refused="the later patients' rows do not hold both outcomes")
    ids = frame.index.to_series()
    days = ids.str.rsplit(ROW_MARK, n=1).str[1].astype(int).to_numpy()
    patients = patient_of(ids).to_numpy()
    y = frame["y"].to_numpy(dtype=int)
    mine = stratum_mean_summary(y, frame["own"].to_numpy(), days, patients, n_boot)
    theirs = stratum_mean_summary(y, frame["reference"].to_numpy(), days, patients, n_boot)
    difference = stratum_mean_difference(
        y, frame["own"].to_numpy(), frame["reference"].to_numpy(), days, patients, n_boot
    )
    return Moment(share, date, counts, mine.get("roc_auc"), theirs.get("roc_auc"), difference or None)


def overtaking(
    history: TrialHistory,
    reference: ModelBundle,
    bands: tuple[RiskBand, ...],
    outcome: OutcomeDefinition = DEFAULT_OUTCOME,
    shares: tuple[float, ...] = SHARES,
    trainer: Trainer | None = None,
    n_boot: int = 100,
) -> list[Moment]:
    """The trial's own model against ``reference`` at each share of enrolment (see the module's words)."""
    trainer = trainer or time_trainer(outcome=outcome)
    dates = enrolment_dates(history, shares)
    return [
        _moment(history, share, date, reference, bands, trainer, outcome, n_boot)
        for share, date in zip(shares, dates, strict=True)
    ]


def in_words(moments: list[Moment], reference_name: str) -> list[str]:
    """One line per moment, then when (if ever) the trial's own model overtook the reference."""
    lines = []
    for m in moments:
        head = f"{m.share:.0%} enrolled ({m.date.date()})"
        if m.refused:
            lines.append(f"{head}: not yet: {m.refused}")
            continue
        c = m.counts
        own, ref, diff = m.own or {}, m.reference or {}, m.difference or {}
        lines.append(
            f"{head}: own model from {c['trained_patients']:,} patients ({c['trained_dropouts']:,} dropouts) "
            f"{_figure(own)} vs {reference_name} {_figure(ref)} on the {c['tested_patients']:,} patients enrolled "
            f"later; difference {_figure(diff, signed=True)}"
        )
    first = next((m for m in moments if m.overtaken), None)
    lines.append(
        f"The trial's own model overtook {reference_name} once {first.share:.0%} of its patients had enrolled."
        if first
        else f"The trial's own model never clearly overtook {reference_name} at these moments."
    )
    return lines


def _figure(entry: dict[str, Any], signed: bool = False) -> str:
    if not entry or not np.isfinite(entry.get("value", np.nan)):
        return "n/a"
    low, high = entry["ci95"]
    form = "{:+.2f}" if signed else "{:.2f}"
    return f"{form.format(entry['value'])} ({form.format(low)} to {form.format(high)})"
