"""Who would have been called each replayed week: the call list under the policy, and what coordinators do
today at the same number of calls.

Every strategy keeps its own memory: a patient called stays "called" for ``called_weeks`` weeks and is not
called again meanwhile. The call list flags the patients not called lately through the one flag rule
(``Policy.flagged``: at or above the threshold, the ``capacity`` highest risks). Each rule then makes, each
week, at most as many calls as the call list made that week:

* ``no_visit_14_days``: patients with no visit for 14 days or more, longest gap first;
* ``missed_last_visit``: patients who missed their last scheduled visit, longest gap first;
* ``random``: patients drawn at random (a fixed seed; the counting averages over draws).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace

import numpy as np
import pandas as pd

from core.decisions.policy import Policy
from core.reading.contract import ID_COLUMN
from core.replay.weeks import Week

NO_VISIT_DAYS = 14
RULES = {
    "no_visit_14_days": f"Call anyone with no visit for {NO_VISIT_DAYS} days or more",
    "missed_last_visit": "Call anyone who missed their last scheduled visit",
    "random": "Random calls",
}
CALL_COLUMNS = ["day", ID_COLUMN]
Pick = Callable[[pd.DataFrame, np.ndarray, int, np.random.Generator], np.ndarray]


@dataclass(frozen=True)
class CallSettings:
    """The policy in force each week: threshold (None: the scoring model's default), capacity as a number
    of calls or as a share of the week's ongoing patients, and how long a called patient stays called."""

    policy: Policy
    threshold: float | None = None
    capacity_share: float | None = None
    called_weeks: int = 4

    def week_policy(self, week: Week) -> Policy:
        threshold = week.threshold if self.threshold is None else self.threshold
        capacity = self.policy.capacity
        if self.capacity_share is not None:
            capacity = int(np.ceil(self.capacity_share * len(week.patients)))
        return replace(self.policy, threshold=threshold, capacity=capacity)


def _patient_codes(weeks: Sequence[Week]) -> tuple[list[np.ndarray], int]:
    """Each week's patients as integer codes shared by every week (one factorisation), and how many patients."""
    ids = [week.patients[ID_COLUMN].to_numpy(dtype=str) for week in weeks]
    codes, distinct = pd.factorize(np.concatenate(ids) if ids else np.array([], dtype=str))
    bounds = np.cumsum([0, *(len(i) for i in ids)])
    return [codes[bounds[i] : bounds[i + 1]] for i in range(len(ids))], len(distinct)


class _Memory:
    """When each patient was last called (a week number), so a called patient rests ``called_weeks`` weeks.

    Weeks are seven days apart, so a week number counts the weeks between two calls."""

    def __init__(self, weeks: Sequence[Week], called_weeks: int) -> None:
        self.codes, patients = _patient_codes(weeks)
        self.last = np.full(patients, -(10**9), dtype=np.int64)
        self.called_weeks = called_weeks

    def free(self, number: int) -> np.ndarray:
        return self.last[self.codes[number]] <= number - self.called_weeks

    def call(self, number: int, week: Week, chosen: np.ndarray) -> pd.DataFrame:
        """Record the calls to the week's patients at positions or mask ``chosen``; returns them as rows."""
        self.last[self.codes[number][chosen]] = number
        ids = week.patients[ID_COLUMN].to_numpy(dtype=str)[chosen]
        return pd.DataFrame({"day": [week.day] * len(ids), ID_COLUMN: ids})


def _frame(parts: list[pd.DataFrame]) -> pd.DataFrame:
    found = [p for p in parts if len(p)]
    return pd.concat(found, ignore_index=True) if found else pd.DataFrame(columns=CALL_COLUMNS)


def model_calls(weeks: Sequence[Week], settings: CallSettings) -> tuple[pd.DataFrame, list[int]]:
    """The call list's calls (day, patient) and how many it made each week."""
    memory = _Memory(weeks, settings.called_weeks)
    parts, counts = [], []
    for number, week in enumerate(weeks):
        free = memory.free(number)
        chance = np.where(free, week.patients["probability"].to_numpy(dtype=float), np.nan)
        flagged = settings.week_policy(week).flagged(chance) & free  # a blank chance is never flagged
        parts.append(memory.call(number, week, flagged))
        counts.append(int(flagged.sum()))
    return _frame(parts), counts


def _longest_gap_first(patients: pd.DataFrame, eligible: np.ndarray, n: int) -> np.ndarray:
    gap = np.where(eligible, patients["days_since_last_visit"].to_numpy(dtype=float), -np.inf)
    order = np.argsort(-gap, kind="stable")[: min(n, int(eligible.sum()))]
    return np.sort(order)


def pick_no_visit(patients: pd.DataFrame, free: np.ndarray, n: int, rng: np.random.Generator) -> np.ndarray:
    due = free & (patients["days_since_last_visit"].to_numpy(dtype=float) >= NO_VISIT_DAYS)
    return _longest_gap_first(patients, due, n)


def pick_missed(patients: pd.DataFrame, free: np.ndarray, n: int, rng: np.random.Generator) -> np.ndarray:
    return _longest_gap_first(patients, free & patients["missed_last_visit"].to_numpy(dtype=bool), n)


def pick_random(patients: pd.DataFrame, free: np.ndarray, n: int, rng: np.random.Generator) -> np.ndarray:
    candidates = np.flatnonzero(free)
    return np.sort(rng.choice(candidates, size=min(n, len(candidates)), replace=False))


PICKS: dict[str, Pick] = {"no_visit_14_days": pick_no_visit, "missed_last_visit": pick_missed, "random": pick_random}


def rule_calls(
    weeks: Sequence[Week], counts: Sequence[int], rule: str, called_weeks: int, seed: int = 0
) -> pd.DataFrame:
    """A rule's calls (day, patient), at most ``counts[i]`` in week i, called patients resting as for the model."""
    pick, rng = PICKS[rule], np.random.default_rng(seed)
    memory = _Memory(weeks, called_weeks)
    parts = []
    for number, (week, n) in enumerate(zip(weeks, counts, strict=True)):
        chosen = pick(week.patients, memory.free(number), n, rng) if n else np.array([], dtype=np.int64)
        parts.append(memory.call(number, week, chosen))
    return _frame(parts)
