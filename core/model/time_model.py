"""A time-to-dropout model as the product uses it: weekly hazards rolled forward into a survival curve.

The fitted hazard (``hazard``: any ``Predictor``, calibrated) gives the chance a patient leaves in the coming
week, given they are still in the trial, from the same contract features every model reads. Looking ahead,
only the clock moves: week j's row is today's row with ``days_in_trial`` advanced by 7·j, so a prediction
uses nothing the team does not know today. With the weekly hazards h_1..h_j, the survival curve is
S(j) = (1 - h_1) ... (1 - h_j), which can never rise, and:

* the chance of leaving within N weeks is 1 - S(N), N no later than the planned end (``chance_within_N_weeks``);
* ``probability`` (what flags, costs and the threshold read, as for every model) is the chance of leaving
  before the planned end: 1 - S(weeks left), the weeks left counted from the trial's planned length.

Explanations: the SHAP contributions of this week's hazard, from a base moved by the typical distance between
this week's log-odds and the chance before the end (``offset``); a patient's own distance from the typical
one is the clock's (more or fewer weeks still to go), so the contributions add up to the log-odds of
``probability``.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np

from core.model.predictors import Predictor

CLOCK = "days_in_trial"
DAYS_PER_WEEK = 7
HORIZONS = (4, 8, 12)  # weeks
WEEKLY, BLOCK = 4, 4  # weeks ahead evaluated one by one, then in blocks of this many (``SurvivalModel.survival``)
KIND = "time_to_dropout"


def horizon_column(weeks: int) -> str:
    """The scored frame's column for the chance of leaving within ``weeks`` weeks (shared naming contract)."""
    return f"chance_within_{int(weeks)}_weeks"


def leave_before(survival: np.ndarray, weeks_left: np.ndarray) -> np.ndarray:
    """1 - S(weeks left) per row (the chance of leaving before the planned end); 0 when no week is left."""
    weeks_left = np.clip(np.asarray(weeks_left, dtype=int), 0, survival.shape[1])
    padded = np.hstack([np.ones((len(survival), 1)), survival])
    return 1.0 - padded[np.arange(len(survival)), weeks_left]


def _logit(p: np.ndarray) -> np.ndarray:
    p = np.clip(np.asarray(p, dtype=float), 1e-9, 1 - 1e-9)
    return np.log(p / (1.0 - p))


@dataclass
class SurvivalModel:
    """A calibrated weekly hazard and the trial rhythm it rolls forward on.

    ``planned_days``: the planned length a patient's weeks left are counted to; ``longest_weeks``: the most
    weeks ahead it looks (its training rows' span: past it the hazard would be carried beyond its data).
    """

    hazard: Predictor
    planned_days: float
    longest_weeks: int
    offset: float = 0.0  # the typical distance from this week's log-odds to the chance before the end
    kind: str = KIND

    @property
    def feature_names(self) -> list[str]:
        return list(self.hazard.feature_names)

    def _clock(self) -> int:
        return self.feature_names.index(CLOCK)

    def survival(self, X: np.ndarray, weeks: int) -> np.ndarray:
        """(rows, weeks): the chance of still being in the trial after each of the coming ``weeks`` weeks.

        The hazard is evaluated for each of the first ``WEEKLY`` weeks ahead (where this week's calls are decided),
        then at the start of every ``BLOCK`` weeks and held for the weeks between: the clock moves the hazard
        slowly, and a year ahead costs a quarter of the model evaluations. Past the planned end the curve stays
        flat: a patient who reaches it completes."""
        X = np.asarray(X, dtype=float)
        n = len(X)
        if n == 0 or weeks <= 0:
            return np.ones((n, max(weeks, 0)))
        ahead = np.arange(weeks)
        evaluated = np.unique(np.where(ahead < WEEKLY, ahead, WEEKLY + (ahead - WEEKLY) // BLOCK * BLOCK))
        stacked = np.tile(X, (len(evaluated), 1))
        stacked[:, self._clock()] += np.repeat(evaluated.astype(float) * DAYS_PER_WEEK, n)
        hazards = self.hazard.probability(stacked).reshape(len(evaluated), n).T
        held = hazards[:, np.searchsorted(evaluated, ahead, side="right") - 1]
        held[ahead[None, :] >= self.weeks_left(X)[:, None]] = 0.0  # past the planned end nobody drops out
        return np.cumprod(1.0 - held, axis=1)

    def weeks_left(self, X: np.ndarray) -> np.ndarray:
        """Whole weeks from each row's day to the planned end (at least 1, at most ``longest_weeks``)."""
        days = np.asarray(X, dtype=float)[:, self._clock()]
        left = np.ceil((self.planned_days - np.nan_to_num(days, nan=0.0)) / DAYS_PER_WEEK)
        return np.clip(np.nan_to_num(left, nan=1.0), 1, max(self.longest_weeks, 1)).astype(int)

    def probability(self, X: np.ndarray) -> np.ndarray:
        """The chance of leaving before the planned end."""
        X = np.asarray(X, dtype=float)
        if not len(X):
            return np.empty(0)
        left = self.weeks_left(X)
        return leave_before(self.survival(X, int(left.max())), left)

    def chance_within(self, X: np.ndarray, weeks: int) -> np.ndarray:
        """The chance of leaving within ``weeks`` weeks (no later than the planned end: nobody drops out after it)."""
        X = np.asarray(X, dtype=float)
        if not len(X):
            return np.empty(0)
        return 1.0 - self.survival(X, int(weeks))[:, -1]

    def log_odds(self, X: np.ndarray) -> np.ndarray:
        return _logit(self.probability(X))

    def contributions(self, X: np.ndarray) -> tuple[np.ndarray, float]:
        """This week's hazard contributions; the weeks ahead are the clock's (they add up to ``log_odds``)."""
        values, base = self.hazard.contributions(X)
        values, base = np.array(values, dtype=float), base + self.offset
        values[:, self._clock()] += self.log_odds(X) - (base + values.sum(axis=1))
        return values, base

    def with_offset(self, X: np.ndarray) -> SurvivalModel:
        """This model with ``offset`` set on typical rows ``X`` (so the clock carries only a patient's own time to go)."""
        distance = self.log_odds(X) - self.hazard.log_odds(np.asarray(X, dtype=float))
        return replace(self, offset=float(np.mean(distance)) if len(distance) else 0.0)


@dataclass(frozen=True)
class WithinWeeks:
    """A survival model read as "the chance of leaving within ``weeks`` weeks" (what ``gaps.probability`` reads)."""

    model: SurvivalModel
    weeks: int

    def probability(self, X: np.ndarray) -> np.ndarray:
        return self.model.chance_within(X, self.weeks)
