"""One replay, end to end: the start, the scored weeks, the counting, the capacity curve, in plain values.

The command line (``python -m core.cli.replay``) and the Train page both run it from here.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from core.decisions.bands import FACTORY_BANDS, RiskBand
from core.decisions.costs import FACTORY_COSTS, CostSettings
from core.decisions.policy import SINGLE, Policy
from core.history.endings import DEFAULT_OUTCOME, OutcomeDefinition
from core.history.trial_history import TrialHistory
from core.model.bundle import ModelBundle
from core.replay.calls import CallSettings
from core.replay.scorers import Trainer, trial_trainer
from core.replay.summary import RANDOM_DRAWS, capacity_curve, replay_result
from core.replay.weeks import Progress, first_trainable_day, replay_days, replay_weeks

DEFAULT_SHARE = 0.05  # with neither a capacity nor a threshold: 5% of the week's ongoing patients


@dataclass(frozen=True)
class ReplayOptions:
    """How to replay: the policy in force (threshold, capacity as calls or a share of the ongoing patients,
    plan, costs, bands), the start, the retraining cadence, how long a called patient rests, random draws."""

    threshold: float | None = None
    capacity: int | None = None
    capacity_share: float | None = None
    start: pd.Timestamp | None = None
    retrain_weeks: int = 4
    called_weeks: int = 4
    draws: int = RANDOM_DRAWS
    plan: str = SINGLE
    costs: CostSettings = FACTORY_COSTS
    bands: tuple[RiskBand, ...] = FACTORY_BANDS
    curve: bool = True
    outcome: OutcomeDefinition = DEFAULT_OUTCOME  # what counts as dropout: in training and in the counting alike
    notes: list[str] = field(default_factory=list)

    def call_settings(self) -> CallSettings:
        share = self.capacity_share
        if share is None and self.capacity is None and self.threshold is None:
            share = DEFAULT_SHARE
        policy = Policy(self.threshold or 0.0, self.capacity, self.costs, self.bands, self.plan)
        return CallSettings(policy, self.threshold, share, self.called_weeks)


class ReplayRefused(ValueError):
    """The history holds no week to replay (the message says why, in plain words)."""


def start_day(history: TrialHistory, options: ReplayOptions) -> tuple[pd.Timestamp, str]:
    """The first replayed week and why: the date given, or the first week the trial could train a model."""
    if options.start is not None:
        return pd.Timestamp(options.start), "the date given"
    found = first_trainable_day(history, options.outcome)
    if found is not None:
        return found, "the first week the trial's own history could train a model"
    first = replay_days(history, None)
    if not first:
        raise ReplayRefused("the history ends before its first full week, so there is no week to replay")
    return first[0], "the first week of the trial: its history never became large enough to train a model on"


def replay_trial(
    history: TrialHistory,
    fallback: ModelBundle,
    options: ReplayOptions = ReplayOptions(),
    trainer: Trainer | None = None,
    progress: Progress = lambda fraction, words: None,
) -> dict[str, Any]:
    """Replay ``history`` week by week; ``trainer`` defaults to today's trial training (``trial_trainer``)."""
    start, why = start_day(history, options)
    trainer = trainer or trial_trainer(options.costs, outcome=options.outcome)
    weeks = replay_weeks(history, trainer, fallback, start, options.retrain_weeks, options.bands, progress)
    if not weeks:
        raise ReplayRefused(f"no week lies between the start ({start.date()}) and the data cut-off")
    settings = options.call_settings()
    result = replay_result(history, weeks, settings, options.draws, options.outcome)
    result["settings"] |= {
        "start_because": why,
        "retrain_weeks": options.retrain_weeks,
        "fallback": fallback.version,
        "outcome": options.outcome.name,
    }
    if options.curve:
        result["capacity_curve"] = capacity_curve(
            history, weeks, settings, draws=options.draws, outcome=options.outcome
        )
    return result
